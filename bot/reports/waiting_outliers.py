"""Outliers that are still waiting now, not only how the period went: open handoffs far past
their act-by, and publishes whose window opened without every approval. Pure rules over
plain records (store/reports.py reads them)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.kernel.durations import format_duration
from bot.reports.cycle_time import Outlier
from store.vocabulary import OpenHandoffRecord, UnapprovedRecord

__all__ = ["OpenHandoffRecord", "UnapprovedRecord"]  # stored words, re-exported

# "Far" past act-by: a whole day. The act-by is already the next owner's own deadline (a few
# working hours by default), so a day beyond it is a handoff nobody is moving, not a slow one.
FAR_PAST_ACT_BY = timedelta(days=1)


def far_past_act_by(record: OpenHandoffRecord, now: datetime) -> bool:
    return now - record.act_by > FAR_PAST_ACT_BY


def open_handoff_outliers(records: Sequence[OpenHandoffRecord], now: datetime) -> list[Outlier]:
    """`@ana owns “launch copy”, still open 6d 2h past its act-by → …`, the latest first."""
    late = sorted((r for r in records if far_past_act_by(r, now)), key=lambda r: r.act_by)
    return [
        Outlier(
            r.next_owner_id,
            True,
            f"owns “{r.work_item}”, still open {format_duration(now - r.act_by)} past its act-by",
            "mark it done, or have the backup owner take it over",
        )
        for r in late
    ]


def approval_outliers(records: Sequence[UnapprovedRecord], now: datetime) -> list[Outlier]:
    """`@dee has not approved “spring launch”, whose window opened 5h ago → …`"""
    found = []
    for r in sorted(records, key=lambda r: r.window_start):
        if r.window_start >= now:
            continue
        for approver in r.missing:
            found.append(
                Outlier(
                    approver,
                    True,
                    f"has not approved “{r.name}”, whose window opened "
                    f"{format_duration(now - r.window_start)} ago",
                    "approve it or request changes now, or its owner publishes without it",
                )
            )
    return found
