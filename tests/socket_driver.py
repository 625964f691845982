"""Drive Baton as Slack does in Socket Mode: envelopes on the WebSocket Baton opened to the
stand-in, built from what the stand-in recorded (the same builders as the HTTP driver)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.slack_standin import SlackStandIn, payloads
from bot.slack_standin.socket_mode import Envelope


@dataclass
class SocketDriver:
    standin: SlackStandIn
    # Waits for the work Baton does after acking (see SlackDriver.settle).
    settle: Callable[[], object] | None = None

    def send(self, kind: str, payload: dict[str, Any]) -> Envelope:
        envelope = self.standin.socket_mode.send(kind, payload)
        if self.settle is not None:
            self.settle()
        return envelope

    def command(
        self, command: str, text: str = "", *, user: str, channel: str = "C0LAUNCH"
    ) -> Envelope:
        fields = payloads.command_fields(self.standin, command, text, user=user, channel=channel)
        return self.send("slash_commands", fields)

    def last_view(self) -> dict[str, Any]:
        return payloads.last_opened_view(self.standin)

    def submit(self, view: dict[str, Any], values: dict[str, Any], *, user: str) -> Envelope:
        """Fill the modal as a person does (a block_actions for each person picked), then
        press Submit."""
        for pick in payloads.picks(self.standin, view, values, user=user):
            self.send("interactive", pick)
        return self.send("interactive", payloads.submission(self.standin, view, values, user=user))

    def click(
        self, message: dict[str, Any], button_text: str, *, user: str, channel: str
    ) -> Envelope:
        payload = payloads.click(self.standin, message, button_text, user=user, channel=channel)
        return self.send("interactive", payload)

    def event(self, event: dict[str, Any]) -> Envelope:
        return self.send("events_api", payloads.event_callback(event))
