"""Publishes, their KPI readings and decisions: the queries the decision loop needs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from store.guardrails import MANUAL_SOURCES
from store.models import KpiReading, Publish
from store.types import as_utc
from store.work_items import name_key

__all__ = [
    "add_readings",
    "due_prompts",
    "find",
    "latest_readings",
    "name_key",
    "overlapping",
    "starting_between",
    "undecided_since",
]


def find(session: Session, channel_id: str, name: str) -> Publish | None:
    return session.exec(
        select(Publish).where(Publish.channel_id == channel_id, Publish.name_key == name_key(name))
    ).first()


def overlapping(
    session: Session, channel_id: str, surface: str, start: datetime, end: datetime
) -> Publish | None:
    """A publish on the same surface in the same channel whose window overlaps [start, end):
    bot.kernel.windows.overlaps, as a query."""
    return session.exec(
        select(Publish)
        .where(Publish.channel_id == channel_id, Publish.surface == surface)
        .where(col(Publish.window_start) < end, col(Publish.window_end) > start)
        .order_by(col(Publish.window_start))
    ).first()


def due_prompts(session: Session, *, now: datetime, limit: int = 200) -> list[Publish]:
    return list(
        session.exec(
            select(Publish)
            .where(col(Publish.prompted_at).is_(None))
            .where(col(Publish.decision_due_at) <= now)
            .order_by(col(Publish.decision_due_at))
            .limit(limit)
        ).all()
    )


def undecided_since(session: Session, *, before: datetime, limit: int = 200) -> list[Publish]:
    """Prompted before `before`, still undecided, not yet reminded twice."""
    return list(
        session.exec(
            select(Publish)
            .where(col(Publish.prompted_at) <= before)
            .where(col(Publish.decision).is_(None))
            .where(col(Publish.reminders_sent) < 2)
            .order_by(col(Publish.prompted_at))
            .limit(limit)
        ).all()
    )


def latest_readings(
    session: Session,
    publish_id: int,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    before: datetime | None = None,
) -> dict[str, tuple[float, datetime]]:
    """The latest reading of each metric (by observation time), with when it was observed,
    among those observed in [since, until] and before `before`: one row per metric, found
    through ix_kpi_reading_latest, however long the history."""
    newest = (
        func.row_number()
        .over(
            partition_by=col(KpiReading.metric),
            order_by=(col(KpiReading.observed_at).desc(), col(KpiReading.id).desc()),
        )
        .label("newest")
    )
    ranked = (
        select(KpiReading.metric, KpiReading.value, KpiReading.observed_at, newest)
        .where(KpiReading.publish_id == publish_id)
        .where(*_observed(since=since, until=until, before=before))
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.metric, ranked.c.value, ranked.c.observed_at).where(ranked.c.newest == 1)
    ).all()
    return {metric: (value, as_utc(observed_at)) for metric, value, observed_at in rows}


def _observed(
    *, since: datetime | None, until: datetime | None, before: datetime | None
) -> list[Any]:
    at = col(KpiReading.observed_at)
    bounds = [at >= since if since else None, at <= until if until else None]
    bounds.append(at < before if before else None)
    return [bound for bound in bounds if bound is not None]


def starting_between(session: Session, start: datetime, end: datetime) -> list[Publish]:
    return list(
        session.exec(
            select(Publish)
            .where(col(Publish.window_start) >= start, col(Publish.window_start) < end)
            .order_by(col(Publish.window_start))
        ).all()
    )


def opening_between(
    session: Session, channel_id: str, start: datetime, end: datetime, limit: int = 50
) -> list[Publish]:
    return list(
        session.exec(
            select(Publish)
            .where(Publish.channel_id == channel_id)
            .where(col(Publish.window_start) >= start, col(Publish.window_start) <= end)
            .order_by(col(Publish.window_start))
            .limit(limit)
        ).all()
    )


def decided_between(session: Session, start: datetime, end: datetime) -> list[Publish]:
    return list(
        session.exec(
            select(Publish)
            .where(col(Publish.decided_at) >= start, col(Publish.decided_at) < end)
            .where(col(Publish.decision_action).is_not(None))
            .order_by(col(Publish.decided_at))
        ).all()
    )


def recent(session: Session, channel_id: str, limit: int = 100) -> list[Publish]:
    return list(
        session.exec(
            select(Publish)
            .where(Publish.channel_id == channel_id)
            .order_by(col(Publish.window_start).desc())
            .limit(limit)
        ).all()
    )


def following(session: Session, publish_id: int) -> Publish | None:
    """The first publish recorded as the next cycle of this one."""
    return session.exec(
        select(Publish).where(Publish.follows_id == publish_id).order_by(col(Publish.id))
    ).first()


def add_readings(session: Session, readings: Sequence[KpiReading]) -> None:
    """One INSERT for the lot: readings arrive in batches, and nothing needs them as objects."""
    if readings:
        session.execute(insert(KpiReading), [r.model_dump(exclude={"id"}) for r in readings])


def count_readings(session: Session, publish_id: int) -> int:
    return int(
        session.exec(
            select(func.count()).select_from(KpiReading).where(KpiReading.publish_id == publish_id)
        ).one()
    )


def metrics_logged_by_hand(session: Session, channel_id: str, *, since: datetime) -> set[str]:
    """Metrics people typed with /kpi for this channel's publishes lately (a team that logs
    by hand is instrumented too)."""
    return set(
        session.exec(
            select(KpiReading.metric)
            .join(Publish, col(Publish.id) == col(KpiReading.publish_id))
            .where(Publish.channel_id == channel_id)
            .where(col(KpiReading.source).in_(MANUAL_SOURCES))
            .where(col(KpiReading.created_at) >= since)
            .distinct()
        ).all()
    )


def decisions_owed_by(session: Session, owner_id: str, *, limit: int = 50) -> list[Publish]:
    """Publishes whose decision prompt went out and that this owner has not decided yet."""
    return list(
        session.exec(
            select(Publish)
            .where(Publish.owner_id == owner_id)
            .where(col(Publish.prompted_at).is_not(None))
            .where(col(Publish.decision).is_(None))
            .order_by(col(Publish.decision_due_at), col(Publish.id))
            .limit(limit)
        ).all()
    )


def channels_between(session: Session, start: datetime, end: datetime) -> set[str]:
    """The channels of publishes whose window started, or that were decided, in [start, end)."""
    started = (col(Publish.window_start) >= start) & (col(Publish.window_start) < end)
    decided = (col(Publish.decided_at) >= start) & (col(Publish.decided_at) < end)
    return set(session.exec(select(Publish.channel_id).where(started | decided).distinct()).all())
