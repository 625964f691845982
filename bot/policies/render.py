"""An escalation step as it is sent: from the handoff and its chain as they are then. A step
of a handoff no longer live, or of a chain started again for a new next owner, says nothing."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.handoffs import messages as views
from bot.handoffs import reminder_messages as reminders
from bot.handoffs.outbox import current_card
from bot.kernel.text import Message
from bot.outbox import intents
from bot.outbox.rendering import Renderers
from bot.policies import messages
from bot.policies.chain import Position, next_step
from bot.policies.policy import TargetKind
from bot.policies.stored import policy_of
from store import chains, handoffs, outbox
from store.types import as_utc


def step(session: Session, p: intents.EscalationStep, now: datetime) -> Message | None:
    found = handoffs.get_with_item(session, p.handoff_id)
    chain = chains.get(session, p.handoff_id)
    if found is None or chain is None or chain.run != p.run:
        return None
    handoff, item = found
    card = current_card(session, handoff, item)
    if not card.live:
        return None
    target, due = TargetKind(p.target), as_utc(p.due)
    position = Position(p.round, p.step)
    if p.passed is not None:
        policy = policy_of(handoff)
        last = policy is None or next_step(policy, handoff.urgency, position) is None
        return messages.passed_on(position, target, p.passed_who, p.passed, last=last)
    if target is TargetKind.THREAD:
        return messages.thread_reply(card, due=due, asked=p.asked)
    if p.to == card.next_owner_id:
        return reminders.nudge_dm(card, p.to) if target is TargetKind.NEXT_OWNER else None
    return messages.step_dm(card, due=due, to=p.to, target=target, handle=p.handle)


def step_edited(
    session: Session, card: views.HandoffCard, p: intents.HandoffUpdate
) -> Message | None:
    """A step DM edited after a change: while its chain runs (acknowledged is not done) the
    ask stands; once it ended or started again for a new next owner, it says what happened,
    without buttons."""
    row = outbox.find(session, p.edits_key) if p.edits_key else None
    if row is None:
        return None
    step = intents.parse(row.kind, row.payload)
    assert isinstance(step, intents.EscalationStep)
    target = TargetKind(step.target)
    if target is TargetKind.NEXT_OWNER:
        return reminders.nudge_dm(card, step.to)
    chain = chains.get(session, step.handoff_id)
    stands = card.live and chain is not None and chain.run == step.run
    return messages.step_dm(
        card, due=as_utc(step.due), to=step.to, target=target, handle=step.handle, active=stands
    )


def register(renderers: Renderers) -> None:
    renderers.register(intents.EscalationStep, step)
