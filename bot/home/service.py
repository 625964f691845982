"""App Home, the person's desk: what waits on them, what they handed off, what got done, and
what their items block. Read here; ordered by bot/home/waiting.py; laid out by
bot/home/messages.py."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot.clock import Clock
from bot.decisions.choices import revision
from bot.graph.reading import GraphReader
from bot.graph.rules import Blocking
from bot.handoffs.lifecycle import Button, repeat_refusal
from bot.handoffs.outbox import blockers_of, card, holder_of, people_of
from bot.home import messages as views
from bot.home.desk import (
    ApprovalWaiting,
    BlockerWaiting,
    DecisionWaiting,
    Desk,
    HandoffWaiting,
    Section,
    Waiting,
    WaitingSection,
)
from bot.home.hours_service import OwnHoursService
from bot.home.hours_views import hours_section
from bot.home.waiting import escalation_stands, in_order
from bot.kernel.mrkdwn import Mrkdwn
from bot.policies.reading import progress_of
from bot.publishing.cards import card_of, decision_of, earlier_decisions
from store import approvals, chains, handoffs, publishes
from store.db import Database
from store.models import Handoff
from store.types import as_utc

PER_SECTION = 20
DONE_WITHIN = timedelta(days=7)


def _reached_since_act_by(handoff: Handoff, viewer: str) -> bool:
    holder = holder_of(handoff)
    return repeat_refusal(Button.REACH_THEM, viewer, holder) is not None


def escalations(session: Session, user_id: str, now: datetime) -> list[Waiting]:
    """Handoffs whose escalation still asks this user to take over or reach the next owner."""
    found: list[Waiting] = []
    for handoff, item, escalated_at in handoffs.escalated_to(session, user_id):
        contact = people_of(handoff).escalation_contact()
        chain = chains.get(session, handoff.id or 0) if handoff.escalation_policy else None
        if chain is not None and user_id in chain.asked:  # the policy asked them to step in
            contact = user_id
        if escalation_stands(
            viewer=user_id,
            live=True,  # the query reads live handoffs only
            next_owner_id=handoff.next_owner_id,
            contact=contact,
            act_by=as_utc(handoff.act_by),
            escalated_at=escalated_at,
            reached_since_act_by=_reached_since_act_by(handoff, user_id),
            now=now,
        ):
            the_card = card(handoff, item, blocked_by=blockers_of(session, item))
            found.append(HandoffWaiting(the_card, escalated=True))
    return found


def owed_publishes(session: Session, user_id: str, now: datetime) -> list[Waiting]:
    """Approvals the user owes, and decisions on publishes they own."""
    found: list[Waiting] = [
        ApprovalWaiting(card_of(p)) for p in approvals.owed_by(session, user_id, now=now)
    ]
    for publish in publishes.decisions_owed_by(session, user_id):
        made = revision(decision_of(publish), earlier_decisions(publish))
        found.append(DecisionWaiting(card_of(publish), as_utc(publish.decision_due_at), made))
    return found


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
                chains = progress_of(session, [h for h, _ in rows])
                cards = [
                    card(h, w, blocked_by=blockers_of(session, w), escalation=chains.get(h.id))
                    for h, w in rows
                ]
                return Section(cards, total)

            owned = section(handoffs.waiting_on(session, user_id, limit=PER_SECTION))
            others = escalations(session, user_id, now) + owed_publishes(session, user_id, now)
            handed_off = section(handoffs.handed_off_by(session, user_id, limit=PER_SECTION))
            done = section(
                handoffs.done_since(session, user_id, since=now - DONE_WITHIN, limit=PER_SECTION)
            )
        blocking, waiting = self.graph.home_for(user_id)
        return Desk(
            _waiting_on_you(owned, others, blocking, now),
            handed_off,
            done,
            blocking,
            waiting,
        )

    def view_for(self, user_id: str, *, notice: Mrkdwn | None = None) -> dict[str, Any]:
        own_hours = hours_section(self.hours.shown(user_id)) if self.hours else []
        return views.home_view(
            self.desk(user_id), now=self.clock.now(), notice=notice, after=own_hours
        )


def _waiting_on_you(
    owned: Section, others: list[Waiting], blocking: list[Blocking], now: datetime
) -> WaitingSection:
    found: list[Waiting] = [HandoffWaiting(c) for c in owned.cards]
    found += others + [BlockerWaiting(b) for b in blocking]
    ordered = in_order(found, lambda w: w.due, now)
    return WaitingSection(ordered[:PER_SECTION], owned.total + len(others) + len(blocking))
