"""`baton demo` tells both stories to the end and saves the digest's chart where it says."""

from __future__ import annotations

import pytest

from bot.demo import run_demo
from bot.demo_publish import CHART_FILE


def test_the_demo_tells_the_publish_story(capsys: pytest.CaptureFixture[str]) -> None:
    CHART_FILE.unlink(missing_ok=True)
    assert run_demo() == 0
    told = capsys.readouterr().out
    for line in (
        "Approvals: @cai ✓ approved",
        "Decided: Revise: shorter opener, decided by @ana",
        "Since the last cycle (spring launch): engagement_rate 0.011 → 0.019",
        "“shorter opener” on spring launch: engagement_rate 0.011 → 0.019 in spring launch 2",
        f"saved to {CHART_FILE}",
    ):
        assert line in told, line
    assert CHART_FILE.read_bytes().startswith(b"\x89PNG")
