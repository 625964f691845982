"""Enable or Dismiss a proposal, switch a guardrail off, and list a channel's guardrails."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from bot.clock import Clock
from bot.guardrails import messages as views
from bot.guardrails.enforced import EnforcedGuardrails
from bot.guardrails.proposals import entry_of, proposal_intent
from bot.guardrails.rules import may_decide_guardrail
from bot.outbox import intents, messages
from store import guardrails, outbox
from store.db import Database
from store.models import GuardrailState, OutboxOp


class Verdict(StrEnum):
    DONE = "done"
    ALREADY = "already"
    NOT_ALLOWED = "not_allowed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Decided:
    verdict: Verdict
    entry: views.GuardrailEntry | None = None
    send_now: tuple[str, ...] = ()
    people: tuple[str, ...] = ()  # NOT_ALLOWED: the people involved, who may decide


class GuardrailDecisions:
    def __init__(self, db: Database, clock: Clock, *, enforced: EnforcedGuardrails) -> None:
        self.db = db
        self.clock = clock
        self.enforced = enforced  # forgotten on a decision, so the next form sees it

    def decide(
        self,
        guardrail_id: int,
        *,
        by: str,
        enable: bool,
        owners: Collection[str] = (),
        is_admin: bool = False,
    ) -> Decided:
        """Enable or dismiss a proposal (the channel's owners, the people involved in its
        failures, or a workspace admin); the first decision stands."""
        now = self.clock.now()
        with self.db.write() as session:
            row = guardrails.by_id(session, guardrail_id, lock=True)
            if row is None:
                return Decided(Verdict.UNKNOWN)
            if row.state != GuardrailState.PROPOSED:
                return Decided(Verdict.ALREADY, entry_of(session, row))
            involved = guardrails.involved(session, row)
            if not may_decide_guardrail(by, owners=owners, involved=involved, is_admin=is_admin):
                return Decided(
                    Verdict.NOT_ALLOWED,
                    entry_of(session, row),
                    people=tuple(sorted(involved)),
                )
            row.state = GuardrailState.ENABLED if enable else GuardrailState.DISMISSED
            row.decided_by, row.decided_at = by, now
            session.add(row)
            entry = entry_of(session, row)
            message = views.proposal_message(entry)
            update = messages.new(
                intents.GuardrailDecision(
                    channel_id=row.channel_id, class_id=row.class_id, proposals=row.proposals
                ),
                target=row.channel_id,
                op=OutboxOp.UPDATE,
                parent=proposal_intent(row),
                text=message.text,
                blocks=message.blocks,
                due_at=now,
            )
            key = update.key
            outbox.enqueue(session, update, now=now)
        self.enforced.forget(row.channel_id)  # committed: the next form sees it
        return Decided(Verdict.DONE, entry, (key,))

    def disable(self, guardrail_id: int, *, by: str, is_admin: bool) -> Decided:
        """Only a workspace admin or whoever enabled it may switch a guardrail off."""
        now = self.clock.now()
        with self.db.write() as session:
            row = guardrails.by_id(session, guardrail_id, lock=True)
            if row is None:
                return Decided(Verdict.UNKNOWN)
            if row.state != GuardrailState.ENABLED:
                return Decided(Verdict.ALREADY, entry_of(session, row))
            if not is_admin and by != row.decided_by:
                return Decided(Verdict.NOT_ALLOWED, entry_of(session, row))
            row.state = GuardrailState.DISABLED
            row.decided_by, row.decided_at = by, now
            session.add(row)
            decided = Decided(Verdict.DONE, entry_of(session, row))
        self.enforced.forget(row.channel_id)
        return decided

    def of_channel(self, channel_id: str) -> list[views.GuardrailEntry]:
        with self.db.read() as session:
            return [entry_of(session, row) for row in guardrails.of_channel(session, channel_id)]
