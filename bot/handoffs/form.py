"""The /handoff modal's submission: the contract is checked at the field, then stored."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.container import Services
from bot.guardrails.recording import Failure
from bot.guardrails.rules import check_handoff
from bot.handoffs.contract import (
    HandoffField,
    Refusal,
    split_bullets,
)
from bot.handoffs.form_checks import check_contract, form_or_refuse, refused
from bot.ids import Action, HandoffBlock
from bot.kernel.mrkdwn import md, mention
from bot.kernel.working_hours import deliver_at, zone_or_utc
from bot.slack.modal_context import ModalContext

FAILURE_FOR_FIELD = {
    HandoffField.NEXT_ACTION: "missing_next_action",
    HandoffField.NEXT_OWNER: "unclear_owner",
    HandoffField.BACKUP_OWNER: "unclear_owner",
}


def confirmed_items(view: dict[str, Any]) -> set[str]:
    """The checklist items ticked in the modal."""
    values = view.get("state", {}).get("values", {})
    chosen = values.get(HandoffBlock.CHECKLIST, {}).get(Action.VALUE, {})
    return {o.get("value", "") for o in chosen.get("selected_options") or []}


def submit_handoff(
    services: Services, ack: Ack, body: dict[str, Any], view: dict[str, Any]
) -> None:
    context = ModalContext.load(view.get("private_metadata"))
    form = form_or_refuse(ack, view)
    if form is None:
        return
    if context is None:
        ack(
            response_action="errors",
            errors={HandoffBlock.WORK_ITEM: "This form lost its channel: run /handoff again."},
        )
        return
    checked = check_contract(services, ack, body, form)
    if checked is None:
        return
    people, result, errors = checked.people, checked.result, checked.errors
    channel = context.channel_id
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
            or deliver_at(form.act_by, services.own_hours.hours_of(form.next_owner_id), zone)
            == form.act_by,
            checklist=services.guardrails.checklist(channel),
            confirmed=confirmed_items(view),
        )
        for label, message in guarded.items():
            errors.setdefault(HandoffField(label), message)
    if refused(ack, checked) or isinstance(result, Refusal):
        return
    view_id = view["id"]
    accepted = services.handoffs.accept(
        result, author_id=body["user"]["id"], channel_id=channel, people=people, view_id=view_id
    )
    ack()  # also for a second press of Submit (not accepted): the first one counted
    if accepted:
        services.after_ack(lambda: create_accepted(services, view_id), background=True)
    named = [form.next_owner_id, form.backup_owner_id]
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
