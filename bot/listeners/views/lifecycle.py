"""Submissions of the Reassign, Snooze and Edit modals: checked at the field, then changed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, App

from bot.domain.handoff import HandoffField, Refusal, validate_handoff
from bot.domain.lifecycle import Button
from bot.ids import BLOCK_FOR_FIELD, Callback, HandoffBlock, LifecycleBlock
from bot.listeners.actions.lifecycle import answer
from bot.listeners.views.handoff import read_form
from bot.listeners.views.state import value_of
from bot.services.container import Services
from bot.services.handoffs import Change, Edits, Outcome
from bot.services.people import PeopleUnavailable
from bot.views.handoff_modal import ModalContext
from bot.views.lifecycle_modals import handoff_id_of


def register(app: App, services: Services) -> None:
    def finish(ack: Ack, change: Change, button: Button, block: str) -> None:
        """Errors go in the ack, at the field; a change is acked, then delivered."""
        if change.outcome is Outcome.INVALID:
            ack(response_action="errors", errors={block: change.problem or "Try again."})
            return
        if problem := answer(change, button):
            ack(response_action="errors", errors={block: problem})
            return
        ack()

    @app.view(Callback.REASSIGN_MODAL)
    def submit_reassign(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        handoff_id = handoff_id_of(view.get("private_metadata"))
        new_owner_id = value_of(view, LifecycleBlock.NEW_OWNER)
        if handoff_id is None or not new_owner_id:
            ack(response_action="errors", errors={LifecycleBlock.NEW_OWNER: "Pick someone."})
            return
        try:
            people = services.people.for_submission([new_owner_id])
        except PeopleUnavailable:
            ack(
                response_action="errors",
                errors={LifecycleBlock.NEW_OWNER: "Slack did not answer who this is; try again."},
            )
            return
        person = people.get(new_owner_id)
        if person is None:
            ack(
                response_action="errors",
                errors={LifecycleBlock.NEW_OWNER: "Not a member of this workspace."},
            )
            return
        change = services.handoffs.reassign(
            handoff_id, body["user"]["id"], person, value_of(view, LifecycleBlock.NOTE)
        )
        finish(ack, change, Button.REASSIGN, LifecycleBlock.NEW_OWNER)

    @app.view(Callback.SNOOZE_MODAL)
    def submit_snooze(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
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
        change = services.handoffs.snooze(handoff_id, body["user"]["id"], act_by)
        finish(ack, change, Button.SNOOZE, LifecycleBlock.NEW_ACT_BY)

    @app.view(Callback.HANDOFF_EDIT_MODAL)
    def submit_edit(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        context = ModalContext.load(view.get("private_metadata"))
        try:
            form = read_form(view)
        except (TypeError, ValueError, AttributeError):
            ack(response_action="errors", errors={HandoffBlock.ACT_BY: "Pick a date and time."})
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
        try:
            people = services.people.for_submission([form.next_owner_id, form.backup_owner_id])
        except PeopleUnavailable:
            ack(
                response_action="errors",
                errors={HandoffBlock.NEXT_OWNER: "Slack did not answer who this is; try again."},
            )
            return
        result = validate_handoff(
            form,
            people,
            now=services.clock.now(),
            act_within=services.settings.act_within,
            hours=services.settings.working_hours,
            author_id=body["user"]["id"],
        )
        errors = dict(result.errors) if isinstance(result, Refusal) else {}
        if (form.work_item or "").strip().casefold() != current.work_item.casefold():
            errors[HandoffField.WORK_ITEM] = (
                "The work item stays: withdraw this handoff and make a new one for another item."
            )
        if form.next_owner_id != current.next_owner_id:
            errors[HandoffField.NEXT_OWNER] = (
                "To hand it to someone else, ask them to press Reassign, or withdraw and hand "
                "off again."
            )
        if errors or isinstance(result, Refusal):
            ack(
                response_action="errors",
                errors={BLOCK_FOR_FIELD[field]: message for field, message in errors.items()},
            )
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
        change = services.handoffs.edit(context.handoff_id, body["user"]["id"], edits)
        finish(ack, change, Button.EDIT, HandoffBlock.STATUS)
