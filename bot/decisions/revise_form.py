"""The Revise modal's submission: the action is checked at the field, then decided."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.container import Services
from bot.decisions.buttons import refusal_text
from bot.decisions.choices import Choice, DecisionRefusal, check_revise_action
from bot.decisions.modal import ReviseContext
from bot.decisions.service import Decided
from bot.ids import ReviseBlock
from bot.slack.form_state import value_of
from bot.slack.home_page import refresh_home


def submit_revise(
    services: Services, ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
) -> None:
    context = ReviseContext.load(view.get("private_metadata"))
    if context is None:
        ack(
            response_action="errors",
            errors={ReviseBlock.WRITTEN: "This form lost its publish: press Revise again."},
        )
        return
    action = check_revise_action(
        value_of(view, ReviseBlock.PICKED), value_of(view, ReviseBlock.WRITTEN)
    )
    if isinstance(action, DecisionRefusal):
        ack(response_action="errors", errors={ReviseBlock.WRITTEN: action.message})
        return
    user_id = body["user"]["id"]
    result = services.decisions.decide(
        context.publish_id,
        by=user_id,
        choice=Choice.REVISE,
        action=action,
        seen_revision=context.revision,
    )
    ack()
    if not isinstance(result, Decided):
        text = refusal_text(result)

        def tell() -> None:
            if context.channel_id:
                client.chat_postEphemeral(channel=context.channel_id, user=user_id, text=text)
            else:  # Revise was pressed on App Home: the answer goes on the page
                refresh_home(services, client, user_id, text)

        services.after_ack(tell)
    elif not context.channel_id:
        services.after_ack(lambda: refresh_home(services, client, user_id))
