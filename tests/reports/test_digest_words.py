"""The digest's lines read in five seconds: counts agree with their nouns, and an action
whose next cycle has no reading yet says so instead of "not logged in both cycles"."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.decisions.cycles import ActionResult
from bot.reports.cycle_time import HandoffStats
from bot.reports.digest import Digest, SurfaceWeek
from bot.reports.digest_messages import action_line, digest_message
from bot.reports.report_messages import handoff_line


def test_an_action_whose_next_cycle_has_no_reading_yet_says_so() -> None:
    waiting = ActionResult(
        "spring launch", "shorter opener", "engagement_rate", 0.011, None, None, "spring launch 2"
    )
    assert action_line(waiting) == (
        "“shorter opener” on spring launch: no engagement_rate logged for spring launch 2 yet: "
        "nothing to compare"
    )


def test_counts_agree_with_their_nouns() -> None:
    week = SurfaceWeek("LinkedIn", 1, {}, {}, {}, {}, ())
    end = datetime(2026, 11, 30, 9, tzinfo=UTC)
    message = digest_message(Digest([week], []), end=end, weeks=1)
    assert message.text.endswith(": 1 publish on 1 surface")
    stats = HandoffStats("U0BEN", 1, None, None, None, None, 0, 1, 1, 1)
    assert "1 handoff;" in handoff_line(stats, person=True)
    assert "1 nudge, 1 escalation, 1 takeover" in handoff_line(stats, person=True)
