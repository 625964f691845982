"""The Bolt app: listeners wired to Baton's services."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse

from bot.container import Services
from bot.event_retries import SeenEvents, drop_repeated_events
from bot.observability.bolt_app import BatonApp
from bot.routes import register_listeners
from bot.slack.failure import failure_response
from bot.slack.nul_bytes import refuse_nul_bytes
from bot.slack.services import provide_services

log = logging.getLogger("baton.app")


def build_app(services: Services, *, socket_mode: bool = False) -> App:
    settings = services.settings
    app = BatonApp(
        metrics=services.metrics,
        foreground=services.after_ack.foreground,
        signing_secret=settings.slack_signing_secret,
        client=services.client,  # the bot token, retry handlers, every call counted
        # Socket Mode connections are authenticated by the app token instead of signatures.
        request_verification_enabled=not socket_mode,
        # auth.test once, here, at start: Bolt would otherwise call it on the first request,
        # inside that request's 3 seconds.
        token_verification_enabled=True,
        ignoring_self_events_enabled=True,
        logger=logging.getLogger("baton.bolt"),
        # Answer when the listener returns, not after Bolt's 10 ms ack polling: listeners do
        # only what decides the answer and hand the rest to services.after_ack.
        process_before_response=True,
    )

    @app.error
    def on_error(error: Exception, body: dict[str, Any]) -> BoltResponse:
        # Never a 500 for Slack, and never "done" for what was not done.
        log.exception("listener failed on %s", (body or {}).get("type"), exc_info=error)
        return failure_response(body)

    app.middleware(refuse_nul_bytes)
    app.use(drop_repeated_events(SeenEvents()))
    app.use(provide_services(services))
    register_listeners(app)
    return app
