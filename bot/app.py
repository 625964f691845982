"""The Bolt app: listeners wired to Baton's services."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse

from bot.event_retries import SeenEvents, drop_repeated_events
from bot.listeners import register_listeners
from bot.services.container import Services

log = logging.getLogger("baton.app")


def build_app(services: Services, *, socket_mode: bool = False) -> App:
    settings = services.settings
    app = App(
        signing_secret=settings.slack_signing_secret,
        client=services.client,  # carries the bot token and retry handlers
        # Socket Mode connections are authenticated by the app token instead of signatures.
        request_verification_enabled=not socket_mode,
        token_verification_enabled=False,
        ignoring_self_events_enabled=True,
        logger=logging.getLogger("baton.bolt"),
    )

    @app.error
    def on_error(error: Exception, body: dict[str, Any]) -> BoltResponse:
        # A listener bug must never show Slack a 500; the user gets nothing worse than silence.
        log.exception("listener failed on %s", (body or {}).get("type"), exc_info=error)
        return BoltResponse(status=200, body="")

    app.use(drop_repeated_events(SeenEvents()))
    register_listeners(app, services)
    return app
