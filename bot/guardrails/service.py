"""Failure classes seen twice become guardrail proposals; enabled guardrails feed the forms."""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.clock import Clock
from bot.guardrails import messages as views
from bot.guardrails.failures import CUSTOM_PREFIX, Occurrence, label_of, second_occurrence
from bot.guardrails.rules import (
    Guardrail,
    may_decide_guardrail,
    missed_act_by_prevention,
    propose_again,
    proposed_guardrail,
)
from bot.kernel.mrkdwn import Mrkdwn, clip, md, mention, stored
from bot.observability.metrics import Metrics
from bot.outbox import intents, messages
from store import guardrails, outbox
from store.db import Database
from store.models import ChannelGuardrail, FailureOccurrence, GuardrailState, OutboxOp
from store.types import as_utc

ENFORCED_FOR = 2.0  # seconds a channel's enabled guardrails are kept in memory
ENFORCED_CHANNELS = 1_000  # channels kept at most (only those asked about in ENFORCED_FOR)
NOTHING_ENFORCED: tuple[frozenset[str], tuple[str, ...]] = (frozenset(), ())


@dataclass(frozen=True)
class Failure:
    """A failure Baton saw. `ref` names the failed thing so a retry counts once; `source_key`
    is the outbox key of the message that shows it, for a link in the proposal. `where` is
    stored as mrkdwn, user text in it escaped (Baton's own mentions stay live)."""

    channel_id: str
    class_id: str
    ref: str
    where: Mrkdwn
    at: datetime
    source_key: str | None = None
    people: tuple[str, ...] = ()  # who was involved: they may decide the guardrail
    prevention: Guardrail | None = None  # what would have prevented it, when Baton knows
    words: str | None = None  # how people named it (`because …`), as typed


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


def _proposal(row: ChannelGuardrail) -> intents.GuardrailProposal:
    """Each proposal of a class is its own message (a class can be proposed again after a
    dismissal)."""
    return intents.GuardrailProposal(
        channel_id=row.channel_id, class_id=row.class_id, proposals=row.proposals
    )


def _permalink(session: Session, key: str | None) -> str | None:
    """A link to a message Baton sent, built from its channel and ts (the format Slack's
    chat.getPermalink returns, without a workspace-specific host)."""
    if key is None:
        return None
    sent = outbox.find(session, key)
    if sent is None or not sent.sent_ts or not sent.sent_channel:
        return None
    return f"https://slack.com/archives/{sent.sent_channel}/p{sent.sent_ts.replace('.', '')}"


