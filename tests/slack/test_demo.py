"""`baton demo` tells its stories to the end: the escalation, then the takeover and Done with
each person's App Home, then the publish loop, saving the digest's chart where it says."""

from __future__ import annotations

import contextlib
import io

import pytest

from bot.demo.handoff_story import run_demo
from bot.demo.publish_story import CHART_FILE


@pytest.fixture(scope="module")
def told() -> str:
    """One run of the demo (it is slow): what it printed."""
    CHART_FILE.unlink(missing_ok=True)
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


def test_the_demo_tells_the_publish_story(told: str) -> None:
    for line in (
        "Approvals: @cai ✓ approved",
        "Decided: Revise: shorter opener, decided by @ana",
        "Since the last cycle (spring launch): engagement_rate 0.011 → 0.019",
        "“shorter opener” on spring launch: engagement_rate 0.011 → 0.019 in spring launch 2",
        f"saved to {CHART_FILE}",
    ):
        assert line in told, line
    assert CHART_FILE.read_bytes().startswith(b"\x89PNG")
