"""Baton's Bolt app class: listeners share Baton's instrumented Web API client, and in Socket
Mode (where no HTTP layer sees the requests) each request is counted and logged here."""

from __future__ import annotations

import time
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.after_ack import Foreground
from bot.observability.access import access_line, describe_payload, outcome_of
from bot.observability.metrics import Metrics


class BatonApp(App):
    def __init__(self, *, metrics: Metrics, foreground: Foreground, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metrics = metrics
        self.foreground = foreground

    def _init_context(self, req: BoltRequest) -> None:
        # Bolt builds a plain WebClient per request; Baton has one bot token and never changes
        # it, so its own client (every call counted, 429s waited out) is safe to share.
        super()._init_context(req)
        req.context["client"] = self._client

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        with self.foreground.request():  # background work waits for a gap
            return self._dispatch(req)

    def _dispatch(self, req: BoltRequest) -> BoltResponse:
        if req.mode != "socket_mode":
            return super().dispatch(req)  # HTTP: counted by the WSGI layer, 401s included
        started = time.perf_counter()
        request = describe_payload(req.body)
        response: BoltResponse = super().dispatch(req)
        elapsed = time.perf_counter() - started
        answer = str(response.body or "").encode()
        outcome = outcome_of(response.status, request.surface, answer)
        self.metrics.request(request.surface, outcome, elapsed)
        access_line("SOCKET", "socket_mode", request, response.status, elapsed)
        return response
