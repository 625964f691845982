"""People's own working hours (App Home): one row each, none for the team default."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from bot.kernel.working_hours import DAYS, WorkingHours
from store.models import PersonHours


def _hours(row: PersonHours) -> WorkingHours | None:
    try:
        return WorkingHours.parse(f"{row.start_time}-{row.end_time} {row.days}")
    except ValueError:
        return None  # a row no rule can read: the team default, rather than never


def hours_of(session: Session, user_id: str) -> WorkingHours | None:
    """The person's own hours; None: they follow the team default."""
    row = session.get(PersonHours, user_id)
    return _hours(row) if row is not None else None


def hours_of_many(session: Session, user_ids: list[str]) -> dict[str, WorkingHours]:
    """Own hours of those of these people who set them, in one query."""
    if not user_ids:
        return {}
    rows = session.exec(select(PersonHours).where(col(PersonHours.user_id).in_(user_ids))).all()
    found = {row.user_id: _hours(row) for row in rows}
    return {user_id: hours for user_id, hours in found.items() if hours is not None}


def save(session: Session, user_id: str, hours: WorkingHours, *, now: datetime) -> None:
    """Set (or replace) a person's own hours: a same-day window on some days."""
    assert hours.start is not None and hours.end is not None and hours.end > hours.start
    row = session.get(PersonHours, user_id, with_for_update=True) or PersonHours(
        user_id=user_id, days="", start_time="", end_time="", updated_at=now
    )
    row.days = ",".join(DAYS[day] for day in sorted(hours.days))
    row.start_time, row.end_time = f"{hours.start:%H:%M}", f"{hours.end:%H:%M}"
    row.updated_at = now
    session.add(row)


def clear(session: Session, user_id: str) -> bool:
    """Back to the team default; False when there was nothing to clear."""
    row = session.get(PersonHours, user_id, with_for_update=True)
    if row is None:
        return False
    session.delete(row)
    return True
