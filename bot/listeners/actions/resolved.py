"""The buttons on a blocker DM: Resolved (the item is done) and Snooze 1 day."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Respond

from bot.ids import Action
from bot.listeners.acked import acked_first
from bot.services.container import Services
from bot.views import blocked as views


def register(app: App, services: Services) -> None:
    @app.action(Action.RESOLVED)
    @acked_first(services)
    def resolved(body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        try:
            item_id = int(action.get("value", ""))
        except ValueError:
            return
        resolved = services.graph.resolve(item_id, by=body["user"]["id"])
        if resolved is None:
            respond(response_type="ephemeral", replace_original=False, text="That item is gone.")
            return
        text = ":white_check_mark: " + views.done_confirmation(
            resolved.report, len(resolved.notify_keys)
        )
        respond(replace_original=True, text=text)
        services.deliverer.deliver_keys(resolved.send_now)

    @app.action(Action.BLOCKER_SNOOZE)
    @acked_first(services)
    def snooze(body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        try:
            item_id = int(action.get("value", ""))
        except ValueError:
            return
        snoozed = services.graph.snooze_blocker(item_id, by=body["user"]["id"])
        if snoozed is None:
            respond(response_type="ephemeral", replace_original=False, text="That item is gone.")
            return
        ref, until = snoozed
        respond(replace_original=True, text=views.snoozed(ref, until))
