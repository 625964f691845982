"""The /publish modal's submission: refused at the field, or recorded and posted."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.container import Services
from bot.guardrails.rules import DRAFT_MAX_AGE, check_publish
from bot.ids import BLOCK_FOR_PUBLISH_FIELD, PublishBlock
from bot.kernel.working_hours import zone_or_utc
from bot.publishing.rules import (
    PublishDraft,
    PublishField,
    PublishForm,
    PublishRefusal,
    validate_publish,
)
from bot.slack.form_people import people_or_refuse
from bot.slack.form_state import value_of
from bot.slack.modal_context import ModalContext


def read_form(view: dict[str, Any]) -> PublishForm:
    return PublishForm(
        name=value_of(view, PublishBlock.NAME),
        link=value_of(view, PublishBlock.LINK),
        surface=value_of(view, PublishBlock.SURFACE),
        owner_id=value_of(view, PublishBlock.OWNER),
        backup_owner_id=value_of(view, PublishBlock.BACKUP_OWNER),
        window=value_of(view, PublishBlock.WINDOW),
        rules=value_of(view, PublishBlock.RULES),
        tracking=value_of(view, PublishBlock.TRACKING),
        approvers=tuple(value_of(view, PublishBlock.APPROVERS) or ()),
        follows=value_of(view, PublishBlock.FOLLOWS),
    )


def _refuse(ack: Ack, refusal: PublishRefusal) -> None:
    ack(
        response_action="errors",
        errors={BLOCK_FOR_PUBLISH_FIELD[field]: text for field, text in refusal.errors.items()},
    )


def submit_publish(
    services: Services, ack: Ack, body: dict[str, Any], view: dict[str, Any]
) -> None:
    context = ModalContext.load(view.get("private_metadata"))
    if context is None:
        ack(
            response_action="errors",
            errors={PublishBlock.NAME: "This form lost its channel: run /publish again."},
        )
        return
    form = read_form(view)
    author = body["user"]["id"]
    named = [form.owner_id, form.backup_owner_id, *form.approvers]
    people = people_or_refuse(services, ack, [*named, author], block=PublishBlock.OWNER)
    if people is None:
        return
    submitter = people.get(author)
    people = {uid: person for uid, person in people.items() if uid in named}
    zone = zone_or_utc(submitter.tz if submitter else None)
    result = validate_publish(form, people, zone=zone, surfaces=tuple(services.drafts.surfaces))
    if isinstance(result, PublishRefusal):
        _refuse(ack, result)
        return
    if guarded := _guardrail_errors(services, context.channel_id, result):
        _refuse(ack, PublishRefusal(guarded))
        return
    recorded = services.publishes.create(
        result,
        channel_id=context.channel_id,
        author_id=author,
        attempt=str(view["id"]),
    )
    if isinstance(recorded, PublishRefusal):
        _refuse(ack, recorded)
        return
    ack()  # also for a second press of Submit (recorded is None): the first one counted
    services.after_ack(lambda: services.people.refresh([*named, author]))


def _guardrail_errors(
    services: Services, channel_id: str, draft: PublishDraft
) -> dict[PublishField, str]:
    enabled = services.guardrails.enabled(channel_id)
    if not enabled:
        return {}
    problems = check_publish(
        enabled,
        tracking_labels=draft.tracking_labels,
        draft_age=services.drafts.age_of(channel_id, draft.name),
        max_draft_age=DRAFT_MAX_AGE,
        rule_metrics={c.metric for rule in draft.rules for c in rule.conditions},
        automatic_metrics=services.guardrails.automatic_metrics(channel_id),
    )
    return {PublishField(label): message for label, message in problems.items()}
