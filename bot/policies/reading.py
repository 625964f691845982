"""Where open handoffs' escalation chains stand, for App Home and /report (reads only)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from bot.kernel.mrkdwn import Mrkdwn
from bot.policies import messages
from bot.policies.stored import done_of, policy_of
from store import chains
from store.models import Handoff
from store.types import as_utc


def progress_of(session: Session, handoffs: Sequence[Handoff]) -> dict[int, Mrkdwn]:
    """Each handoff made under a policy: the step its chain is at and what comes next."""
    ruled = [h for h in handoffs if h.id is not None and h.escalation_policy]
    found = chains.of_handoffs(session, [h.id for h in ruled if h.id is not None])
    lines: dict[int, Mrkdwn] = {}
    for handoff in ruled:
        chain = found.get(handoff.id or 0)
        policy = policy_of(handoff)
        if chain is None or policy is None or handoff.id is None:
            continue
        due = as_utc(chain.due_at) if chain.due_at else None
        lines[handoff.id] = messages.progress(policy, handoff.urgency, done_of(chain), due)
    return lines
