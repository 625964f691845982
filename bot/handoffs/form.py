"""The /handoff modal's submission: the contract is checked at the field, then stored."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack

from bot.container import Services
from bot.guardrails.recording import Failure
from bot.guardrails.rules import check_handoff
from bot.handoffs.contract import (
    HandoffField,
    HandoffForm,
    Refusal,
    split_bullets,
    validate_handoff,
)
from bot.ids import BLOCK_FOR_FIELD, Action, HandoffBlock
from bot.kernel.mrkdwn import md, mention
from bot.kernel.working_hours import deliver_at, zone_or_utc
from bot.slack.form_people import people_or_refuse
from bot.slack.form_state import value_of
from bot.slack.modal_context import ModalContext

FAILURE_FOR_FIELD = {
    HandoffField.NEXT_ACTION: "missing_next_action",
    HandoffField.NEXT_OWNER: "unclear_owner",
    HandoffField.BACKUP_OWNER: "unclear_owner",
}


def read_form(view: dict[str, Any]) -> HandoffForm:
    act_by_raw = value_of(view, HandoffBlock.ACT_BY)
    return HandoffForm(
        work_item=value_of(view, HandoffBlock.WORK_ITEM),
        status=value_of(view, HandoffBlock.STATUS),
        done=value_of(view, HandoffBlock.DONE),
        open=value_of(view, HandoffBlock.OPEN),
        next_owner_id=value_of(view, HandoffBlock.NEXT_OWNER),
        next_action=value_of(view, HandoffBlock.NEXT_ACTION),
        backup_owner_id=value_of(view, HandoffBlock.BACKUP_OWNER),
        act_by=datetime.fromtimestamp(int(act_by_raw), UTC) if act_by_raw is not None else None,
        urgency=value_of(view, HandoffBlock.URGENCY),
    )


def confirmed_items(view: dict[str, Any]) -> set[str]:
    """The checklist items ticked in the modal."""
    values = view.get("state", {}).get("values", {})
    chosen = values.get(HandoffBlock.CHECKLIST, {}).get(Action.VALUE, {})
    return {o.get("value", "") for o in chosen.get("selected_options") or []}


def submit_handoff(
    services: Services, ack: Ack, body: dict[str, Any], view: dict[str, Any]
) -> None:
    context = ModalContext.load(view.get("private_metadata"))
    try:
        form = read_form(view)
    except (TypeError, ValueError, AttributeError):
        ack(response_action="errors", errors={HandoffBlock.ACT_BY: "Pick a date and time."})
        return
    if context is None:
        ack(
            response_action="errors",
            errors={HandoffBlock.WORK_ITEM: "This form lost its channel: run /handoff again."},
        )
        return
    named = [form.next_owner_id, form.backup_owner_id]
    people = people_or_refuse(services, ack, named, block=HandoffBlock.NEXT_OWNER)
    if people is None:
        return
    result = validate_handoff(
        form,
        people,
        now=services.clock.now(),
        act_within=services.settings.act_within,
        hours=services.settings.working_hours,
        author_id=body["user"]["id"],
    )
    channel = context.channel_id
    errors = dict(result.errors) if isinstance(result, Refusal) else {}
    if isinstance(result, Refusal):
        _record_refusal(services, result, channel, body, view)
    enabled = services.guardrails.enabled(channel)
    if enabled:
        next_owner = people.get(form.next_owner_id or "")
        zone = zone_or_utc(next_owner.tz if next_owner else None)
        guarded = check_handoff(
            enabled,
            done=split_bullets(form.done),
            backup_owner_id=form.backup_owner_id,
            act_by_given=form.act_by is not None,
            durable_names=services.drafts.names(channel),
            act_by_in_hours=form.act_by is None
            or deliver_at(form.act_by, services.settings.working_hours, zone) == form.act_by,
            checklist=services.guardrails.checklist(channel),
            confirmed=confirmed_items(view),
        )
        for label, message in guarded.items():
            errors.setdefault(HandoffField(label), message)
    if errors or isinstance(result, Refusal):
        ack(
            response_action="errors",
            errors={BLOCK_FOR_FIELD[field]: message for field, message in errors.items()},
        )
        return
    view_id = view["id"]
    accepted = services.handoffs.accept(
        result, author_id=body["user"]["id"], channel_id=channel, people=people, view_id=view_id
    )
    ack()  # also for a second press of Submit (not accepted): the first one counted
    if accepted:
        services.after_ack(lambda: create_accepted(services, view_id), background=True)
    services.after_ack(lambda: services.people.refresh(named), background=True)


def _record_refusal(
    services: Services,
    refusal: Refusal,
    channel_id: str,
    body: dict[str, Any],
    view: dict[str, Any],
) -> None:
    """A refused handoff is a failure seen: missing next action, or an unclear owner."""
    author = body["user"]["id"]
    for field, class_id in FAILURE_FOR_FIELD.items():
        if field in refusal.errors:
            services.guardrails.record(
                Failure(
                    channel_id=channel_id,
                    class_id=class_id,
                    ref=f"handoff-attempt:{view.get('id') or view.get('hash')}:{class_id}",
                    where=md("/handoff by ", mention(author), " refused: ", refusal.errors[field]),
                    at=services.clock.now(),
                    people=(author,),
                )
            )


def create_accepted(services: Services, view_id: str) -> None:
    """After the ack: the handoff, its post and DM (the form was stored before Slack's answer,
    so a crash here leaves it for the planner to finish)."""
    services.handoffs.create_accepted(view_id)
