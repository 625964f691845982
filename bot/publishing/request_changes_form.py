"""The Request changes modal's submission: recorded, and the publish goes back to its owner."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.container import Services
from bot.ids import ChangesBlock
from bot.publishing.approval_buttons import not_approver_text
from bot.publishing.approval_modal import ChangesContext
from bot.publishing.approval_rules import MAX_CHANGES, check_changes
from bot.publishing.approvals import Answered
from bot.slack.form_state import value_of
from bot.slack.home_page import refresh_home


def submit_changes(
    services: Services, ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
) -> None:
    context = ChangesContext.load(view.get("private_metadata"))
    if context is None:
        ack(
            response_action="errors",
            errors={ChangesBlock.WHAT: "This form lost its publish: press the button again."},
        )
        return
    what = check_changes(value_of(view, ChangesBlock.WHAT))
    if what is None:
        ack(
            response_action="errors",
            errors={ChangesBlock.WHAT: f"Say what to change (up to {MAX_CHANGES} characters)."},
        )
        return
    user_id = body["user"]["id"]
    result = services.approvals.answer(context.publish_id, by=user_id, approve=False, note=what)
    ack()
    if isinstance(result, Answered):
        if not context.channel_id:  # pressed on App Home: the page shows it answered
            services.after_ack(lambda: refresh_home(services, client, user_id))
        return
    text = not_approver_text(result)

    def tell() -> None:
        if context.channel_id:
            client.chat_postEphemeral(channel=context.channel_id, user=user_id, text=text)
        else:
            refresh_home(services, client, user_id, text)

    services.after_ack(tell)
