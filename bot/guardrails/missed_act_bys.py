"""The planner's part: act-by escalations that went out are recorded as missed act-bys."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from bot.guardrails.recording import Failure, FailureRecorder
from bot.guardrails.rules import missed_act_by_prevention
from bot.kernel.mrkdwn import md, mention
from bot.outbox import intents
from store import guardrails
from store.db import Database
from store.models import Handoff
from store.types import as_utc


def missed_act_by(handoff: Handoff) -> Failure:
    assert handoff.id is not None
    return Failure(
        channel_id=handoff.channel_id,
        class_id="missed_act_by",
        ref=f"handoff:{handoff.id}:missed",
        where=md(
            "handoff to ",
            mention(handoff.next_owner_id),
            f" not acknowledged by its act-by ({as_utc(handoff.act_by):%Y-%m-%d %H:%M} UTC)",
        ),
        at=as_utc(handoff.act_by),
        source_key=intents.key_of(intents.HandoffPost(handoff_id=handoff.id)),
        people=tuple(
            p for p in (handoff.next_owner_id, handoff.author_id, handoff.backup_owner_id) if p
        ),
        prevention=missed_act_by_prevention(had_backup=bool(handoff.backup_owner_id)),
    )


class MissedActBys:
    def __init__(
        self, db: Database, clock: Clock, recorder: FailureRecorder, *, window: timedelta
    ) -> None:
        self.db = db
        self.clock = clock
        self.recorder = recorder
        self.window = window

    def plan(self) -> int:
        """Record act-by escalations that went out as missed act-bys."""
        now = self.clock.now()
        with self.db.read() as session:
            escalated = guardrails.escalated_handoffs(session, since=now - self.window)
        added = 0
        for handoff in escalated:
            with self.db.write() as session:
                added += bool(self.recorder.note(session, missed_act_by(handoff)))
        return added
