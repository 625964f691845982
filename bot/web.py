"""HTTP: Slack's events at POST /slack/events (through Bolt) and GET /healthz."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier

from bot.ingest import KpiIngest
from bot.services.container import Services
from store.db import Database

log = logging.getLogger("baton.web")

TEXT: dict[str, Sequence[str]] = {"content-type": ["text/plain;charset=utf-8"]}
JSON: dict[str, Sequence[str]] = {"content-type": ["application/json;charset=utf-8"]}


class BatonRequestHandler(SlackRequestHandler):
    """Bolt's WSGI handler plus a health check, and 4xx (never 500) for garbage bodies."""

    def __init__(
        self,
        app: App,
        db: Database,
        signing_secret: str | None,
        ingest: KpiIngest | None = None,
    ) -> None:
        super().__init__(app, path="/slack/events")
        self.db = db
        self.ingest = ingest
        self.verifier = SignatureVerifier(signing_secret) if signing_secret else None

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        body = request.get_body()
        headers = request.get_headers()
        try:
            bolt_request = BoltRequest(body=body, query=request.query_string, headers=headers)
        except (ValueError, KeyError, TypeError):
            # Bolt could not parse it; answer as the signature check would have, then 400.
            if self.verifier and not self.verifier.is_valid_request(body, _flat(headers)):
                return BoltResponse(status=401, body="invalid request")
            return BoltResponse(status=400, body="malformed payload")
        try:
            return self.app.dispatch(bolt_request)
        except (IndexError, KeyError, TypeError, ValueError) as error:
            # Signed but not shaped as Slack shapes it (Bolt's matchers trip on it).
            log.warning("malformed payload: %r", error)
            return BoltResponse(status=400, body="malformed payload")

    def _get_http_response(self, request: WsgiHttpRequest) -> WsgiHttpResponse:
        if request.path == "/healthz" and request.method in ("GET", "HEAD"):
            healthy = self.db.ping()
            body = json.dumps(
                {"ok": healthy, "database": "reachable" if healthy else "unreachable"}
            )
            return WsgiHttpResponse(status=200 if healthy else 503, headers=JSON, body=body)
        if request.path == "/kpi" and self.ingest is not None:
            if request.method != "POST":
                return WsgiHttpResponse(status=405, headers=TEXT, body="Method Not Allowed")
            auth = _flat(request.get_headers()).get("authorization")
            answer = self.ingest.handle(auth, request.get_body().encode())
            return WsgiHttpResponse(
                status=answer.status, headers=JSON, body=json.dumps(answer.body)
            )
        if request.path == self.path and request.method != "POST":
            return WsgiHttpResponse(status=405, headers=TEXT, body="Method Not Allowed")
        return super()._get_http_response(request)


def handler_for(app: App, services: Services) -> BatonRequestHandler:
    ingest = KpiIngest(services.settings.ingest_token, services.publishes, services.clock)
    return BatonRequestHandler(app, services.db, services.settings.slack_signing_secret, ingest)


def _flat(headers: dict[str, Any]) -> dict[str, str]:
    return {k: (v[0] if isinstance(v, list) and v else str(v)) for k, v in headers.items()}
