"""The /handoff modal."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    DateTimePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.guardrails.rules import CHECKED
from bot.handoffs.contract import (
    MAX_BULLET_CHARS,
    MAX_BULLETS,
    MAX_ITEM_NAME,
    MAX_NEXT_ACTION,
    MAX_STATUS,
    HandoffField,
)
from bot.ids import Action, Callback, HandoffBlock
from bot.slack.modal_context import ModalContext


@dataclass(frozen=True)
class Prefill:
    """An existing handoff's values, for Edit."""

    work_item: str
    status: str
    done: list[str]
    open: list[str]
    next_owner_id: str
    next_action: str
    backup_owner_id: str | None
    act_by: datetime
    urgency: str


URGENCY_LABELS = {
    "normal": "Normal: nudge, then escalate",
    "low": "Low: nudge only, never escalate",
}


def act_by_hint(act_within: str, default_for_you: datetime, your_zone: str, hours: str) -> str:
    """The default act-by, in the submitter's own time: it is counted in the next owner's
    working hours, so it is shown for someone in the submitter's zone."""
    shown = default_for_you.strftime("%a %d %b %H:%M")
    return (
        f"Left empty: {act_within} of the next owner's working time ({hours}, their zone); "
        f"for someone in your zone that is {shown} your time ({your_zone})."
    )


def edit_modal(
    *, context: ModalContext, prefill: Prefill, checklist: Sequence[str] = ()
) -> dict[str, object]:
    """The handoff modal, filled in with what the handoff says now, and the channel's
    checklist to confirm again (an Edit passes the same checks as a new handoff)."""
    view = _build(
        context=context,
        work_item=prefill.work_item,
        hint="Pick a new time, or keep this one.",
        prefill=prefill,
    )
    if checklist:
        blocks = view["blocks"]
        assert isinstance(blocks, list)
        blocks.append(checklist_block(checklist).to_dict())
    return view


def handoff_modal(
    *,
    context: ModalContext,
    work_item: str,
    hint: str,
    checklist: Sequence[str] = (),
    backup: str | None = None,
) -> dict[str, object]:
    """The modal for one /handoff. Built from a template checked once by slack_sdk's models:
    it is opened on the 3-second path, and only a few values change per request. `backup`:
    the Backup owner it starts with (whoever's turn it is on the channel's rotation)."""
    view: dict[str, Any] = json.loads(_template())
    checklist = tuple(checklist)
    view["private_metadata"] = context.dump()
    for block in view["blocks"]:
        if block["block_id"] == HandoffBlock.WORK_ITEM:
            block["element"]["initial_value"] = work_item[:MAX_ITEM_NAME]
            if not work_item[:MAX_ITEM_NAME]:
                del block["element"]["initial_value"]
        elif block["block_id"] == HandoffBlock.ACT_BY:
            block["hint"]["text"] = hint[:HINT_LIMIT]
        elif block["block_id"] == HandoffBlock.BACKUP_OWNER and backup:
            block["element"]["initial_user"] = backup
    if checklist:
        view["blocks"].append(checklist_block(checklist).to_dict())
    return view


HINT_LIMIT = 2000
CHECK_TEXT = 75  # Slack's limit on an option's text


def checklist_block(items: Sequence[str]) -> InputBlock:
    """The channel's checklist guardrails: each item to confirm before the handoff is sent."""
    return InputBlock(
        block_id=HandoffBlock.CHECKLIST,
        label=HandoffField.CHECKLIST.value,
        hint="This channel's guardrails after repeated failures: confirm each one.",
        element=CheckboxesElement(
            action_id=Action.VALUE,
            options=[
                Option(text=f"{CHECKED}{item}"[:CHECK_TEXT], value=item[:150])
                for item in items[:10]
            ],
        ),
    )


NOTHING_OPEN = "nothing_open"


def nothing_open_block(*, checked: bool) -> InputBlock:
    """Open may be empty only by this choice, so an empty Open is never an omission."""
    option = Option(
        text="Nothing is open or uncertain: all that is left is the next action", value=NOTHING_OPEN
    )
    return InputBlock(
        block_id=HandoffBlock.NOTHING_OPEN,
        label=HandoffField.NOTHING_OPEN.value,
        optional=True,
        element=CheckboxesElement(
            action_id=Action.VALUE,
            options=[option],
            initial_options=[option] if checked else None,
        ),
    )


