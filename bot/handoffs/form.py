"""The /handoff modal's submission: the contract is checked at the field, then stored."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.container import Services
from bot.guardrails.recording import Failure
from bot.handoffs.contract import HandoffField, Refusal
from bot.handoffs.form_checks import (
    check_away,
    check_contract,
    check_guardrails,
    check_testability,
    form_or_refuse,
    record_vague,
    refused,
)
from bot.ids import HandoffBlock
from bot.kernel.mrkdwn import bold, md, mention
from bot.slack.modal_context import ModalContext

FAILURE_FOR_FIELD = {
    HandoffField.NEXT_ACTION: "missing_next_action",
    HandoffField.NEXT_OWNER: "unclear_owner",
    HandoffField.BACKUP_OWNER: "unclear_owner",
}


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
    people, result = checked.people, checked.result
    channel = context.channel_id
    if isinstance(result, Refusal):
        _record_refusal(services, result, channel, body, view)
    strict = check_guardrails(services, view, checked, channel)
    check_away(services, checked, body["user"]["id"])
    as_it_is = check_testability(services, view, checked, strict=strict, kind="handoff")
    if refused(ack, checked) or isinstance(result, Refusal):
        return
    view_id = view["id"]
    accepted = services.handoffs.accept(
        result, author_id=body["user"]["id"], channel_id=channel, people=people, view_id=view_id
    )
    ack()  # also for a second press of Submit (not accepted): the first one counted
    if accepted:
        services.after_ack(lambda: create_accepted(services, view_id), background=True)
    if accepted and as_it_is and checked.findings:  # sent vague, not just kept an owner who is out
        what = md("/handoff ", bold(result.work_item))
        author = body["user"]["id"]
        services.after_ack(
            lambda: record_vague(
                services, checked, channel_id=channel, author=author, ref=view_id, what=what
            ),
            background=True,
        )
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
