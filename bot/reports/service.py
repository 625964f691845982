"""The cycle-time report: records from the store, arithmetic in bot.reports.cycle_time."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.reports.cycle_time import Report, report
from bot.reports.waiting_outliers import (
    FAR_PAST_ACT_BY,
    approval_outliers,
    open_handoff_outliers,
)
from store import reports
from store.db import Database


class ReportService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def report(
        self,
        weeks: int,
        *,
        channel_id: str | None = None,
        person: str | None = None,
        end: datetime | None = None,
        channels: Collection[str] | None = None,
        may_see: Callable[[set[str]], Collection[str]] | None = None,
    ) -> Report:
        """The `weeks` before `end` (default now), for one channel, one person, the
        `channels` given, or everything; with `may_see`, only the channels it keeps of those
        the records are in (the asker's readable ones: it may ask Slack)."""
        now = self.clock.now()
        end = end or now
        start = end - timedelta(weeks=weeks)
        with self.db.read() as session:
            handoffs = reports.handoff_records(
                session, start, end, channel_id=channel_id, person=person
            )
            publishes = reports.publish_records(
                session, start, end, channel_id=channel_id, person=person
            )
            refused = (
                {}
                if person
                else reports.refused_by_channel(session, start, end, channel_id=channel_id)
            )
            # What still waits now: open far past act-by, approvals missing once it opened.
            late = reports.open_past_act_by(
                session, before=now - FAR_PAST_ACT_BY, channel_id=channel_id, person=person
            )
            unapproved = reports.unapproved_after_opening(
                session, start, min(end, now), channel_id=channel_id, person=person
            )
        if may_see is not None:
            found = {h.channel_id for h in handoffs} | {p.channel_id for p in publishes}
            found |= set(refused) | {r.channel_id for r in late}
            found |= {r.channel_id for r in unapproved}
            seen = set(may_see(found))
            channels = seen if channels is None else seen & set(channels)
        if channels is not None:
            handoffs = [h for h in handoffs if h.channel_id in channels]
            publishes = [p for p in publishes if p.channel_id in channels]
            refused = {c: n for c, n in refused.items() if c in channels}
            late = [r for r in late if r.channel_id in channels]
            unapproved = [r for r in unapproved if r.channel_id in channels]
        waiting = open_handoff_outliers(late, now) + approval_outliers(unapproved, now)
        return report(handoffs, publishes, refused, start=start, end=end, now=now, waiting=waiting)
