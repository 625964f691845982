"""The cycle-time report: can the next person move immediately? Per channel and per next
owner, how long handoffs take to be acknowledged and done, how often Baton had to chase, and
how publishes went from record to approved. Pure functions over plain records, so each new
handoff state (done, taken over) is one more field, not a new query in a view.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from store.vocabulary import HandoffRecord, PublishRecord

__all__ = ["HandoffRecord", "PublishRecord"]  # stored words, re-exported

T = TypeVar("T")
MIN_FOR_OUTLIER = 3  # fewer handoffs than this say nothing about a person


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile (share 0.5: the median, 0.9: p90); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(math.ceil(share * len(ordered)), 1)
    return ordered[rank - 1]


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


@dataclass(frozen=True)
class HandoffStats:
    key: str  # the channel id or the person's id
    handoffs: int
    ack_p50: float | None  # hours
    ack_p90: float | None
    done_p50: float | None
    done_p90: float | None
    acked_late: int  # acknowledged after the act-by, or not at all once it passed
    nudges: int
    escalations: int
    takeovers: int
    refused: int = 0  # refused at the field (per channel only: a refused form has no owner)
    # How far escalation chains went: (steps fired, handoffs), fewest steps first.
    chains: tuple[tuple[int, int], ...] = ()


def handoff_stats(
    key: str, records: Sequence[HandoffRecord], *, now: datetime, refused: int = 0
) -> HandoffStats:
    ack = [_hours(r.acknowledged_at - r.created_at) for r in records if r.acknowledged_at]
    done = [_hours(r.done_at - r.created_at) for r in records if r.done_at]
    late = sum(
        1
        for r in records
        if (r.acknowledged_at is not None and r.acknowledged_at > r.act_by)
        or (r.acknowledged_at is None and now > r.act_by)
    )
    return HandoffStats(
        key=key,
        handoffs=len(records),
        ack_p50=percentile(ack, 0.5),
        ack_p90=percentile(ack, 0.9),
        done_p50=percentile(done, 0.5),
        done_p90=percentile(done, 0.9),
        acked_late=late,
        nudges=sum(r.nudged for r in records),
        escalations=sum(r.escalated for r in records),
        takeovers=sum(r.taken_over for r in records),
        refused=refused,
        chains=tuple(
            sorted(Counter(r.chain_steps for r in records if r.chain_steps is not None).items())
        ),
    )


@dataclass(frozen=True)
class PublishStats:
    key: str
    publishes: int
    approval_p50: float | None  # hours from record to fully approved
    approval_p90: float | None
    on_time: int  # approved (or needing no approval) before the window opened
    late: int


def publish_stats(key: str, records: Sequence[PublishRecord]) -> PublishStats:
    approval = [_hours(r.approved_at - r.created_at) for r in records if r.approved_at]
    on_time = sum(
        1
        for r in records
        if r.approvers == 0 or (r.approved_at is not None and r.approved_at <= r.window_start)
    )
    return PublishStats(
        key=key,
        publishes=len(records),
        approval_p50=percentile(approval, 0.5),
        approval_p90=percentile(approval, 0.9),
        on_time=on_time,
        late=len(records) - on_time,
    )


@dataclass(frozen=True)
class Outlier:
    """An observation with its candidate action: no observation without one."""

    who: str  # a channel or person id, as the stats key
    is_person: bool
    observation: str
    action: str


def outliers(
    by_channel: Sequence[HandoffStats],
    by_owner: Sequence[HandoffStats],
    publishes_by_owner: Sequence[PublishStats],
) -> list[Outlier]:
    found = []
    for s in by_owner:
        if s.handoffs >= MIN_FOR_OUTLIER and s.acked_late * 3 >= s.handoffs:  # a third late
            found.append(
                Outlier(
                    s.key,
                    True,
                    f"acknowledged {s.acked_late} of {s.handoffs} after act-by",
                    "give them a later act-by or a backup who overlaps their hours",
                )
            )
        if s.handoffs >= MIN_FOR_OUTLIER and s.escalations * 3 >= s.handoffs:
            found.append(
                Outlier(
                    s.key,
                    True,
                    f"{s.escalations} of {s.handoffs} handoffs went to the backup owner",
                    "hand to the backup directly, or ask what keeps them from acknowledging",
                )
            )
    for s in by_channel:
        if s.refused >= 3 or (s.refused >= 2 and s.refused * 4 >= s.handoffs):
            found.append(
                Outlier(
                    s.key,
                    False,
                    f"{s.refused} handoffs refused at the field against {s.handoffs} accepted",
                    "enable the guardrail Baton proposes for the commonest failure, or share a "
                    "filled-in example handoff",
                )
            )
    for p in publishes_by_owner:
        if p.late and p.late * 2 >= p.publishes:
            found.append(
                Outlier(
                    p.key,
                    True,
                    f"{p.late} of {p.publishes} publish windows opened before full approval",
                    "ask for approval earlier: name the approvers when the draft is checked",
                )
            )
    return found


@dataclass(frozen=True)
class Report:
    start: datetime
    end: datetime
    by_channel: list[HandoffStats]
    by_owner: list[HandoffStats]
    publishes_by_channel: list[PublishStats]
    publishes_by_owner: list[PublishStats]
    outliers: list[Outlier] = field(default_factory=list)
    weekly: list[WeekPoint] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.by_channel or self.publishes_by_channel or self.outliers)


@dataclass(frozen=True)
class WeekPoint:
    """Time to acknowledge and to done, p50 and p90 in hours, for handoffs made that week."""

    week_start: datetime
    ack_p50: float | None
    ack_p90: float | None
    done_p50: float | None
    done_p90: float | None


def _grouped(records: Iterable[T], key: Callable[[T], str]) -> dict[str, list[T]]:
    groups: dict[str, list[T]] = {}
    for record in records:
        groups.setdefault(key(record), []).append(record)
    return dict(sorted(groups.items()))


def weekly(records: Sequence[HandoffRecord], start: datetime, weeks: int) -> list[WeekPoint]:
    points = []
    for n in range(weeks):
        begin = start + timedelta(weeks=n)
        inside = [r for r in records if begin <= r.created_at < begin + timedelta(weeks=1)]
        stats = handoff_stats("", inside, now=begin + timedelta(weeks=1))
        points.append(
            WeekPoint(begin, stats.ack_p50, stats.ack_p90, stats.done_p50, stats.done_p90)
        )
    return points


def report(
    handoffs: Sequence[HandoffRecord],
    publishes: Sequence[PublishRecord],
    refused_by_channel: dict[str, int],
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    waiting: Sequence[Outlier] = (),
) -> Report:
    """`waiting`: outliers still waiting now (bot/reports/waiting_outliers.py), listed first."""
    by_channel = [
        handoff_stats(channel, rows, now=now, refused=refused_by_channel.get(channel, 0))
        for channel, rows in _grouped(handoffs, lambda r: r.channel_id).items()
    ]
    for channel, count in sorted(refused_by_channel.items()):
        if count and all(s.key != channel for s in by_channel):
            by_channel.append(handoff_stats(channel, [], now=now, refused=count))
    by_owner = [
        handoff_stats(owner, rows, now=now)
        for owner, rows in _grouped(handoffs, lambda r: r.next_owner_id).items()
    ]
    publishes_by_channel = [
        publish_stats(channel, rows)
        for channel, rows in _grouped(publishes, lambda r: r.channel_id).items()
    ]
    publishes_by_owner = [
        publish_stats(owner, rows)
        for owner, rows in _grouped(publishes, lambda r: r.owner_id).items()
    ]
    weeks = max(round((end - start) / timedelta(weeks=1)), 1)
    return Report(
        start=start,
        end=end,
        by_channel=by_channel,
        by_owner=by_owner,
        publishes_by_channel=publishes_by_channel,
        publishes_by_owner=publishes_by_owner,
        outliers=[*waiting, *outliers(by_channel, by_owner, publishes_by_owner)],
        weekly=weekly(handoffs, start, weeks),
    )
