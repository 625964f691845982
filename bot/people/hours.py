"""When a message may reach a person: the one function every planner calls. Their own working
hours (App Home) when they set them, else the team default; in their Slack time zone."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.kernel.reader_hours import ReaderHours, reader_hours
from bot.kernel.working_hours import WorkingHours
from store import outbox, person_hours, users
from store.types import as_utc


def hours_for(session: Session, user_id: str, zone: str | None, team: WorkingHours) -> ReaderHours:
    """`user_id`'s hours, in `zone` (the zone Baton knows for them; None: UTC)."""
    return reader_hours(team, person_hours.hours_of(session, user_id), zone)


def hold_for_hours(session: Session, user_id: str, team: WorkingHours, *, now: datetime) -> int:
    """After a person changed their hours: what is planned for them later than now and now
    falls outside them waits for their next start. (Never earlier: when a message was first
    due is not kept, so widened hours do not bring one forward.) How many moved."""
    known = users.known(session, user_id)
    reader = hours_for(session, user_id, known.tz if known else None, team)
    moved = 0
    for row in outbox.pending_dms_to(session, user_id, due_after=now):
        due = as_utc(row.due_at)
        held = reader.plan(due)
        if held > due:
            row.due_at, row.updated_at = held, now
            session.add(row)
            moved += 1
    return moved
