"""`baton demo` tells both stories to the end: the escalation, then the takeover and Done, and
each person's App Home."""

from __future__ import annotations

import pytest

from bot.demo import run_demo


def test_the_demo_tells_the_takeover_story_and_shows_each_app_home(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_demo() == 0
    out = capsys.readouterr().out
    assert "Next owner: @cai (took over from @ben)" in out
    assert "@cai took over from @ben: newsletter send" in out
    assert "Done: marked by @cai" in out
    for name in ("ana", "ben", "cai"):
        assert f"{name}'s App Home" in out
    assert "Done in the last 7 days (2)" in out  # ana's: both her handoffs are done
