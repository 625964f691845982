"""HTTP: Slack's events at POST /slack/events (through Bolt), POST /kpi, GET /healthz and
GET /metrics.

Nothing from the body is parsed before the request is known to come from Slack: the signature
is checked on the raw bytes first, then the payload's shape, then Bolt runs. Bodies over
MAX_BODY_BYTES are refused by waitress (413) before they are read.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any
from wsgiref.types import WSGIApplication

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_bolt.context import BoltContext
from slack_bolt.request import BoltRequest
from slack_bolt.request.internals import build_context
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server

from bot.clock import SystemClock
from bot.container import Services
from bot.decisions.ingest import KpiIngest
from bot.observability.access import PARSED_PAYLOAD, ObservedApp
from bot.observability.health import HealthCheck
from bot.payload_shape import slack_payload
from store.db import Database

log = logging.getLogger("baton.web")

MAX_BODY_BYTES = 2 * 1024 * 1024  # Slack's payloads are kilobytes; POST /kpi's at most ~1 MB
TEXT: dict[str, Sequence[str]] = {"content-type": ["text/plain;charset=utf-8"]}
JSON: dict[str, Sequence[str]] = {"content-type": ["application/json;charset=utf-8"]}
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # Unix seconds, as Slack sends them


def make_server(
    app: Any, *, host: str, port: int, threads: int
) -> BaseWSGIServer | MultiSocketServer:
    """Baton's waitress server (for `baton serve` and the tests alike): binds at once, so a
    busy port shows here, and refuses bodies over MAX_BODY_BYTES with 413 unread."""
    return create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        ident="baton",
        max_request_body_size=MAX_BODY_BYTES,
    )


def signed_by_slack(verifier: SignatureVerifier, body: bytes, headers: Mapping[str, str]) -> bool:
    """Whether Slack signed these bytes within the last five minutes (Slack's rule)."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not _TIMESTAMP.fullmatch(timestamp) or not signature.isascii():
        return False
    try:
        text = body.decode("utf-8")  # Slack signs UTF-8 text; other bytes were not from Slack
    except UnicodeDecodeError:
        return False
    return bool(verifier.is_valid(text, timestamp, signature))


class BatonRequestHandler(SlackRequestHandler):
    """Bolt's WSGI handler behind a signature check, plus POST /kpi and a health check."""

    def __init__(
        self,
        app: App,
        db: Database,
        signing_secret: str | None,
        ingest: KpiIngest | None = None,
        *,
        health: HealthCheck | None = None,
    ) -> None:
        super().__init__(app, path="/slack/events")
        self.db = db
        self.health = health or HealthCheck(db, SystemClock(), timedelta(minutes=5))
        self.ingest = ingest
        # Without a signing secret (Socket Mode) no HTTP request can be Slack's.
        self.verifier = SignatureVerifier(signing_secret) if signing_secret else None

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        headers = request.get_headers()
        flat = _flat(headers)
        if self.verifier is None:
            return BoltResponse(status=404, body="not found: Baton takes events over Socket Mode")
        # Only the bytes are read before the signature check; nothing is parsed.
        raw = _raw_body(request)
        if not signed_by_slack(self.verifier, raw, flat):
            return BoltResponse(status=401, body="invalid request")
        text = raw.decode("utf-8")
        payload = slack_payload(text, flat.get("content-type"))
        if not payload:
            log.warning("signed request with a malformed payload (%d bytes)", len(raw))
            return BoltResponse(status=400, body="malformed payload")
        request.environ[PARSED_PAYLOAD] = payload  # for the access log
        return self.app.dispatch(parsed_request(text, payload, request.query_string, headers))

    def _get_http_response(self, request: WsgiHttpRequest) -> WsgiHttpResponse:
        if request.path == "/healthz" and request.method in ("GET", "HEAD"):
            status, body = self.health.body()
            return WsgiHttpResponse(status=status, headers=JSON, body=body)
        if request.path == "/kpi" and self.ingest is not None:
            if request.method != "POST":
                return WsgiHttpResponse(status=405, headers=TEXT, body="Method Not Allowed")
            auth = _flat(request.get_headers()).get("authorization")
            answer = self.ingest.handle(auth, lambda: _raw_body(request))
            return WsgiHttpResponse(
                status=answer.status, headers=JSON, body=json.dumps(answer.body)
            )
        if request.path == self.path and request.method != "POST":
            return WsgiHttpResponse(status=405, headers=TEXT, body="Method Not Allowed")
        return super()._get_http_response(request)


def handler_for(app: App, services: Services) -> WSGIApplication:
    """Baton's HTTP app, with the access log and request metrics around it."""
    settings = services.settings
    ingest = KpiIngest(settings.ingest_token, services.publishes, services.clock)
    health = HealthCheck(services.db, services.clock, settings.health_max_lag)
    handler = BatonRequestHandler(
        app, services.db, settings.slack_signing_secret, ingest, health=health
    )
    return ObservedApp(handler, services.metrics)


def parsed_request(
    text: str, payload: dict[str, Any], query: str, headers: dict[str, Any]
) -> BoltRequest:
    """Bolt's request for a body parsed already (a modal's form-encoded JSON is the costliest
    part of reading a request; Bolt would parse it a second time)."""
    request = BoltRequest(body="", query=query, headers=headers)
    request.raw_body = text  # what Bolt's own checks read
    request.body = payload
    request.context = build_context(BoltContext({}), payload)
    return request


def _raw_body(request: WsgiHttpRequest) -> bytes:
    """The body as bytes (Bolt's adapter decodes it, and fails on bytes that are not UTF-8);
    waitress has already refused it if it is over MAX_BODY_BYTES."""
    stream = request.environ.get("wsgi.input")
    length = str(request.environ.get("CONTENT_LENGTH") or "0")
    if stream is None or not length.isdigit():
        return b""
    return bytes(stream.read(min(int(length), MAX_BODY_BYTES)))


def _flat(headers: Mapping[str, Any]) -> dict[str, str]:
    return {k: (v[0] if isinstance(v, list) and v else str(v)) for k, v in headers.items()}
