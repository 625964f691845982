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
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.guardrails import CHECKED
from bot.domain.handoff import (
    MAX_BULLET_CHARS,
    MAX_BULLETS,
    MAX_ITEM_NAME,
    MAX_NEXT_ACTION,
    MAX_STATUS,
    HandoffField,
)
from bot.ids import Action, Callback, HandoffBlock


@dataclass(frozen=True)
class ModalContext:
    """Carried through the modal in private_metadata."""

    channel_id: str

    def dump(self) -> str:
        return json.dumps({"channel_id": self.channel_id})

    @classmethod
    def load(cls, raw: str | None) -> ModalContext | None:
        try:
            data = json.loads(raw or "")
            return cls(channel_id=str(data["channel_id"]))
        except (ValueError, KeyError, TypeError):
            return None


def handoff_modal(
    *,
    context: ModalContext,
    work_item: str,
    default_act_by: datetime,
    checklist: Sequence[str] = (),
) -> dict[str, object]:
    """The modal for one /handoff. Built from a template checked once by slack_sdk's models:
    it is opened on the 3-second path, and only three values change per request."""
    view: dict[str, Any] = json.loads(_template())
    checklist = tuple(checklist)
    view["private_metadata"] = context.dump()
    for block in view["blocks"]:
        if block["block_id"] == HandoffBlock.WORK_ITEM:
            block["element"]["initial_value"] = work_item[:MAX_ITEM_NAME]
            if not work_item[:MAX_ITEM_NAME]:
                del block["element"]["initial_value"]
        elif block["block_id"] == HandoffBlock.ACT_BY:
            block["hint"]["text"] = _act_by_hint(default_act_by)
    if checklist:
        view["blocks"].append(checklist_block(checklist).to_dict())
    return view


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


def _act_by_hint(default_act_by: datetime) -> str:
    return "Left empty: " + default_act_by.strftime("%Y-%m-%d %H:%M UTC") + "."


@functools.cache
def _template() -> str:
    # Checked with the longest values the per-request fields can take.
    longest = ModalContext(channel_id="C" * 32)
    view = _build(context=longest, work_item="w" * MAX_ITEM_NAME, default_act_by=datetime.max)
    return json.dumps(view)


def _build(*, context: ModalContext, work_item: str, default_act_by: datetime) -> dict[str, object]:
    bullets_hint = (
        f"One per line, up to {MAX_BULLETS} lines of {MAX_BULLET_CHARS} characters; "
        "each something the next person can check."
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
                max_length=MAX_STATUS,
                placeholder="e.g. Copy ready, KPI capture pending",
            ),
        ),
        InputBlock(
            block_id=HandoffBlock.DONE,
            label=HandoffField.DONE.value,
            optional=True,
            hint=bullets_hint,
            element=PlainTextInputElement(action_id=Action.VALUE, multiline=True),
        ),
        InputBlock(
            block_id=HandoffBlock.OPEN,
            label=HandoffField.OPEN.value,
            optional=True,
            hint=bullets_hint,
            element=PlainTextInputElement(action_id=Action.VALUE, multiline=True),
        ),
        InputBlock(
            block_id=HandoffBlock.NEXT_OWNER,
            label=HandoffField.NEXT_OWNER.value,
            element=UserSelectElement(action_id=Action.VALUE, placeholder="Who acts next"),
        ),
        InputBlock(
            block_id=HandoffBlock.NEXT_ACTION,
            label=HandoffField.NEXT_ACTION.value,
            element=PlainTextInputElement(
                action_id=Action.VALUE,
                max_length=MAX_NEXT_ACTION,
                placeholder="The one thing the next owner does first",
            ),
        ),
        InputBlock(
            block_id=HandoffBlock.BACKUP_OWNER,
            label=HandoffField.BACKUP_OWNER.value,
            optional=True,
            element=UserSelectElement(action_id=Action.VALUE, placeholder="Who steps in"),
        ),
        InputBlock(
            block_id=HandoffBlock.ACT_BY,
            label=HandoffField.ACT_BY.value,
            optional=True,
            hint=_act_by_hint(default_act_by),
            element=DateTimePickerElement(action_id=Action.VALUE),
        ),
    ]
    view = View(
        type="modal",
        callback_id=Callback.HANDOFF_MODAL,
        title="Handoff",
        submit="Hand off",
        close="Cancel",
        private_metadata=context.dump(),
        blocks=blocks,
    )
    return view.to_dict()
