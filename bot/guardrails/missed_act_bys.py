"""The planner's part: act-by escalations that went out are recorded as missed act-bys, each
as it was when it was missed: whose act-by passed, and when (a takeover since changes
neither)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import ValidationError
from sqlmodel import Session

from bot.clock import Clock
from bot.guardrails.recording import Failure, FailureRecorder
from bot.guardrails.rules import act_by_in_hours, missed_act_by_prevention
from bot.kernel.mrkdwn import md, mention
from bot.kernel.working_hours import WorkingHours, zone_or_utc
from bot.outbox import intents
from store import guardrails, users
from store.db import Database
from store.models import Handoff, OutboxMessage, WorkItem
from store.types import as_utc


@dataclass(frozen=True)
class Miss:
    """Whose act-by passed, and when."""

    owner_id: str
    act_by: datetime
    in_hours: bool  # whether the owner was at work when it came


def reported_miss(handoff: Handoff, escalation: OutboxMessage) -> tuple[str, datetime]:
    """The owner and act-by the escalation reported, as its payload keeps them; a row from
    before payloads kept them reads the handoff as it is now."""
    try:
        payload = intents.parse(escalation.kind, escalation.payload)
    except (ValidationError, ValueError):
        payload = None
    if isinstance(payload, intents.EscalationThread) and payload.owner and payload.act_by:
        return payload.owner, as_utc(payload.act_by)
    return handoff.next_owner_id, as_utc(handoff.act_by)


def missed_act_by(handoff: Handoff, item: str, miss: Miss) -> Failure:
    assert handoff.id is not None
    return Failure(
        channel_id=handoff.channel_id,
        class_id="missed_act_by",
        ref=f"handoff:{handoff.id}:missed",
        where=md(
            mention(miss.owner_id),
            " missed the act-by of ",
            item,
            ", handed off by ",
            mention(handoff.author_id),
        ),
        at=miss.act_by,
        source_key=intents.key_of(intents.HandoffPost(handoff_id=handoff.id)),
        people=tuple(
            p
            for p in (
                miss.owner_id,
                handoff.next_owner_id,
                handoff.author_id,
                handoff.backup_owner_id,
            )
            if p
        ),
        prevention=missed_act_by_prevention(
            had_backup=bool(handoff.backup_owner_id), act_by_in_hours=miss.in_hours
        ),
        owner_id=miss.owner_id,
        act_by=miss.act_by,
    )


class MissedActBys:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        recorder: FailureRecorder,
        *,
        window: timedelta,
        working_hours: WorkingHours = WorkingHours.ALWAYS,
    ) -> None:
        self.db = db
        self.clock = clock
        self.recorder = recorder
        self.window = window
        self.working_hours = working_hours

    def _miss(self, session: Session, handoff: Handoff, escalation: OutboxMessage) -> Miss:
        owner, act_by = reported_miss(handoff, escalation)
        known = users.known(session, owner)
        zone = zone_or_utc(known.tz if known else None)
        return Miss(owner, act_by, act_by_in_hours(act_by, self.working_hours, zone))

    def plan(self) -> int:
        """Record act-by escalations that went out as missed act-bys."""
        now = self.clock.now()
        with self.db.read() as session:
            escalated = guardrails.escalated_handoffs(session, since=now - self.window)
        added = 0
        for handoff, escalation in escalated:
            with self.db.write() as session:
                item = session.get(WorkItem, handoff.work_item_id)
                failure = missed_act_by(
                    handoff,
                    item.name if item else "a handoff",
                    self._miss(session, handoff, escalation),
                )
                added += bool(self.recorder.note(session, failure))
        return added
