"""Drive Baton as Slack does: signed HTTP requests built from what the stand-in recorded."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
from slack_sdk.signature import SignatureVerifier

from bot.slack_standin import SlackStandIn, payloads


@dataclass
class SlackDriver:
    base_url: str  # e.g. http://127.0.0.1:PORT
    signing_secret: str
    standin: SlackStandIn
    # Waits for the work Baton does after acking (replies, deliveries), so that a test reads
    # what Slack would show once Baton is done; None: return as soon as Slack has the ack.
    settle: Callable[[], object] | None = None
    # The modals an answer to a Submit put on screen (`response_action` push or update).
    shown: list[dict[str, Any]] = field(default_factory=list)

    # -- raw HTTP -------------------------------------------------------------------

    def signed_headers(
        self,
        body: str,
        *,
        timestamp: int | None = None,
        content_type: str = "application/x-www-form-urlencoded",
    ) -> dict[str, str]:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        signature = SignatureVerifier(self.signing_secret).generate_signature(
            timestamp=ts, body=body
        )
        return {
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature,
            "Content-Type": content_type,
        }

    def post(self, body: str, headers: dict[str, str] | None = None) -> requests.Response:
        response = requests.post(
            f"{self.base_url}/slack/events",
            data=body.encode(),
            headers=headers if headers is not None else self.signed_headers(body),
            timeout=10,
        )
        if self.settle is not None:
            self.settle()
        return response

    def post_payload(self, payload: dict[str, Any]) -> requests.Response:
        return self.post(payloads.payload_body(payload))

    def event(self, event: dict[str, Any]) -> requests.Response:
        body = payloads.event_body(event)
        return self.post(body, self.signed_headers(body, content_type="application/json"))

    # -- Slack surfaces -------------------------------------------------------------

    def command(
        self, command: str, text: str = "", *, user: str, channel: str = "C0LAUNCH"
    ) -> requests.Response:
        return self.post(
            payloads.command_body(self.standin, command, text, user=user, channel=channel)
        )

    def last_view(self) -> dict[str, Any]:
        return payloads.last_opened_view(self.standin)

    def submit(
        self, view: dict[str, Any], values: dict[str, Any], *, user: str, picked: bool = True
    ) -> requests.Response:
        """Fill the modal as a person does, then press Submit: each person chosen in a user
        select is a block_actions first (as Slack sends them); `picked=False` skips those,
        as a submission crafted without the picks would."""
        if picked:
            for pick in payloads.picks(self.standin, view, values, user=user):
                self.post_payload(pick)
        response = self.post_payload(payloads.submission(self.standin, view, values, user=user))
        if response.status_code == 200 and response.text.startswith("{"):
            shown = self.standin.answer_submission(view, response.json())
            if shown is not None:
                self.shown.append(shown)
        return response

    def click(
        self, message: dict[str, Any], button_text: str, *, user: str, channel: str
    ) -> requests.Response:
        return self.post_payload(
            payloads.click(self.standin, message, button_text, user=user, channel=channel)
        )

    def home_click(self, user: str, button_text: str, *, near: str) -> requests.Response:
        view = self.standin.home(user)
        if view is None:
            raise LookupError(f"{user} has no home tab yet")
        return self.post_payload(
            payloads.home_click(self.standin, view, button_text, user=user, near=near)
        )

    def open_home(self, user: str) -> requests.Response:
        return self.event(
            {"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home"}
        )
