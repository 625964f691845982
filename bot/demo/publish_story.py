"""`baton demo`, second part: a publish cycle closing its loop. Approval, the publish,
readings, the decision prompt, Revise with an action, the next cycle compared with the first,
and the weekly digest with its chart saved to a file."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.demo.story import Story
from bot.slack_standin import payloads

STRATEGY = "C0STRATEGY"
CHART_PREFIX = "baton-demo-kpis-"
HASHTAGS = "#spring #launch #marketing #linkedin #acme"
RULES = "engagement_rate < 0.02 -> shorter opener\nreach < 500 -> change posting time"


def _wait(story: Story, instant: datetime) -> None:
    """Hour by hour: the sweeper's ticks, faster than the handoff story's quarter hours."""
    while story.clock.now() < instant:
        story.clock.advance(min(timedelta(hours=1), instant - story.clock.now()))
        story.services.tick()
        story.services.settle()


def _publish(story: Story, name: str, window: str, **extra: Any) -> None:
    story.command("U0ANA", "/publish", name)
    form = {
        "Name": name,
        "Link": "https://www.linkedin.com/posts/acme-spring",
        "Surface": "LinkedIn",
        "Owner": "U0ANA",
        "Backup owner": "U0CAI",
        "Posting window": window,
        "Decision rules": RULES,
        "Tracking labels": "utm_source=linkedin utm_campaign=spring",
        **extra,
    }
    story.submit("U0ANA", form)


def _latest_thread_message(story: Story) -> dict[str, Any]:
    return [m for m in story.slack.messages("C0LAUNCH") if m.get("thread_ts")][-1]


def play_publish(story: Story) -> None:
    slack = story.slack
    slack.add_channel(STRATEGY, "strategy")
    # Thursday 09:00 UTC, where the handoff story ended: the window opens at 12:00 in Berlin.
    story.scene("ana checks the LinkedIn copy with /draft: six hashtags")
    story.command("U0ANA", "/draft", "LinkedIn")
    view = payloads.last_opened_view(slack)
    story.show("ana sees a modal", slack.render(view["blocks"], ""))
    draft = {"Name": "spring launch", "Copy": f"Spring is here. {HASHTAGS} #growth"}
    errors = story.submit("U0ANA", draft).get("errors", {})
    story.show("the modal stays open", "\n".join(f"✗ {text}" for text in errors.values()))
    story.submit("U0ANA", {**draft, "Copy": f"Spring is here. {HASHTAGS}"})
    story.show_new()

    story.scene("ana records “spring launch” with /publish, cai to approve")
    _publish(story, "spring launch", "2026-11-26 12:00-14:00", Approvers=["U0CAI"])
    story.show_new()

    story.scene("cai approves from the DM")
    story.click("U0CAI", slack.dms("U0CAI")[-1], "Approve")
    story.show_new()
    post = [m for m in slack.messages("C0LAUNCH") if not m.get("thread_ts")][-1]
    story.show("#launch, the publish post now", slack.render(post["blocks"], post["text"]))

    _wait(story, datetime(2026, 11, 26, 13, 0, tzinfo=UTC))
    story.scene("it went out; ana logs the first readings (an analytics tool could POST /kpi)")
    story.command("U0ANA", "/kpi", '"spring launch" reach=820 engagement_rate=0.011')
    story.show_new()

    _wait(story, datetime(2026, 11, 27, 11, 0, tzinfo=UTC))
    story.scene("24 hours after the window opened: the decision prompt, in the publish's thread")
    story.show_new()

    story.scene("ana presses Revise and picks the action the rule triggered")
    story.click("U0ANA", _latest_thread_message(story), "Revise")
    view = payloads.last_opened_view(slack)
    story.show("ana sees a modal", slack.render(view["blocks"], ""))
    story.submit("U0ANA", {"Action": "shorter opener"})
    story.show("#launch thread, the prompt now", _render_latest(story))

    story.scene("the next cycle: “spring launch 2” follows the first (pre-selected by its name)")
    _publish(story, "spring launch 2", "2026-12-03 12:00-14:00")
    story.show_new()

    _wait(story, datetime(2026, 11, 30, 9, 5, tzinfo=UTC))
    story.scene("Monday: the weekly digest in #strategy, its charts in its thread")
    _show_strategy(story)
    _wait(story, datetime(2026, 12, 3, 13, 0, tzinfo=UTC))
    story.scene("Thursday: “spring launch 2” went out; ana logs its readings")
    story.command("U0ANA", "/kpi", '"spring launch 2" reach=910 engagement_rate=0.019')
    story.show_new()
    _wait(story, datetime(2026, 12, 4, 11, 0, tzinfo=UTC))
    story.scene("its prompt compares the KPIs with the cycle before")
    story.show_new()

    _wait(story, datetime(2026, 12, 7, 9, 5, tzinfo=UTC))
    story.scene("the next Monday: the digest sees what “shorter opener” did")
    _show_strategy(story)
    kpis = [f for f in slack.uploaded_files() if f["name"] == "kpi_medians.png"]
    if kpis:
        # A new temporary file each run: never the current directory, never another run's.
        handle, name = tempfile.mkstemp(prefix=CHART_PREFIX, suffix=".png")
        with os.fdopen(handle, "wb") as chart:
            chart.write(kpis[-1]["data"])
        print(f"   (the KPI chart, as uploaded, is saved to {name}: open it to see it)")
    story.scene("end of the publish story: each cycle judged against the last")


def _show_strategy(story: Story) -> None:
    """What #strategy got since the last look: the digest, and its charts by title."""
    for message in story.slack.messages(STRATEGY)[story.seen(STRATEGY) :]:
        if message.get("files"):
            names = ", ".join(f["title"] for f in message["files"])
            story.show("#strategy (in thread)", f"[chart] {names}")
        else:
            text = story.slack.render(message.get("blocks") or [], message["text"])
            story.show("#strategy", text)
    story.mark_seen(STRATEGY, len(story.slack.messages(STRATEGY)))


def _render_latest(story: Story) -> str:
    message = _latest_thread_message(story)
    return story.slack.render(message.get("blocks") or [], message.get("text", ""))
