"""`baton demo` tells its stories to the end: the escalation, then the takeover and Done with
each person's App Home, then the publish loop, saving the digest's chart where it says."""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
from datetime import datetime
from pathlib import Path

import pytest

from bot.demo.handoff_story import run_demo
from bot.demo.publish_story import CHART_PREFIX

SAVED = re.compile(r"saved to (\S+\.png)")
HEADING = re.compile(r"^── (\w{3} \d{2} \w{3} \d{2}:\d{2}) UTC · (.*)$", re.MULTILINE)


@pytest.fixture(scope="module")
def told() -> str:
    """One run of the demo (it is slow): what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert run_demo() == 0
    return out.getvalue()


def test_the_demo_tells_the_takeover_story_and_shows_each_app_home(told: str) -> None:
    assert "Next owner: @cai (took over from @ben)" in told
    assert "@cai took over from @ben: newsletter send" in told
    assert "Done: marked by @cai" in told
    for name in ("ana", "ben", "cai"):
        assert f"{name}'s App Home" in told
    assert "Done in the last 7 days (2)" in told  # ana's: both her handoffs are done
    # before he answers, cai's escalation waits on his App Home with its buttons
    home = told.split("cai's App Home: the escalation waits there too")[1].split("──")[0]
    assert "Waiting on you (1)" in home and "[ Take over ]  [ Reach them ]" in home
    assert ":warning: 15h overdue" in home


def test_the_first_refusal_is_about_the_form_not_about_slack(told: str) -> None:
    # The people were picked (block_actions) before Submit: Baton knew them from memory.
    refusal = told.split("refusing at the field:")[1].split("──")[0]
    assert "✗ Next action: A handoff needs a next action" in refusal
    assert "✗ Done:" in refusal and "Slack did not answer" not in told


def test_the_demo_tells_the_publish_story(told: str) -> None:
    for line in (
        "Approvals: @cai ✓ approved",
        "Decided: Revise: shorter opener, decided by @ana",
        "Since the last cycle (spring launch): engagement_rate 0.011 → 0.019",
        "“shorter opener” on spring launch: engagement_rate 0.011 → 0.019 in spring launch 2",
    ):
        assert line in told, line


def test_the_chart_goes_to_a_new_temporary_file_and_the_demo_says_where(told: str) -> None:
    [saved] = SAVED.findall(told)
    chart = Path(saved)
    assert chart.parent == Path(tempfile.gettempdir()) and chart.name.startswith(CHART_PREFIX)
    assert chart.read_bytes().startswith(b"\x89PNG")
    chart.unlink()


def test_each_heading_names_the_day_and_time_it_happens(told: str) -> None:
    headings = HEADING.findall(told)
    stamps = [datetime.strptime(f"2026 {stamp}", "%Y %a %d %b %H:%M") for stamp, _ in headings]
    assert stamps == sorted(stamps)  # the clock only moves forward
    said = {title: stamp for (_, title), stamp in zip(headings, stamps, strict=True)}
    for title, stamp in said.items():
        if "Monday" in title:
            assert stamp.strftime("%A") == "Monday", title
        if "Thursday" in title:
            assert stamp.strftime("%A") == "Thursday", title
        if "next morning in London" in title:
            assert stamp.hour == 9, title  # 09:00 in London in November is 09:00 UTC
    digests = [t for t in said if "digest" in t]
    assert [said[t].strftime("%d %b") for t in digests] == ["30 Nov", "07 Dec"]
    # The story waits for the escalation after act-by: the heading says it has not come yet.
    [escalating] = [t for t in said if "two hours later" in t]
    assert said[escalating].strftime("%a %H:%M") == "Tue 20:00"
