"""Repeat / Revise / Stop on a decision prompt: only the owner or the backup owner decides."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.ids import Action
from bot.listeners.acked import acked_first
from bot.listeners.actions.reply import tell_clicker
from bot.services.container import Services
from bot.services.publishing import Decided
from bot.views.mrkdwn import bold, local_time, md, mention
from store.models import Choice

CHOICE_OF = {
    Action.DECIDE_REPEAT: Choice.REPEAT,
    Action.DECIDE_REVISE: Choice.REVISE,
    Action.DECIDE_STOP: Choice.STOP,
}


def register(app: App, services: Services) -> None:
    @app.action(Action.DECIDE_REPEAT)
    @app.action(Action.DECIDE_REVISE)
    @app.action(Action.DECIDE_STOP)
    @acked_first(services)
    def decide(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        user_id = body["user"]["id"]
        tell = tell_clicker(client, body)

        try:
            publish_id = int(action.get("value", ""))
            choice = CHOICE_OF[Action(action["action_id"])]
        except (ValueError, KeyError):
            tell(md("That button does not point at a publish any more."))
            return
        result = services.publishing.decide(publish_id, by=user_id, choice=choice)
        if result is None:
            tell(md("That publish no longer exists."))
        elif not isinstance(result, Decided):
            tell(
                md(
                    "Only ",
                    mention(result.owner_id),
                    " (owner) or ",
                    mention(result.backup_owner_id),
                    " (backup owner) decide on ",
                    bold(result.name),
                    ". Nothing was changed.",
                )
            )
        elif not result.first:
            earlier = result.decision
            tell(
                md(
                    f"Already decided: {earlier.choice.title()} by ",
                    mention(earlier.by),
                    " ",
                    local_time(earlier.at),
                    ".",
                )
            )
        else:
            services.deliverer.deliver_keys(result.send_now)