@functools.cache
def _template() -> str:
    # Checked with the longest values the per-request fields can take.
    longest = ModalContext(channel_id="C" * 32)
    view = _build(context=longest, work_item="w" * MAX_ITEM_NAME, hint="h" * HINT_LIMIT)
    return json.dumps(view)


def _build(
    *, context: ModalContext, work_item: str, hint: str, prefill: Prefill | None = None
) -> dict[str, object]:
    def bullets(lines: list[str] | None) -> str | None:
        return "\n".join(lines) if lines else None

    urgency_options = [Option(value=k, text=v) for k, v in URGENCY_LABELS.items()]
    chosen_urgency = prefill.urgency if prefill else "normal"
    bullets_hint = (
        f"One per line, up to {MAX_BULLETS} lines of {MAX_BULLET_CHARS} characters; "
        "each something the next person can check (what, and where: a link, #channel or file)."
    )
    blocks = [
        InputBlock(
            block_id=HandoffBlock.WORK_ITEM,
            label=HandoffField.WORK_ITEM.value,
            element=PlainTextInputElement(
                action_id=Action.VALUE,
                initial_value=work_item[:MAX_ITEM_NAME] or None,
                max_length=MAX_ITEM_NAME,
                placeholder="e.g. launch copy",
            ),
        ),
        InputBlock(
            block_id=HandoffBlock.STATUS,
            label=HandoffField.STATUS.value,
            element=PlainTextInputElement(
                action_id=Action.VALUE,
                initial_value=prefill.status if prefill else None,
                max_length=MAX_STATUS,
                placeholder="e.g. Copy ready, KPI capture pending",
            ),
        ),
        InputBlock(
            block_id=HandoffBlock.DONE,
            label=HandoffField.DONE.value,
            hint=bullets_hint,
            element=PlainTextInputElement(
                action_id=Action.VALUE,
                multiline=True,
                initial_value=bullets(prefill.done) if prefill else None,
            ),
        ),
        InputBlock(
            block_id=HandoffBlock.OPEN,
            label=HandoffField.OPEN.value,
            optional=True,
            hint=bullets_hint,
            element=PlainTextInputElement(
                action_id=Action.VALUE,
                multiline=True,
                initial_value=bullets(prefill.open) if prefill else None,
            ),
        ),
        nothing_open_block(checked=prefill is not None and not prefill.open),
        InputBlock(
            dispatch_action=True,  # a pick is looked up before Submit
            block_id=HandoffBlock.NEXT_OWNER,
            label=HandoffField.NEXT_OWNER.value,
            element=UserSelectElement(
                action_id=Action.VALUE,
                placeholder="Who acts next",
                initial_user=prefill.next_owner_id if prefill else None,
            ),
        ),
        InputBlock(
            block_id=HandoffBlock.NEXT_ACTION,
            label=HandoffField.NEXT_ACTION.value,
            element=PlainTextInputElement(
                action_id=Action.VALUE,
                max_length=MAX_NEXT_ACTION,
                initial_value=prefill.next_action if prefill else None,
                placeholder="The one thing the next owner does first",
            ),
        ),
        InputBlock(
            dispatch_action=True,  # a pick is looked up before Submit
            block_id=HandoffBlock.BACKUP_OWNER,
            label=HandoffField.BACKUP_OWNER.value,
            optional=True,
            element=UserSelectElement(
                action_id=Action.VALUE,
                placeholder="Who steps in",
                initial_user=prefill.backup_owner_id if prefill else None,
            ),
        ),
        InputBlock(
            block_id=HandoffBlock.ACT_BY,
            label=HandoffField.ACT_BY.value,
            optional=True,
            hint=hint[:HINT_LIMIT],
            element=DateTimePickerElement(
                action_id=Action.VALUE,
                initial_date_time=int(prefill.act_by.timestamp()) if prefill else None,
            ),
        ),
        InputBlock(
            block_id=HandoffBlock.URGENCY,
            label=HandoffField.URGENCY.value,
            hint="Low: a nudge at act-by, and never an escalation.",
            element=StaticSelectElement(
                action_id=Action.VALUE,
                options=urgency_options,
                initial_option=next(o for o in urgency_options if o.value == chosen_urgency),
            ),
        ),
    ]
    view = View(
        type="modal",
        callback_id=Callback.HANDOFF_EDIT_MODAL if prefill else Callback.HANDOFF_MODAL,
        title="Edit handoff" if prefill else "Handoff",
        submit="Save" if prefill else "Hand off",
        close="Cancel",
        private_metadata=context.dump(),
        blocks=blocks,
    )
    return view.to_dict()
