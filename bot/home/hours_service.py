"""A person's own working hours, set in App Home: what they are now, save, back to the team
default. The planners read them through bot/people/hours.py."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.kernel.reader_hours import hours_text
from bot.kernel.working_hours import WorkingHours
from bot.people.hours import hold_for_hours
from store import person_hours
from store.db import Database


@dataclass(frozen=True)
class HoursShown:
    hours: WorkingHours
    own: bool  # set by the person; else the team default

    def __str__(self) -> str:
        return f"{hours_text(self.hours)} ({'yours' if self.own else 'team default'})"


class OwnHoursService:
    def __init__(self, db: Database, clock: Clock, *, team: WorkingHours) -> None:
        self.db = db
        self.clock = clock
        self.team = team

    def shown(self, user_id: str) -> HoursShown:
        with self.db.read() as session:
            own = person_hours.hours_of(session, user_id)
        return HoursShown(own, own=True) if own is not None else HoursShown(self.team, own=False)

    def hours_of(self, user_id: str | None) -> WorkingHours:
        """The person's working hours: their own, else the team default."""
        return self.shown(user_id).hours if user_id else self.team

    def save(self, user_id: str, hours: WorkingHours) -> HoursShown:
        """Their own hours from now on, for what is already planned for them as well."""
        now = self.clock.now()
        with self.db.write() as session:
            person_hours.save(session, user_id, hours, now=now)
            hold_for_hours(session, user_id, self.team, now=now)
        return HoursShown(hours, own=True)

    def use_team_default(self, user_id: str) -> HoursShown:
        now = self.clock.now()
        with self.db.write() as session:
            person_hours.clear(session, user_id)
            hold_for_hours(session, user_id, self.team, now=now)
        return HoursShown(self.team, own=False)
