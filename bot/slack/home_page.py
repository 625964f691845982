"""A click on App Home: the page has no conversation and no response_url, so the answer goes
on the page itself (a notice above "Waiting on you"), and the page is published again so it
shows what is true after the click."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.container import Services
from bot.kernel.mrkdwn import Mrkdwn
from bot.slack.reply import tell_clicker
from bot.slack.respond import ephemeral


def from_home(body: dict[str, Any]) -> bool:
    return (body.get("container") or {}).get("type") == "view" and (
        (body.get("view") or {}).get("type", "home") == "home"
    )


def refresh_home(
    services: Services, client: WebClient, user_id: str, notice: Mrkdwn | None = None
) -> None:
    client.views_publish(user_id=user_id, view=services.home.view_for(user_id, notice=notice))


def tell_here(
    services: Services, body: dict[str, Any], client: WebClient, respond: Respond
) -> Callable[[Mrkdwn], None]:
    """An answer only the clicker sees: on their App Home, or ephemerally where they clicked."""
    if from_home(body):
        return lambda text: refresh_home(services, client, body["user"]["id"], text)
    return lambda text: ephemeral(respond, text)


def tell_clicker_here(
    services: Services, body: dict[str, Any], client: WebClient
) -> Callable[[Mrkdwn], None]:
    """An answer only the clicker sees: on their App Home, or ephemerally in the channel of
    the click (for buttons answered without their response_url)."""
    if from_home(body):
        return lambda text: refresh_home(services, client, body["user"]["id"], text)
    return tell_clicker(client, body)
