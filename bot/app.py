"""The Bolt app: listeners wired to Baton's services."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse

from bot.listeners import register_listeners
from bot.observability.bolt_app import BatonApp
from bot.services.container import Services

log = logging.getLogger("baton.app")


def build_app(services: Services, *, socket_mode: bool = False) -> App:
    settings = services.settings
    app = BatonApp(
        metrics=services.metrics,
        signing_secret=settings.slack_signing_secret,
        client=services.client,  # the bot token, retry handlers, every call counted
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

    register_listeners(app, services)
    return app
