"""A handoff's policy and chain as stored, read as the chain rule's values."""

from __future__ import annotations

from bot.handoffs.lifecycle import HandoffPeople
from bot.policies.chain import Position
from bot.policies.policy import Policy
from store.models import EscalationChain, Handoff


def policy_of(handoff: Handoff) -> Policy | None:
    return Policy.from_json(handoff.escalation_policy) if handoff.escalation_policy else None


def done_of(chain: EscalationChain) -> Position | None:
    if chain.done_round is None or chain.done_step is None:
        return None
    return Position(chain.done_round, chain.done_step)


def people_of(handoff: Handoff, asked: tuple[str, ...] = ()) -> HandoffPeople:
    return HandoffPeople(
        handoff.author_id, handoff.next_owner_id, handoff.backup_owner_id, asked=asked
    )
