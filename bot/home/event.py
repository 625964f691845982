"""app_home_opened: publish the viewer's home, fresh on every open."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.container import Services
from bot.slack.acked import acked_first


@acked_first
def publish_home(services: Services, event: dict[str, Any], client: WebClient) -> None:
    if event.get("tab", "home") != "home":
        return
    user_id = event["user"]
    client.views_publish(user_id=user_id, view=services.home.view_for(user_id))
