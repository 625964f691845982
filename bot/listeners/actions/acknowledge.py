"""The Acknowledge button on a handoff (channel post, DM, nudge, escalation)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.ids import Action
from bot.listeners.acked import acked_first
from bot.listeners.actions.reply import tell_clicker
from bot.services.container import Services
from bot.services.handoffs import AckOutcome
from bot.views.mrkdwn import local_time, md, mention


def register(app: App, services: Services) -> None:
    @app.action(Action.ACKNOWLEDGE)
    @acked_first(services)
    def acknowledge(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        user_id = body["user"]["id"]
        tell = tell_clicker(client, body)

        try:
            handoff_id = int(action.get("value", ""))
        except ValueError:
            tell(md("That button does not point at a handoff any more."))
            return
        result = services.handoffs.acknowledge(handoff_id, user_id)
        if result.outcome == AckOutcome.UNKNOWN:
            tell(md("That handoff no longer exists."))
        elif result.outcome == AckOutcome.NOT_YOURS:
            assert result.card is not None
            tell(
                md(
                    "This handoff is for ",
                    mention(result.card.next_owner_id),
                    ": only they (or the backup owner) can acknowledge it.",
                )
            )
        elif result.outcome == AckOutcome.ALREADY:
            card = result.card
            assert card is not None and card.acknowledged_at and card.acknowledged_by
            tell(
                md(
                    "Already acknowledged by ",
                    mention(card.acknowledged_by),
                    " ",
                    local_time(card.acknowledged_at),
                    ".",
                )
            )
        else:
            services.deliverer.deliver_keys(result.send_now)
