"""Recording failures: the second of a class in a channel within the window owes the channel
a proposal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.clock import Clock
from bot.guardrails.failures import Occurrence, second_occurrence
from bot.guardrails.proposals import post_proposal, propose_again_if_due
from bot.guardrails.rules import Guardrail, prevention_value, proposed_guardrail
from bot.kernel.mrkdwn import Mrkdwn, clip
from bot.observability.metrics import Metrics
from store import guardrails, outbox
from store.db import Database
from store.models import ChannelGuardrail, FailureOccurrence
from store.types import as_utc


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
    # What would have prevented it, when Baton knows (empty: nothing would have).
    prevention: tuple[Guardrail, ...] | None = None
    words: str | None = None  # how people named it (`because …`), as typed
    owner_id: str | None = None  # who owned the failed thing when it failed
    act_by: datetime | None = None  # its act-by then (a missed act-by)


def _permalink(session: Session, key: str | None) -> str | None:
    """A link to a message Baton sent, built from its channel and ts (the format Slack's
    chat.getPermalink returns, without a workspace-specific host)."""
    if key is None:
        return None
    sent = outbox.find(session, key)
    if sent is None or not sent.sent_ts or not sent.sent_channel:
        return None
    return f"https://slack.com/archives/{sent.sent_channel}/p{sent.sent_ts.replace('.', '')}"


class FailureRecorder:
    def __init__(self, db: Database, clock: Clock, *, window: timedelta, metrics: Metrics) -> None:
        self.db = db
        self.clock = clock
        self.window = window
        self.metrics = metrics

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
                prevention=(
                    None if failure.prevention is None else prevention_value(failure.prevention)
                ),
                words=" ".join(failure.words.split()) if failure.words else None,
                owner_id=failure.owner_id,
                act_by=failure.act_by,
            ),
        )
        if stored is None:
            return None
        self.metrics.failure_recorded(failure.class_id)
        existing = guardrails.guardrail_for(session, failure.channel_id, failure.class_id)
        if existing is not None:
            return propose_again_if_due(session, self.clock, existing, stored)
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
        # Only a guardrail that would have prevented one of them, or none at all.
        guardrail = proposed_guardrail(stored.class_id, [first.prevention, stored.prevention])
        if guardrail is None:
            return None
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
        return post_proposal(session, self.clock, proposal, first, stored)

    def record(self, failure: Failure) -> list[str]:
        """`note` in a transaction of its own (failures seen outside any state change)."""
        with self.db.write() as session:
            key = self.note(session, failure)
        return [key] if key else []
