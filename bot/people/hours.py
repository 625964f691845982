"""When a message may reach a person: the one function every planner calls. Their own working
hours (App Home) when they set them, else the team default; in their Slack time zone."""

from __future__ import annotations

from sqlmodel import Session

from bot.kernel.reader_hours import ReaderHours, reader_hours
from bot.kernel.working_hours import WorkingHours
from store import person_hours


def hours_for(session: Session, user_id: str, zone: str | None, team: WorkingHours) -> ReaderHours:
    """`user_id`'s hours, in `zone` (the zone Baton knows for them; None: UTC)."""
    return reader_hours(team, person_hours.hours_of(session, user_id), zone)
