"""Submissions of the Reassign, Snooze and Edit modals: checked at the field, then changed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack

from bot.container import Services
from bot.handoffs.buttons import answer
from bot.handoffs.changes import Edits
from bot.handoffs.contract import HandoffField, Refusal
from bot.handoffs.form_checks import (
    check_contract,
    check_guardrails,
    check_testability,
    form_or_refuse,
    record_vague,
    refused,
)
from bot.handoffs.lifecycle import Button
from bot.handoffs.lifecycle_modals import handoff_id_of
from bot.handoffs.outcome import Change, Outcome
from bot.ids import HandoffBlock, LifecycleBlock
from bot.kernel.mrkdwn import bold, md
from bot.slack.form_people import people_or_refuse
from bot.slack.form_state import value_of
from bot.slack.modal_context import ModalContext


def finish(services: Services, ack: Ack, change: Change, button: Button, block: str) -> None:
    """Errors go in the ack, at the field; a change is acked, then delivered; a form acted
    on already is acked and nothing is sent again."""
    if change.outcome is Outcome.REPEAT:
        ack()
        return
    if change.outcome is Outcome.INVALID:
        ack(response_action="errors", errors={block: change.problem or "Try again."})
        return
    if problem := answer(change, button):
        ack(response_action="errors", errors={block: problem})
        return
    ack()


def submit_reassign(
    services: Services, ack: Ack, body: dict[str, Any], view: dict[str, Any]
) -> None:
    handoff_id = handoff_id_of(view.get("private_metadata"))
    new_owner_id = value_of(view, LifecycleBlock.NEW_OWNER)
    if handoff_id is None or not new_owner_id:
        ack(response_action="errors", errors={LifecycleBlock.NEW_OWNER: "Pick someone."})
        return
    people = people_or_refuse(services, ack, [new_owner_id], block=LifecycleBlock.NEW_OWNER)
    if people is None:
        return
    person = people.get(new_owner_id)
    if person is None:
        ack(
            response_action="errors",
            errors={LifecycleBlock.NEW_OWNER: "Not a member of this workspace."},
        )
        return
    change = services.handoffs.reassign(
        handoff_id,
        body["user"]["id"],
        person,
        value_of(view, LifecycleBlock.NOTE),
        view_id=view["id"],
    )
    finish(services, ack, change, Button.REASSIGN, LifecycleBlock.NEW_OWNER)


def submit_snooze(services: Services, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
    handoff_id = handoff_id_of(view.get("private_metadata"))
    raw = value_of(view, LifecycleBlock.NEW_ACT_BY)
    try:
        act_by = datetime.fromtimestamp(int(raw), UTC)
    except (TypeError, ValueError):
        act_by = None
    if handoff_id is None or act_by is None:
        ack(
            response_action="errors",
            errors={LifecycleBlock.NEW_ACT_BY: "Pick a date and time."},
        )
        return
    change = services.handoffs.snooze(handoff_id, body["user"]["id"], act_by, view_id=view["id"])
    finish(services, ack, change, Button.SNOOZE, LifecycleBlock.NEW_ACT_BY)


def submit_edit(services: Services, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
    context = ModalContext.load(view.get("private_metadata"))
    form = form_or_refuse(ack, view)
    if form is None:
        return
    if context is None or context.handoff_id is None:
        ack(
            response_action="errors",
            errors={HandoffBlock.STATUS: "This form lost its handoff: press Edit again."},
        )
        return
    current = services.handoffs.card_of(context.handoff_id)
    if current is None:
        ack(response_action="errors", errors={HandoffBlock.STATUS: "That handoff is gone."})
        return
    checked = check_contract(services, ack, body, form)
    if checked is None:
        return
    result, errors = checked.result, checked.errors
    if (form.work_item or "").strip().casefold() != current.work_item.casefold():
        errors[HandoffField.WORK_ITEM] = (
            "The work item stays: withdraw this handoff and make a new one for another item."
        )
    if form.next_owner_id != current.next_owner_id:
        errors[HandoffField.NEXT_OWNER] = (
            "To hand it to someone else, ask them to press Reassign, or withdraw and hand "
            "off again."
        )
    strict = check_guardrails(services, view, checked, current.channel_id)
    as_it_is = check_testability(services, view, checked, strict=strict, kind="edit")
    if refused(ack, checked) or isinstance(result, Refusal):
        return
    edits = Edits(
        status=result.status,
        done=result.done,
        open=result.open,
        next_action=result.next_action,
        backup_owner_id=result.backup_owner_id,
        act_by=result.act_by,
        urgency=result.urgency,
    )
    change = services.handoffs.edit(
        context.handoff_id, body["user"]["id"], edits, view_id=view["id"]
    )
    finish(services, ack, change, Button.EDIT, HandoffBlock.STATUS)
    if as_it_is and change.outcome is Outcome.CHANGED:
        what = md("Edit of ", bold(current.work_item))
        author, view_id = body["user"]["id"], view["id"]
        services.after_ack(
            lambda: record_vague(
                services,
                checked,
                channel_id=current.channel_id,
                author=author,
                ref=view_id,
                what=what,
            ),
            background=True,
        )
