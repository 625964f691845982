"""When a message may reach a person: the one function every planner calls. Their own working
hours (App Home) when they set them, else the team default; in their Slack time zone."""

from __future__ import annotations

import threading
import time
from datetime import datetime

from sqlmodel import Session

from bot.kernel.reader_hours import ReaderHours, reader_hours
from bot.kernel.working_hours import WorkingHours
from store import outbox, person_hours, users
from store.types import as_utc

# Own hours are read on the ack path and by every planner, and change rarely: kept in memory
# for this long (another process sees a change within it; this one at once).
OWN_HOURS_FOR = 60.0  # seconds (monotonic)


class _Remembered:
    """Own hours read lately, per database and person (None: the team default)."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._seen: dict[tuple[str, str], tuple[float, WorkingHours | None]] = {}
        self._guard = threading.Lock()

    def get(self, key: tuple[str, str]) -> tuple[bool, WorkingHours | None]:
        with self._guard:
            entry = self._seen.get(key)
        if entry is None or entry[0] < time.monotonic():
            return False, None
        return True, entry[1]

    def put(self, key: tuple[str, str], hours: WorkingHours | None) -> None:
        with self._guard:
            if len(self._seen) > 10_000:
                self._seen.clear()  # a bound, not an eviction policy: it refills as read
            self._seen[key] = (time.monotonic() + self.ttl, hours)

    def forget(self, key: tuple[str, str]) -> None:
        with self._guard:
            self._seen.pop(key, None)


_remembered = _Remembered(OWN_HOURS_FOR)


def _key(session: Session, user_id: str) -> tuple[str, str]:
    return str(session.get_bind().engine.url), user_id


def forget_own_hours_of(database_url: str, user_id: str) -> None:
    """After they changed them in this process (and the change committed): read again."""
    _remembered.forget((database_url, user_id))


def own_hours(session: Session, user_id: str) -> WorkingHours | None:
    """The hours the person set on App Home; None: they follow the team default."""
    key = _key(session, user_id)
    known, hours = _remembered.get(key)
    if not known:
        hours = person_hours.hours_of(session, user_id)
        _remembered.put(key, hours)
    return hours


def hours_for(session: Session, user_id: str, zone: str | None, team: WorkingHours) -> ReaderHours:
    """`user_id`'s hours, in `zone` (the zone Baton knows for them; None: UTC)."""
    return reader_hours(team, own_hours(session, user_id), zone)


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