class GuardrailService:
    def __init__(
        self, db: Database, clock: Clock, *, window: timedelta, metrics: Metrics | None = None
    ) -> None:
        self.db = db
        self.clock = clock
        self.window = window
        self.metrics = metrics or Metrics()
        # What each channel's forms enforce, read on the ack path of every form: kept briefly
        # (another process's Enable shows within ENFORCED_FOR), forgotten at once on a change
        # made here.
        self._enforced: dict[str, tuple[float, tuple[frozenset[str], tuple[str, ...]]]] = {}

    # -- occurrences ------------------------------------------------------------------

    def note(self, session: Session, failure: Failure) -> str | None:
        """Record `failure` in the caller's transaction. When it is the second of its class in
        the channel within the window, owe the channel one proposal; its key is returned."""
        now = self.clock.now()
        stored = guardrails.record_occurrence(
            session,
            FailureOccurrence(
                channel_id=failure.channel_id,
                class_id=failure.class_id,
                ref=failure.ref[:200],
                where=clip(failure.where, 500),
                link=_permalink(session, failure.source_key),
                at=failure.at,
                people=[p for p in dict.fromkeys(failure.people) if p],
                prevention=failure.prevention.value if failure.prevention else None,
                words=" ".join(failure.words.split()) if failure.words else None,
            ),
        )
        if stored is None:
            return None
        self.metrics.failure_recorded(failure.class_id)
        guardrail = proposed_guardrail(stored.class_id, stored.prevention)
        if guardrail is None:
            return None
        existing = guardrails.guardrail_for(session, failure.channel_id, failure.class_id)
        if existing is not None:
            return self._propose_again(session, existing, stored, guardrail)
        history = guardrails.occurrences(
            session, failure.channel_id, failure.class_id, since=failure.at - self.window
        )
        by_ref = {o.ref: o for o in history}
        earlier = second_occurrence(
            [Occurrence(o.class_id, o.ref, as_utc(o.at)) for o in history if o.id != stored.id],
            Occurrence(stored.class_id, stored.ref, as_utc(stored.at)),
            window=self.window,
        )
        if earlier is None:
            return None
        first = by_ref[earlier.ref]
        assert first.id is not None and stored.id is not None
        proposal = ChannelGuardrail(
            channel_id=failure.channel_id,
            class_id=failure.class_id,
            guardrail=guardrail.value,
            first_occurrence_id=first.id,
            second_occurrence_id=stored.id,
            proposed_at=now,
        )
        try:
            with session.begin_nested():
                session.add(proposal)
        except IntegrityError:
            return None  # a concurrent request proposed it
        assert proposal.id is not None
        return self._post_proposal(session, proposal, first, stored)

    def _propose_again(
        self,
        session: Session,
        row: ChannelGuardrail,
        stored: FailureOccurrence,
        guardrail: Guardrail,
    ) -> str | None:
        """A dismissed class comes back after REPROPOSE_AFTER new occurrences; an enabled or
        pending one never twice."""
        if row.state != GuardrailState.DISMISSED or row.decided_at is None:
            return None
        since = as_utc(row.decided_at)
        fresh = [
            o
            for o in guardrails.occurrences(session, row.channel_id, row.class_id, since=since)
            if as_utc(o.at) >= since
            and o.id not in (row.first_occurrence_id, row.second_occurrence_id)
        ]
        if not propose_again(len(fresh)):
            return None
        assert fresh[0].id is not None and stored.id is not None
        row.state, row.guardrail = GuardrailState.PROPOSED, guardrail.value
        row.first_occurrence_id, row.second_occurrence_id = fresh[-2].id or 0, stored.id
        row.decided_by, row.decided_at = None, None
        row.proposals += 1
        row.proposed_at = self.clock.now()
        session.add(row)
        return self._post_proposal(session, row, fresh[-2], stored)

    def _post_proposal(
        self,
        session: Session,
        proposal: ChannelGuardrail,
        first: FailureOccurrence,
        second: FailureOccurrence,
    ) -> str:
        now = self.clock.now()
        message = views.proposal_message(self._entry(proposal, first, second))
        post = messages.new(
            _proposal(proposal),
            target=proposal.channel_id,
            text=message.text,
            blocks=message.blocks,
            due_at=now,
        )
        outbox.enqueue(session, post, now=now)
        return post.key

    def record(self, failure: Failure) -> list[str]:
        """`note` in a transaction of its own (failures seen outside any state change)."""
        with self.db.write() as session:
            key = self.note(session, failure)
        return [key] if key else []

    def plan(self) -> int:
        """Record act-by escalations that went out as missed act-bys."""
        now = self.clock.now()
        with self.db.read() as session:
            escalated = guardrails.escalated_handoffs(session, since=now - self.window)
        added = 0
        for handoff in escalated:
            assert handoff.id is not None
            with self.db.write() as session:
                added += bool(
                    self.note(
                        session,
                        Failure(
                            channel_id=handoff.channel_id,
                            class_id="missed_act_by",
                            ref=f"handoff:{handoff.id}:missed",
                            where=md(
                                "handoff to ",
                                mention(handoff.next_owner_id),
                                " not acknowledged by its act-by "
                                f"({as_utc(handoff.act_by):%Y-%m-%d %H:%M} UTC)",
                            ),
                            at=as_utc(handoff.act_by),
                            source_key=intents.key_of(intents.HandoffPost(handoff_id=handoff.id)),
                            people=tuple(
                                p
                                for p in (
                                    handoff.next_owner_id,
                                    handoff.author_id,
                                    handoff.backup_owner_id,
                                )
                                if p
                            ),
                            prevention=missed_act_by_prevention(
                                had_backup=bool(handoff.backup_owner_id)
                            ),
                        ),
                    )
                )
        return added

    # -- deciding ---------------------------------------------------------------------

    def _entry(
        self,
        row: ChannelGuardrail,
        first: FailureOccurrence | None,
        second: FailureOccurrence | None,
    ) -> views.GuardrailEntry:
        assert row.id is not None
        return views.GuardrailEntry(
            id=row.id,
            # A team's own class reads in the words they used; a built-in one by its label.
            class_label=next(
                (
                    o.words
                    for o in (second, first)
                    if o is not None and o.words and row.class_id.startswith(CUSTOM_PREFIX)
                ),
                label_of(row.class_id),
            ),
            guardrail=Guardrail(row.guardrail),
            state=GuardrailState(row.state),
            occurrences=tuple(
                views.OccurrenceLine(stored(o.where), o.link, as_utc(o.at))
                for o in (first, second)
                if o is not None
            ),
            decided_by=row.decided_by,
            decided_at=as_utc(row.decided_at) if row.decided_at else None,
        )

    def _entry_of(self, session: Session, row: ChannelGuardrail) -> views.GuardrailEntry:
        return self._entry(row, *guardrails.occurrence_pair(session, row))

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
                return Decided(Verdict.ALREADY, self._entry_of(session, row))
            involved = guardrails.involved(session, row)
            if not may_decide_guardrail(by, owners=owners, involved=involved, is_admin=is_admin):
                return Decided(
                    Verdict.NOT_ALLOWED,
                    self._entry_of(session, row),
                    people=tuple(sorted(involved)),
                )
            row.state = GuardrailState.ENABLED if enable else GuardrailState.DISMISSED
            row.decided_by, row.decided_at = by, now
            session.add(row)
            entry = self._entry_of(session, row)
            message = views.proposal_message(entry)
            update = messages.new(
                intents.GuardrailDecision(
                    channel_id=row.channel_id, class_id=row.class_id, proposals=row.proposals
                ),
                target=row.channel_id,
                op=OutboxOp.UPDATE,
                parent=_proposal(row),
                text=message.text,
                blocks=message.blocks,
                due_at=now,
            )
            key = update.key
            outbox.enqueue(session, update, now=now)
        self._enforced.pop(row.channel_id, None)  # committed: the next form sees it
        return Decided(Verdict.DONE, entry, (key,))

    def disable(self, guardrail_id: int, *, by: str, is_admin: bool) -> Decided:
        """Only a workspace admin or whoever enabled it may switch a guardrail off."""
        now = self.clock.now()
        with self.db.write() as session:
            row = guardrails.by_id(session, guardrail_id, lock=True)
            if row is None:
                return Decided(Verdict.UNKNOWN)
            if row.state != GuardrailState.ENABLED:
                return Decided(Verdict.ALREADY, self._entry_of(session, row))
            if not is_admin and by != row.decided_by:
                return Decided(Verdict.NOT_ALLOWED, self._entry_of(session, row))
            row.state = GuardrailState.DISABLED
            row.decided_by, row.decided_at = by, now
            session.add(row)
            decided = Decided(Verdict.DONE, self._entry_of(session, row))
        self._enforced.pop(row.channel_id, None)
        return decided

    # -- reading ----------------------------------------------------------------------

    def of_channel(self, channel_id: str) -> list[views.GuardrailEntry]:
        with self.db.read() as session:
            return [
                self._entry_of(session, row) for row in guardrails.of_channel(session, channel_id)
            ]

    def checklist(self, channel_id: str) -> list[str]:
        """What the handoff form asks to confirm: the words of each enabled checklist class."""
        return list(self._enforced_in(channel_id)[1])

    def enabled(self, channel_id: str) -> set[str]:
        return set(self._enforced_in(channel_id)[0])

    def forget_enforced(self) -> None:
        """Read guardrails afresh at the next form (as ENFORCED_FOR after another process
        changed them)."""
        self._enforced.clear()

    def _enforced_in(self, channel_id: str) -> tuple[frozenset[str], tuple[str, ...]]:
        """A channel's enabled guardrails and checklist words, read at most every ENFORCED_FOR."""
        kept = self._enforced.get(channel_id)
        if kept is not None and kept[0] > time.monotonic():
            return kept[1]
        with self.db.read() as session:
            found = (
                frozenset(guardrails.enabled(session, channel_id)),
                tuple(
                    words if words and class_id.startswith(CUSTOM_PREFIX) else label_of(class_id)
                    for class_id, words in guardrails.checklist(session, channel_id)
                ),
            )
        found = found if any(found) else NOTHING_ENFORCED  # most channels: one shared answer
        now = time.monotonic()
        if len(self._enforced) >= ENFORCED_CHANNELS:
            # Kept for seconds only: most of a full cache is stale.
            for stale in [key for key, (until, _) in self._enforced.items() if until <= now]:
                self._enforced.pop(stale, None)
            if len(self._enforced) >= ENFORCED_CHANNELS:
                self._enforced.clear()
        self._enforced[channel_id] = (now + ENFORCED_FOR, found)
        return found

    def automatic_metrics(self, channel_id: str) -> set[str]:
        with self.db.read() as session:
            return guardrails.automatic_metrics(
                session, channel_id, since=self.clock.now() - self.window
            )
