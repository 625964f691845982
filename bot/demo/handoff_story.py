"""`baton demo`: the handoff story offline, against the built-in Slack stand-in, on a simulated
clock. Prints what each person would see."""

from __future__ import annotations

import json
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from slack_bolt import App
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.app import build_app
from bot.clock import ManualClock
from bot.config import load_settings
from bot.container import Services, build_services
from bot.demo.publish_story import STRATEGY, play_publish
from bot.slack_standin import SlackStandIn, payloads
from store.db import Database
from store.migrate import upgrade

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
        stamp = self.clock.now().strftime("%a %H:%M UTC")
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
        view = payloads.last_opened_view(self.slack)
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


def play(story: Story, wait: Callable[[datetime], None]) -> None:
    slack = story.slack
    story.scene("#launch · ana ends her window with /handoff launch copy")
    story.command("U0ANA", "/handoff", "launch copy")
    view = payloads.last_opened_view(slack)
    story.show("ana sees a modal", slack.render(view["blocks"], ""))
    label_of = {b["block_id"]: b["label"]["text"] for b in view["blocks"] if b["type"] == "input"}

    story.scene("ana submits without a next action, with a vague Done line")
    form = {
        "Work item": "launch copy",
        "Status": "Copy ready; KPI capture blocked on instrumentation metadata",
        "Done": "Drafted\nLegal review passed for the LinkedIn copy",
        "Open": "UTM labels for the newsletter link",
        "Next owner": "U0BEN",
        "Next action": "",
        "Backup owner": "U0CAI",
    }
    answer = story.submit("U0ANA", form)
    errors = "\n".join(f"✗ {label_of[block]}: {text}" for block, text in answer["errors"].items())
    story.show("the modal stays open, refusing at the field", errors)

    story.scene("ana fixes both and submits")
    form["Done"] = "Drafted launch copy in https://docs.example.com/launch-copy\n" + (
        "Legal review passed for the LinkedIn copy"
    )
    form["Next action"] = "Publish the LinkedIn post and log reach at 24h"
    story.submit("U0ANA", form)
    story.show_new()

    act_by = story.clock.now() + story.services.settings.act_within
    wait(act_by)
    story.scene("act-by: ben was heads-down and has not acknowledged")
    story.show_new()

    wait(act_by + story.services.settings.escalate_after)
    story.scene("still nothing two hours later: the thread hears of it, cai's DM waits")
    story.show_new()
    print("   (20:00 in London is outside cai's working hours: the DM waits for 09:00)")

    wait(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    story.scene("the next morning in London")
    story.show_new()

    story.scene("cai reaches ben from the escalation DM (it stays with ben)")
    story.click("U0CAI", slack.dms("U0CAI")[-1], "Reach them")
    story.show_new()
    escalation = slack.dms("U0CAI")[-1]
    story.show("cai's escalation DM, edited in place", slack.render(escalation["blocks"]))
    story.scene("ben is back: Done, from his DM")
    story.click("U0BEN", slack.dms("U0BEN")[0], "Done")
    story.show_new()
    post = slack.messages(CHANNEL)[0]
    story.show("#launch, the handoff post now", slack.render(post["blocks"], post["text"]))
    play_takeover(story, wait)


def play_takeover(story: Story, wait: Callable[[datetime], None]) -> None:
    """The second story: nobody answers by the act-by, the backup takes over, then Done."""
    slack = story.slack
    story.scene("second story · ana hands the newsletter to ben, cai is the backup")
    story.command("U0ANA", "/handoff", "newsletter send")
    story.submit(
        "U0ANA",
        {
            "Work item": "newsletter send",
            "Status": "Copy approved; segment list ready",
            "Done": "Copy approved in https://docs.example.com/newsletter\n"
            "Segment list exported to the ESP",
            "Open": "Subject line A/B split",
            "Next owner": "U0BEN",
            "Next action": "Schedule the newsletter for Thursday 08:00",
            "Backup owner": "U0CAI",
        },
    )
    story.show_new()
    card = story.services.handoffs.card_of(2)
    assert card is not None
    print("   (09:00 UTC is 04:00 for ben in New York: his four working hours end 13:00 his time)")
    wait(card.act_by)
    story.scene("act-by: ben has not answered")
    story.show_new()
    wait(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    story.scene("the next morning in London: cai's DM, and with it the thread")
    story.show_new()

    story.scene("cai takes it over from the escalation DM")
    story.click("U0CAI", slack.dms("U0CAI")[-1], "Take over")
    story.show_new()
    post = [m for m in slack.messages(CHANNEL) if not m.get("thread_ts")][-1]
    story.show("#launch, the post now", slack.render(post["blocks"], post["text"]))

    story.scene("cai schedules it and presses Done")
    story.click("U0CAI", slack.dms("U0CAI")[-1], "Done")
    story.show_new()
    post = [m for m in slack.messages(CHANNEL) if not m.get("thread_ts")][-1]
    story.show("#launch, the post now", slack.render(post["blocks"], post["text"]))

    story.scene("end of the story: each person's App Home")
    for user, (name, _) in PEOPLE.items():
        story.show(f"{name}'s App Home", story.open_home(user))


def run_demo() -> int:
    clock = ManualClock(START)
    slack = SlackStandIn(clock=clock.timestamp, bot_token=TOKEN, bot_user_id="U0BATON")
    for user_id, (name, tz) in PEOPLE.items():
        slack.add_user(user_id, name, tz=tz)
    slack.add_channel(CHANNEL, "launch")
    with tempfile.TemporaryDirectory(prefix="baton-demo-") as tmp:
        url = slack.serve()
        settings = load_settings(
            env_file=None,
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=url,
            database_url=f"sqlite:///{Path(tmp) / 'demo.db'}",
            act_within="PT4H",
            escalate_after="PT2H",
            working_hours="09:00-18:00 Mon-Fri",
            strategy_channel=STRATEGY,
        )
        db = Database(settings.database_url)
        upgrade(db)
        services = build_services(settings, clock, db=db)
        services.deliverer.pacer.interval = 0.0
        try:
            print("Baton demo: a handoff on a simulated clock, against a built-in Slack stand-in.")
            story = Story(build_app(services), slack, services, clock)
            play(story, story.wait_until)
            play_publish(story)
        finally:
            services.close()
            slack.stop()
    return 0
