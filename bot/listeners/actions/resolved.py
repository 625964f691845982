"""The Resolved button on a blocker DM: the item is done."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.ids import Action
from bot.services.container import Services


def register(app: App, services: Services) -> None:
    @app.action(Action.RESOLVED)
    def resolved(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        try:
            item_id = int(action.get("value", ""))
        except ValueError:
            return
        report = services.graph.resolve(item_id, by=body["user"]["id"])
        if report is None:
            respond(response_type="ephemeral", replace_original=False, text="That item is gone.")
            return
        respond(
            replace_original=True,
            text=f":white_check_mark: *{report.item.name}* is done. "
            "Whoever waited on it has been told.",
        )
        services.deliverer.sweep()
