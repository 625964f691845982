"""How to treat each Slack API error when delivering an outbox row."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

# Errors that say the request did nothing and may work later.
TRANSIENT_ERRORS = frozenset(
    {
        "ratelimited",
        "rate_limited",
        "internal_error",
        "fatal_error",
        "service_unavailable",
        "request_timeout",
        "team_added_to_org",
    }
)


def is_transient(error: str) -> bool:
    return error in TRANSIENT_ERRORS


def error_code(error: SlackApiError) -> str:
    return str(error.response.get("error") or f"http_{error.response.status_code}")
