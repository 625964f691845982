"""The digest recommends per surface as each decision prompt does: no Slack, no database."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.reports.digest import Digest, SurfaceWeek
from bot.reports.digest_messages import digest_message

END = datetime(2026, 11, 30, 9, tzinfo=UTC)


def said(triggered: dict[str, int]) -> str:
    week = SurfaceWeek(
        surface="LinkedIn",
        publishes=3,
        medians={},
        trend={},
        triggered=triggered,
        decisions={},
        decided_actions=(),
    )
    message = digest_message(Digest([week], []), end=END, weeks=1)
    return "\n".join(b["text"]["text"] for b in message.blocks if b.get("type") == "section")


def test_each_surface_says_what_its_triggered_rules_recommend() -> None:
    assert "• Recommended: Repeat — no rule triggered" in said({})
    assert "• Recommended: Revise — shorter opener ×2" in said({"shorter opener": 2})
    assert "• Recommended: Stop — stop the series ×1; also triggered: shorter opener ×2" in said(
        {"shorter opener": 2, "stop the series": 1}
    )
