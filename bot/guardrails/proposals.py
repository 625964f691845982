"""A proposal as people see it (an entry: its class, its two failures, its state) and posting
one, the first time or again after a dismissal."""

from __future__ import annotations

from sqlmodel import Session

from bot.clock import Clock
from bot.guardrails import messages as views
from bot.guardrails.failures import CUSTOM_PREFIX, label_of
from bot.guardrails.rules import Guardrail, propose_again, proposed_guardrail
from bot.kernel.mrkdwn import stored
from bot.outbox import intents, messages
from store import guardrails, outbox
from store.models import ChannelGuardrail, FailureOccurrence, GuardrailState
from store.types import as_utc


def proposal_intent(row: ChannelGuardrail) -> intents.GuardrailProposal:
    """Each proposal of a class is its own message (a class can be proposed again after a
    dismissal)."""
    return intents.GuardrailProposal(
        channel_id=row.channel_id, class_id=row.class_id, proposals=row.proposals
    )


def entry(
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


def entry_of(session: Session, row: ChannelGuardrail) -> views.GuardrailEntry:
    return entry(row, *guardrails.occurrence_pair(session, row))


def post_proposal(
    session: Session,
    clock: Clock,
    proposal: ChannelGuardrail,
    first: FailureOccurrence,
    second: FailureOccurrence,
) -> str:
    now = clock.now()
    message = views.proposal_message(entry(proposal, first, second))
    post = messages.new(
        proposal_intent(proposal),
        target=proposal.channel_id,
        text=message.text,
        blocks=message.blocks,
        due_at=now,
    )
    outbox.enqueue(session, post, now=now)
    return post.key


def propose_again_if_due(
    session: Session,
    clock: Clock,
    row: ChannelGuardrail,
    latest: FailureOccurrence,
) -> str | None:
    """A dismissed class comes back after REPROPOSE_AFTER new occurrences, with a guardrail
    that would have prevented one of the two it names; an enabled or pending one never
    twice."""
    if row.state != GuardrailState.DISMISSED or row.decided_at is None:
        return None
    since = as_utc(row.decided_at)
    fresh = [
        o
        for o in guardrails.occurrences(session, row.channel_id, row.class_id, since=since)
        if as_utc(o.at) >= since and o.id not in (row.first_occurrence_id, row.second_occurrence_id)
    ]
    if not propose_again(len(fresh)):
        return None
    guardrail = proposed_guardrail(row.class_id, [fresh[-2].prevention, latest.prevention])
    if guardrail is None:
        return None
    assert fresh[0].id is not None and latest.id is not None
    row.state, row.guardrail = GuardrailState.PROPOSED, guardrail.value
    row.first_occurrence_id, row.second_occurrence_id = fresh[-2].id or 0, latest.id
    row.decided_by, row.decided_at = None, None
    row.proposals += 1
    row.proposed_at = clock.now()
    session.add(row)
    return post_proposal(session, clock, row, fresh[-2], latest)
