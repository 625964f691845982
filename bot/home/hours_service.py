"""A person's own working hours, set in App Home: what they are now, save, back to the team
default. The planners read them through bot/people/hours.py."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.kernel.reader_hours import hours_text
from bot.kernel.working_hours import WorkingHours
from bot.people.hours import forget_own_hours_of, hold_for_hours, own_hours
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
            own = own_hours(session, user_id)
        return HoursShown(own, own=True) if own is not None else HoursShown(self.team, own=False)

    def hours_of(self, user_id: str | None) -> WorkingHours:
        """The person's working hours: their own, else the team default."""
        return self.shown(user_id).hours if user_id else self.team

    def save(self, user_id: str, hours: WorkingHours) -> HoursShown:
        """Their own hours from now on, for what is already planned for them as well."""
        now, url = self.clock.now(), str(self.db.engine.url)
        with self.db.write() as session:
            person_hours.save(session, user_id, hours, now=now)
            forget_own_hours_of(url, user_id)  # hold_for_hours reads the new ones
            hold_for_hours(session, user_id, self.team, now=now)
        forget_own_hours_of(url, user_id)  # and so does everyone after the commit
        return HoursShown(hours, own=True)

    def use_team_default(self, user_id: str) -> HoursShown:
        now, url = self.clock.now(), str(self.db.engine.url)
        with self.db.write() as session:
            person_hours.clear(session, user_id)
            forget_own_hours_of(url, user_id)  # hold_for_hours reads the new ones
            hold_for_hours(session, user_id, self.team, now=now)
        forget_own_hours_of(url, user_id)  # and so does everyone after the commit
        return HoursShown(self.team, own=False)
