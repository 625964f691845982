"""The modals behind Reassign and Snooze, and the words for a button pressed by the wrong
person or at the wrong time."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    DateTimePickerElement,
    InputBlock,
    PlainTextInputElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.handoffs.lifecycle import Button, HandoffState, Refused
from bot.handoffs.messages import HandoffCard
from bot.ids import Action, Callback, LifecycleBlock
from bot.kernel.mrkdwn import Mrkdwn, bold, join, local_time, md, mention
from bot.kernel.text import section

NOTE_LIMIT = 300


def handoff_id_of(private_metadata: str | None) -> int | None:
    try:
        return int(json.loads(private_metadata or "")["handoff_id"])
    except (ValueError, KeyError, TypeError):
        return None


def _metadata(card: HandoffCard) -> str:
    return json.dumps({"handoff_id": card.id})


def reassign_modal(card: HandoffCard) -> dict[str, object]:
    view = View(
        type="modal",
        callback_id=Callback.REASSIGN_MODAL,
        title="Reassign",
        submit="Reassign",
        close="Cancel",
        private_metadata=_metadata(card),
        blocks=[
            section(
                md(
                    bold(card.work_item),
                    ": ",
                    card.next_action,
                    "\nNow with ",
                    mention(card.next_owner_id),
                    ". The new owner gets the handoff; the current one and the author are told.",
                )
            ),
            InputBlock(
                dispatch_action=True,  # a pick is looked up before Submit
                block_id=LifecycleBlock.NEW_OWNER,
                label="New next owner",
                element=UserSelectElement(action_id=Action.VALUE, placeholder="Who acts next"),
            ),
            InputBlock(
                block_id=LifecycleBlock.NOTE,
                label="Note",
                optional=True,
                element=PlainTextInputElement(
                    action_id=Action.VALUE,
                    max_length=NOTE_LIMIT,
                    placeholder="Why, and anything they need to know",
                ),
            ),
        ],
    )
    return view.to_dict()


def snooze_modal(card: HandoffCard, *, latest: datetime, zone: ZoneInfo) -> dict[str, object]:
    shown = latest.astimezone(zone).strftime("%a %d %b %H:%M")
    view = View(
        type="modal",
        callback_id=Callback.SNOOZE_MODAL,
        title="Snooze",
        submit="Snooze",
        close="Cancel",
        private_metadata=_metadata(card),
        blocks=[
            section(
                md(
                    bold(card.work_item),
                    ": act by was ",
                    local_time(card.act_by),
                    ". The author (",
                    mention(card.author_id),
                    ") is told.",
                )
            ),
            InputBlock(
                block_id=LifecycleBlock.NEW_ACT_BY,
                label="New act by",
                hint=f"Within your next 3 working days: until {shown} your time.",
                element=DateTimePickerElement(
                    action_id=Action.VALUE, initial_date_time=int(card.act_by.timestamp())
                ),
            ),
        ],
    )
    return view.to_dict()


def _names(user_ids: tuple[str, ...]) -> Mrkdwn:
    named = [mention(u) for u in user_ids]
    return named[0] if len(named) == 1 else md(join(", ", named[:-1]), " or ", named[-1])


def not_allowed(button: Button, card: HandoffCard, allowed: tuple[str, ...]) -> Mrkdwn:
    """An ephemeral to whoever pressed a button that is not theirs, naming who can."""
    if button in (Button.ACKNOWLEDGE, Button.DONE, Button.SNOOZE, Button.REASSIGN):
        lead = md("This handoff is for ", mention(card.next_owner_id), ": ")
    else:
        lead = md("")
    return md(
        lead,
        "only ",
        _names(allowed),
        " can press ",
        bold(button.value),
        " on it. Nothing was changed.",
    )


def not_now(button: Button, card: HandoffCard, refused: Refused) -> Mrkdwn:
    if refused is Refused.YOURS:
        if card.state == HandoffState.TAKEN_OVER and card.state_changed_at:
            when = local_time(card.state_changed_at)
            return md(
                "You took over ", bold(card.work_item), " already, ", when, ". Nothing was changed."
            )
        return md(bold(card.work_item), " is yours already: nothing to take over.")
    if refused is Refused.REACHED:
        when = local_time(card.acknowledged_at) if card.acknowledged_at else md("")
        return md(
            "You reached ",
            mention(card.next_owner_id),
            " already ",
            when,
            ": it stays with them. Nothing was sent again.",
        )
    if refused is Refused.ACKNOWLEDGED and button is Button.ACKNOWLEDGE and card.acknowledged_by:
        when = local_time(card.acknowledged_at) if card.acknowledged_at else md("")
        return md("Already acknowledged by ", mention(card.acknowledged_by), " ", when, ".")
    if refused is Refused.ACKNOWLEDGED:
        return md(
            bold(button.value),
            " is only for a handoff nobody has acknowledged yet; ",
            mention(card.next_owner_id),
            " has. Nothing was changed.",
        )
    state = card.state.value.replace("_", " ")
    return md(bold(card.work_item), f" is {state} already: nothing to do.")
