"""The demo's stage: Slack's part played against the built-in stand-in (signed requests in,
what each person sees out), shared by the handoff and publish stories."""

from __future__ import annotations

import json
import textwrap
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt import App
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.clock import ManualClock
from bot.container import Services
from bot.slack_standin import SlackStandIn, payloads

SECRET = "demo-signing-secret"
TOKEN = "xoxb-demo"
CHANNEL = "C0LAUNCH"
# Tuesday 14:00 UTC: 15:00 for Ana in Berlin, 09:00 for Ben in New York, 14:00 for Cai in London.
START = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
PEOPLE = {
    "U0ANA": ("ana", "Europe/Berlin"),
    "U0BEN": ("ben", "America/New_York"),
    "U0CAI": ("cai", "Europe/London"),
}


class Story:
    """Plays Slack's part: signs requests, hands them to the app, shows what people see."""

    def __init__(self, app: App, slack: SlackStandIn, services: Services, clock: ManualClock):
        self.app = app
        self.slack = slack
        self.services = services
        self.clock = clock
        self._seen: dict[str, int] = {}

    # -- narration ----------------------------------------------------------------------

    def scene(self, title: str) -> None:
        stamp = self.clock.now().strftime("%a %d %b %H:%M UTC")  # the story spans two weeks
        print(f"\n── {stamp} · {title}")

    def show(self, who: str, text: str) -> None:
        print(f"   {who}:")
        for line in text.strip().splitlines() or [""]:
            for wrapped in textwrap.wrap(line, 88) or [""]:
                print(f"   │ {wrapped}")

    def show_new(self) -> None:
        """Everything posted since the last look, per conversation."""
        conversations = [("#launch", self.slack.messages(CHANNEL))]
        conversations += [
            (f"{name}'s DMs from Baton", self.slack.dms(uid)) for uid, (name, _) in PEOPLE.items()
        ]
        conversations += [
            (f"only {name} sees", self.slack.ephemerals(uid)) for uid, (name, _) in PEOPLE.items()
        ]
        for who, messages in conversations:
            seen = self._seen.get(who, 0)
            for message in messages[seen:]:
                prefix = "(in thread) " if message.get("thread_ts") else ""
                self.show(
                    who,
                    prefix
                    + self.slack.render(message.get("blocks") or [], message.get("text", "")),
                )
            self._seen[who] = len(messages)

    def seen(self, conversation: str) -> int:
        """How many of a conversation's messages were shown already."""
        return self._seen.get(conversation, 0)

    def mark_seen(self, conversation: str, count: int) -> None:
        self._seen[conversation] = count

    # -- Slack's side -------------------------------------------------------------------

    def _send(self, body: str, content_type: str = "application/x-www-form-urlencoded") -> Any:
        ts = str(int(time.time()))
        signature = str(SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body))
        headers: dict[str, str | Sequence[str]] = {
            "x-slack-request-timestamp": [ts],
            "x-slack-signature": [signature],
            "content-type": [content_type],
        }
        response = self.app.dispatch(BoltRequest(body=body, headers=headers))
        return json.loads(response.body) if response.body else {}

    def command(self, user: str, command: str, text: str) -> None:
        self._send(payloads.command_body(self.slack, command, text, user=user, channel=CHANNEL))
        self._settle()

    def submit(self, user: str, values: dict[str, Any]) -> dict[str, Any]:
        """Fill in the open modal as a person does (Slack sends each person picked as a
        block_actions), then press Submit."""
        view = payloads.last_opened_view(self.slack)
        for pick in payloads.picks(self.slack, view, values, user=user):
            self._send(payloads.payload_body(pick))
        self._settle()
        answer = self._send(
            payloads.payload_body(payloads.submission(self.slack, view, values, user=user))
        )
        self._settle()
        return dict(answer)

    def click(self, user: str, message: dict[str, Any], button: str) -> None:
        payload = payloads.click(self.slack, message, button, user=user, channel=message["channel"])
        self._send(payloads.payload_body(payload))
        self._settle()

    def open_home(self, user: str) -> str:
        """What `user` sees on Baton's App Home tab."""
        event = {"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home"}
        self._send(payloads.event_body(event), "application/json")
        self._settle()
        view = self.slack.home(user) or {}
        return self.slack.render(view.get("blocks") or [])

    def _settle(self) -> None:
        """Listeners finish after the ack; wait for what they started."""
        self.services.settle()

    def wait_until(self, instant: datetime) -> None:
        """Move the simulated clock, ticking the sweeper as `baton serve` would."""
        step = timedelta(minutes=15)
        while self.clock.now() < instant:
            self.clock.advance(min(step, instant - self.clock.now()))
            self.services.tick()
            self.services.settle()
