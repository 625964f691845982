"""app_home_opened: publish the viewer's home, fresh on every open."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.listeners.acked import acked_first
from bot.services.container import Services
from bot.views.home import home_view
from store import handoffs


def register(app: App, services: Services) -> None:
    @app.event("app_home_opened")
    @acked_first(services)
    def publish_home(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        user_id = event["user"]
        with services.db.read() as session:
            waiting_handoffs = [
                (item.name, h.next_action, h.author_id, h.act_by)
                for h, item in handoffs.waiting_on(session, user_id)
            ]
        blocking, waiting = services.graph.home_for(user_id)
        view = home_view(
            handoffs=waiting_handoffs,
            blocking=blocking,
            waiting=waiting,
            now=services.clock.now(),
        )
        client.views_publish(user_id=user_id, view=view)
