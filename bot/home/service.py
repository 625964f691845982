"""App Home, the person's desk: what waits on them, what they handed off, what got done, and
what their items block. Read here; laid out by bot/home/messages.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.clock import Clock
from bot.graph.reading import GraphReader
from bot.handoffs.outbox import blockers_of, card
from bot.home import messages as views
from bot.home.desk import Desk, Section
from bot.home.hours_service import OwnHoursService
from bot.home.hours_views import hours_section
from bot.kernel.mrkdwn import Mrkdwn
from store import handoffs
from store.db import Database

PER_SECTION = 20
DONE_WITHIN = timedelta(days=7)


class HomeService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        graph: GraphReader,
        hours: OwnHoursService | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.graph = graph
        self.hours = hours

    def desk(self, user_id: str) -> Desk:
        now = self.clock.now()
        with self.db.read() as session:

            def section(found: tuple[list[Any], int]) -> Section:
                rows, total = found
                cards = [card(h, w, blocked_by=blockers_of(session, w)) for h, w in rows]
                return Section(cards, total)

            waiting_on_you = section(handoffs.waiting_on(session, user_id, limit=PER_SECTION))
            handed_off = section(handoffs.handed_off_by(session, user_id, limit=PER_SECTION))
            done = section(
                handoffs.done_since(session, user_id, since=now - DONE_WITHIN, limit=PER_SECTION)
            )
        blocking, waiting = self.graph.home_for(user_id)
        return Desk(waiting_on_you, handed_off, done, blocking, waiting)

    def view_for(self, user_id: str, *, notice: Mrkdwn | None = None) -> dict[str, Any]:
        own_hours = hours_section(self.hours.shown(user_id)) if self.hours else []
        return views.home_view(
            self.desk(user_id), now=self.clock.now(), notice=notice, after=own_hours
        )
