"""The /publish modal's submission: refused at the field, or recorded and posted."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk.errors import SlackApiError

from bot.domain.guardrails import DRAFT_MAX_AGE, check_publish
from bot.domain.publish import (
    PublishDraft,
    PublishField,
    PublishForm,
    PublishRefusal,
    validate_publish,
)
from bot.domain.working_hours import zone_or_utc
from bot.ids import BLOCK_FOR_PUBLISH_FIELD, Callback, PublishBlock
from bot.listeners.views.state import value_of
from bot.services.container import Services
from bot.views.handoff_modal import ModalContext

log = logging.getLogger("baton.publish")


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
    )


def _refuse(ack: Ack, refusal: PublishRefusal) -> None:
    ack(
        response_action="errors",
        errors={BLOCK_FOR_PUBLISH_FIELD[field]: text for field, text in refusal.errors.items()},
    )


def register(app: App, services: Services) -> None:
    @app.view(Callback.PUBLISH_MODAL)
    def submit_publish(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        context = ModalContext.load(view.get("private_metadata"))
        if context is None:
            ack(
                response_action="errors",
                errors={PublishBlock.NAME: "This form lost its channel: run /publish again."},
            )
            return
        form = read_form(view)
        author = body["user"]["id"]
        try:
            people = services.people.lookup_many([form.owner_id, form.backup_owner_id], fresh=True)
            # Only the author's time zone is needed: what Baton knows of it will do.
            submitter = services.people.lookup(author)
        except SlackApiError as error:
            log.warning("users.info failed: %s", error.response.get("error"))
            ack(
                response_action="errors",
                errors={PublishBlock.OWNER: "Slack did not answer who this is; try again."},
            )
            return
        zone = zone_or_utc(submitter.tz if submitter else None)
        result = validate_publish(form, people, zone=zone)
        if isinstance(result, PublishRefusal):
            _refuse(ack, result)
            return
        if guarded := _guardrail_errors(services, context.channel_id, result):
            _refuse(ack, PublishRefusal(guarded))
            return
        recorded = services.publishing.create(
            result,
            channel_id=context.channel_id,
            author_id=author,
            attempt=str(view.get("id") or view.get("hash")),
        )
        if isinstance(recorded, PublishRefusal):
            _refuse(ack, recorded)
            return
        ack()
        services.deliverer.deliver_keys(recorded.send_now)


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
