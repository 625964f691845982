"""`baton demo`: the handoff story offline, against the built-in Slack stand-in, on a simulated
clock. Prints what each person would see."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bot.app import build_app
from bot.clock import ManualClock
from bot.config import load_settings
from bot.container import build_services
from bot.demo.publish_story import STRATEGY, play_publish
from bot.demo.story import CHANNEL, PEOPLE, SECRET, START, TOKEN, Story
from bot.slack_standin import SlackStandIn, payloads
from store.db import Database
from store.migrate import upgrade


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

    card = story.services.handoffs.card_of(1)
    assert card is not None
    act_by = card.act_by  # the next owner's working hours decide it, not the wall clock
    wait(act_by)
    story.scene("act-by: ben was heads-down and has not acknowledged")
    story.show_new()

    wait(act_by + story.services.settings.escalate_after)
    story.scene("still nothing two hours later: time to escalate to cai, the backup owner")
    story.show_new()
    print("   (20:00 in London is outside cai's working hours: the escalation waits for 09:00)")

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
    print("   (04:00 in New York now: ben's act-by is four of his working hours away, 13:00)")
    wait(card.act_by)
    story.scene("act-by: ben has not answered")
    story.show_new()
    wait(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    story.scene("the next morning in London: cai's DM, and with it the thread")
    story.show_new()
    story.show("cai's App Home: the escalation waits there too", story.open_home("U0CAI"))

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
