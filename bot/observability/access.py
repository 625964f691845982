"""WSGI middleware around Baton's HTTP app: `GET /metrics`, one access line per request, and
request metrics by Slack surface.

The access line names the request (method, path, surface, callback or action id, team and
user ids), the answer (status, milliseconds) and nothing else: never a token, a signature or
a message body.
"""

from __future__ import annotations

import io
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from bot import safe_json
from bot.observability.health import HealthCheck
from bot.observability.metrics import CONTENT_TYPE, Metrics

log = logging.getLogger("baton.access")

SLACK_PATH = "/slack/events"
INGEST_PATH = "/kpi"
PROBES = ("/healthz", "/metrics")
MAX_INSPECTED = 1 << 20  # bodies larger than this are passed on unread
SAFE_ID = re.compile(r"[^A-Za-z0-9_.:/#@+-]")

INTERACTIVE_SURFACES = {
    "block_actions": "action",
    "interactive_message": "action",
    "view_submission": "view",
    "view_closed": "view",
    "block_suggestion": "options",
    "shortcut": "shortcut",
    "message_action": "shortcut",
}


@dataclass(frozen=True)
class SlackRequest:
    surface: str = "other"
    callback: str = ""
    team: str = ""
    user: str = ""


def _id(value: Any) -> str:
    """An id as it may appear in a log line: Slack ids and names only, bounded."""
    if not isinstance(value, str):
        return ""
    return SAFE_ID.sub("", value)[:80]


# Where the HTTP layer leaves a Slack body it has parsed (the log need not parse it again).
PARSED_PAYLOAD = "baton.payload"
LOG_DEPTH = 20  # Slack's payloads nest a few levels; a log line needs no deeper look


def describe(body: bytes, content_type: str) -> SlackRequest:
    """What a Slack request is about, from its raw body (never kept beyond these ids)."""
    try:
        if "json" in content_type:
            payload = safe_json.loads(body, max_depth=LOG_DEPTH)
        else:
            form = parse_qs(body.decode("utf-8", "replace"))
            payload = (
                safe_json.loads(form["payload"][0], max_depth=LOG_DEPTH)
                if "payload" in form
                else {key: values[0] for key, values in form.items()}
            )
    except (ValueError, KeyError, IndexError):
        return SlackRequest()
    return describe_payload(payload)


def describe_payload(payload: Any) -> SlackRequest:
    """The same from a parsed body: a slash command's fields, an interaction payload, or an
    Events API envelope (as HTTP carries them, and as Socket Mode hands them to Bolt)."""
    if not isinstance(payload, dict):
        return SlackRequest()
    if "command" in payload:
        return SlackRequest(
            "command",
            _id(payload.get("command")),
            _id(payload.get("team_id")),
            _id(payload.get("user_id")),
        )
    kind = str(payload.get("type", ""))
    if kind in ("event_callback", "url_verification", "app_rate_limited"):
        event = payload.get("event")
        event = event if isinstance(event, dict) else {}
        return SlackRequest(
            "event",
            _id(event.get("type") or kind),
            _id(payload.get("team_id")),
            _id(event.get("user")),
        )
    surface = INTERACTIVE_SURFACES.get(kind, "other")
    team = payload.get("team")
    user = payload.get("user")
    return SlackRequest(
        surface,
        _callback(surface, payload),
        _id(team.get("id")) if isinstance(team, dict) else "",
        _id(user.get("id")) if isinstance(user, dict) else "",
    )


def _callback(surface: str, payload: dict[str, Any]) -> str:
    if surface == "view":
        view = payload.get("view")
        return _id(view.get("callback_id")) if isinstance(view, dict) else ""
    if surface == "action":
        actions = payload.get("actions")
        if isinstance(actions, list) and actions and isinstance(actions[0], dict):
            return _id(actions[0].get("action_id"))
        return ""
    return _id(payload.get("action_id") or payload.get("callback_id"))


