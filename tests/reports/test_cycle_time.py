"""The cycle-time arithmetic: percentiles, late acknowledgements, approvals on time, and
outliers that each carry a candidate action."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.reports.cycle_time import (
    HandoffRecord,
    PublishRecord,
    handoff_stats,
    percentile,
    publish_stats,
    report,
)
from bot.reports.report_rules import DEFAULT_WEEKS, ReportRequest, parse_report

T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)


def handoff(owner: str, ack_after: float | None, **changes: object) -> HandoffRecord:
    fields: dict[str, object] = {
        "channel_id": "C1",
        "next_owner_id": owner,
        "created_at": T0,
        "act_by": T0 + timedelta(hours=4),
        "acknowledged_at": T0 + timedelta(hours=ack_after) if ack_after is not None else None,
    }
    fields.update(changes)
    return HandoffRecord(**fields)  # type: ignore[arg-type]


def test_percentiles_are_nearest_rank() -> None:
    assert percentile([], 0.5) is None
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert percentile([float(n) for n in range(1, 11)], 0.9) == 9.0


def test_handoff_stats_count_late_acknowledgements_and_chasing() -> None:
    records = [
        handoff("U1", 1, nudged=False),
        handoff("U1", 6, nudged=True),
        handoff("U1", None, nudged=True, escalated=True),
        handoff("U1", 2, done_at=T0 + timedelta(hours=10)),
    ]
    stats = handoff_stats("U1", records, now=T0 + timedelta(days=1))
    assert (stats.handoffs, stats.ack_p50, stats.ack_p90) == (4, 2.0, 6.0)
    assert (stats.done_p50, stats.acked_late, stats.nudges, stats.escalations) == (10.0, 2, 2, 1)


def test_publishes_are_on_time_when_approved_before_the_window() -> None:
    window = T0 + timedelta(days=2)
    records = [
        PublishRecord("C1", "U1", T0, window, 2, T0 + timedelta(hours=5)),
        PublishRecord("C1", "U1", T0, window, 1, window + timedelta(hours=1)),
        PublishRecord("C1", "U1", T0, window, 1, None),
        PublishRecord("C1", "U1", T0, window, 0, None),
    ]
    stats = publish_stats("U1", records)
    assert (stats.on_time, stats.late, stats.approval_p50) == (2, 2, 5.0)


def test_every_outlier_carries_a_candidate_action() -> None:
    late = [handoff("U0BEN", 6) for _ in range(4)] + [handoff("U0BEN", 1) for _ in range(5)]
    fine = [handoff("U0ANA", 1) for _ in range(5)]
    result = report(
        late + fine,
        [],
        {"C1": 3},
        start=T0,
        end=T0 + timedelta(weeks=1),
        now=T0 + timedelta(days=2),
    )
    [ben, refused] = result.outliers
    assert (ben.who, ben.observation) == ("U0BEN", "acknowledged 4 of 9 after act-by")
    assert "backup who overlaps" in ben.action
    assert refused.who == "C1" and "refused at the field" in refused.observation
    assert "guardrail" in refused.action
    assert len(result.weekly) == 1 and result.weekly[0].ack_p50 == 1.0


def test_the_report_command_reads_weeks_a_channel_or_a_person() -> None:
    assert parse_report("", here="C1") == ReportRequest(DEFAULT_WEEKS, "C1", None)
    assert parse_report("2 <#C0LAUNCH|launch>", here="C1") == ReportRequest(
        2, "C0LAUNCH", None, "launch"
    )
    assert parse_report("<@U0BEN|ben>", here="C1") == ReportRequest(
        DEFAULT_WEEKS, None, "U0BEN", "ben"
    )
    assert parse_report("<#C0LAUNCH>", here="C1") == ReportRequest(DEFAULT_WEEKS, "C0LAUNCH", None)
    assert "Usage" in str(parse_report("99", here="C1"))
    for odd in ("²", "٣", "1" * 5000):  # digits int() refuses or reads, and too many of them
        assert "Usage" in str(parse_report(odd, here="C1"))
    assert "not both" in str(parse_report("<#C2> <@U2>", here="C1"))
    assert "#launch" in str(parse_report("#launch", here="C1"))
