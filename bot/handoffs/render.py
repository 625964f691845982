"""A handoff's messages as they are sent: built from the handoff as it is at that moment
(an Edit between the write and the send shows; a reminder about a handoff that no longer
waits on anyone has nothing true to say and is not sent)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.handoffs import messages as views
from bot.handoffs import reminder_messages as reminders
from bot.handoffs.outbox import current_card
from bot.kernel.text import Message
from bot.outbox import intents
from bot.outbox.rendering import Renderers
from bot.policies import render as policy_render
from store import handoffs
from store.types import as_utc


def _card(session: Session, handoff_id: int) -> views.HandoffCard | None:
    found = handoffs.get_with_item(session, handoff_id)
    return current_card(session, *found) if found is not None else None


def post(session: Session, p: intents.HandoffPost, now: datetime) -> Message | None:
    card = _card(session, p.handoff_id)
    return views.channel_post(card) if card else None


def next_owner_dm(session: Session, p: intents.HandoffDm, now: datetime) -> Message | None:
    card = _card(session, p.handoff_id)
    return views.next_owner_dm(card, p.to) if card else None


def nudge(session: Session, p: intents.HandoffNudge, now: datetime) -> Message | None:
    card = _card(session, p.handoff_id)
    return reminders.nudge_dm(card, p.to) if card and card.live else None


def escalation_dm(session: Session, p: intents.EscalationDm, now: datetime) -> Message | None:
    card = _card(session, p.handoff_id)
    if card is None or not card.live:
        return None
    return reminders.escalation_dm(card, late_by=as_utc(p.planned_at), to=p.to)


def escalation_thread(
    session: Session, p: intents.EscalationThread, now: datetime
) -> Message | None:
    card = _card(session, p.handoff_id)
    if card is None or not card.live:
        return None
    return reminders.escalation_thread_reply(card, late_by=as_utc(p.planned_at), asked=p.asked)


def update(session: Session, p: intents.HandoffUpdate, now: datetime) -> Message | None:
    """The chat.update of a message already sent: what it shows, as the handoff is now."""
    card = _card(session, p.handoff_id)
    if card is None:
        return None
    if p.edits is intents.Kind.HANDOFF_POST:
        return views.channel_post(card)
    if p.edits is intents.Kind.HANDOFF_DM:
        return views.next_owner_dm(card, p.to)
    if p.edits is intents.Kind.HANDOFF_NUDGE:
        return reminders.nudge_dm(card, p.to)
    if p.edits is intents.Kind.ESCALATION_STEP:
        return policy_render.step_edited(session, card, p)
    late_by = as_utc(p.planned_at) if p.planned_at else card.act_by
    return reminders.escalation_dm(card, late_by=late_by, to=p.to, active=False)


def register(renderers: Renderers) -> None:
    renderers.register(intents.HandoffPost, post)
    renderers.register(intents.HandoffDm, next_owner_dm)
    renderers.register(intents.HandoffNudge, nudge)
    renderers.register(intents.EscalationDm, escalation_dm)
    renderers.register(intents.EscalationThread, escalation_thread)
    renderers.register(intents.HandoffUpdate, update)