def outcome_of(status: int, surface: str, answer: bytes) -> str:
    if status == 401:
        return "rejected"
    if status >= 500:
        return "error"
    if status >= 400:
        return "invalid"
    if surface == "view" and b'"response_action": "errors"' in answer:
        return "refused"  # the form was answered with field errors
    return "ok"


class ObservedApp:
    def __init__(
        self, app: WSGIApplication, metrics: Metrics, health: HealthCheck | None = None
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.health = health  # answered here when set (the worker has no other app)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        method = str(environ.get("REQUEST_METHOD", ""))
        path = str(environ.get("PATH_INFO", ""))
        if path == "/metrics" and method in ("GET", "HEAD"):
            return self._probe(start_response, "200 OK", CONTENT_TYPE, self.metrics.exposition())
        if path == "/healthz" and self.health is not None and method in ("GET", "HEAD"):
            code, report = self.health.body()
            line = f"{code} {'OK' if code == 200 else 'Service Unavailable'}"
            return self._probe(start_response, line, "application/json", report.encode())

        request = SlackRequest()
        body: bytes | None = None
        if path == SLACK_PATH and method == "POST":
            body = _peek(environ)  # the bytes only: described once Baton has answered
        elif path == INGEST_PATH:
            request = SlackRequest(surface="ingest")

        answered: list[int] = []

        def recording_start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            answered.append(int(status.split(" ", 1)[0]))
            return start_response(status, headers, exc_info)

        def described(status: int) -> SlackRequest:
            # Only a body whose signature Baton accepted is looked into: an unsigned one is
            # never parsed, and ids in it are nobody's.
            if body is None or status in (401, 413):
                return request
            parsed = environ.get(PARSED_PAYLOAD)
            if parsed is not None:
                return describe_payload(parsed)
            return describe(body, str(environ.get("CONTENT_TYPE", "")))

        try:
            result = self.app(environ, recording_start_response)
            answer = result if isinstance(result, list) else list(result)
        except Exception:
            self._record(method, path, described(500), 500, [], started)
            raise
        status = answered[-1] if answered else 500
        self._record(method, path, described(status), status, answer, started)
        return answer

    def _record(
        self,
        method: str,
        path: str,
        request: SlackRequest,
        status: int,
        answer: list[bytes],
        started: float,
    ) -> None:
        elapsed = time.perf_counter() - started
        if path in (SLACK_PATH, INGEST_PATH):
            outcome = outcome_of(status, request.surface, b"".join(answer[:1]))
            self.metrics.request(request.surface, outcome, elapsed)
        access_line(method, path, request, status, elapsed)

    def _probe(
        self, start_response: StartResponse, status: str, content_type: str, body: bytes
    ) -> Iterable[bytes]:
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
        if not status.startswith("2"):
            log.warning("health check answered %s: %s", status, body.decode(errors="replace"))
        return [body]


def access_line(method: str, path: str, request: SlackRequest, status: int, elapsed: float) -> None:
    """One line per request; successful probes only at DEBUG (they come every few seconds)."""
    log.log(
        logging.DEBUG if path in PROBES and status < 400 else logging.INFO,
        "%s %s %s%s %d %.1fms%s%s",
        method,
        path,
        request.surface if request.surface != "other" else "-",
        f" {request.callback}" if request.callback else "",
        status,
        elapsed * 1e3,
        f" team={request.team}" if request.team else "",
        f" user={request.user}" if request.user else "",
        extra={
            "method": method,
            "path": path,
            "surface": request.surface,
            "callback": request.callback or None,
            "status": status,
            "ms": round(elapsed * 1e3, 1),
            "team": request.team or None,
            "user": request.user or None,
        },
    )


def _peek(environ: WSGIEnvironment) -> bytes | None:
    """Read the body and put it back for the app; None when it is too large or unsized."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or -1)
    except ValueError:
        return None
    if length < 0 or length > MAX_INSPECTED:
        return None
    body: bytes = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return body
