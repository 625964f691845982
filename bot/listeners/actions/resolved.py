"""The buttons on a blocker DM: Resolved (the item is done, if the clicker may say so) and
Snooze 1 day."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Respond

from bot.ids import Action
from bot.listeners.acked import acked_first
from bot.listeners.respond import ephemeral, replace
from bot.services.container import Services
from bot.services.graph import DoneRefused
from bot.views import blocked as views
from bot.views.mrkdwn import md


def register(app: App, services: Services) -> None:
    @app.action(Action.RESOLVED)
    @acked_first(services)
    def resolved(body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        try:
            item_id = int(action.get("value", ""))
        except ValueError:
            return
        result = services.graph.resolve(
            item_id, by=body["user"]["id"], is_admin=services.people.is_admin
        )
        if result is None:
            ephemeral(respond, md("That item is gone."))
        elif isinstance(result, DoneRefused):
            ephemeral(respond, views.done_refused(result.item, result.rights))
        else:
            told = views.done_confirmation(result.report, len(result.notify_keys))
            replace(respond, md(":white_check_mark: ", told))

    @app.action(Action.BLOCKER_SNOOZE)
    @acked_first(services)
    def snooze(body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        try:
            item_id = int(action.get("value", ""))
        except ValueError:
            return
        snoozed = services.graph.snooze_blocker(item_id, by=body["user"]["id"])
        if snoozed is None:
            ephemeral(respond, md("That item is gone."))
            return
        ref, until = snoozed
        replace(respond, views.snoozed(ref, until))
