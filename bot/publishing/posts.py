"""The publish's post in the channel: rendered from what is stored (approvals, readiness, the
cycle it follows), and edited in place when that changes."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from bot.kernel.text import Message
from bot.outbox import intents, messages
from bot.publishing import messages as views
from bot.publishing.cards import card_of, decision_of
from bot.publishing.readiness import PartState, PublishFacts, readiness
from store import approvals, guardrails, outbox, publishes
from store.models import OutboxOp, Publish
from store.types import as_utc


def parts_of(
    session: Session, publish: Publish, *, now: datetime, kpi_lookback: timedelta
) -> tuple[PartState, ...]:
    assert publish.id is not None
    draft = guardrails.latest_draft(session, publish.channel_id, publish.name)
    draft_age = (
        now - as_utc(draft.created_at)
        if draft is not None and draft.surface == publish.surface
        else None
    )
    card = card_of(publish)
    return readiness(
        PublishFacts(
            name=publish.name,
            surface=publish.surface,
            link=publish.link,
            owner_id=publish.owner_id,
            draft_age=draft_age,
            approvals=approvals.of_publish(session, publish.id),
            tracking_labels=publish.tracking_labels,
            rule_metrics={c.metric for rule in card.rules for c in rule.conditions},
            automatic_metrics=guardrails.automatic_metrics(
                session, publish.channel_id, since=now - kpi_lookback
            ),
            logged_metrics=publishes.metrics_logged_by_hand(
                session, publish.channel_id, since=now - kpi_lookback
            ),
            rules=len(card.rules),
        )
    )


def previous_cycle(session: Session, publish: Publish) -> views.PreviousCycle | None:
    if publish.follows_id is None:
        return None
    earlier = session.get(Publish, publish.follows_id)
    if earlier is None or earlier.id is None:
        return None
    start = as_utc(earlier.window_start)
    kpis = publishes.latest_readings(session, earlier.id, since=start)
    return views.PreviousCycle(
        name=earlier.name,
        decision=decision_of(earlier),
        kpis={metric: value for metric, (value, _) in kpis.items()},
    )


def post_message(
    session: Session, publish: Publish, *, now: datetime, kpi_lookback: timedelta
) -> Message:
    assert publish.id is not None
    return views.record_post(
        card_of(publish),
        approvals=approvals.of_publish(session, publish.id),
        parts=parts_of(session, publish, now=now, kpi_lookback=kpi_lookback),
        previous=previous_cycle(session, publish),
    )


def enqueue_post_update(
    session: Session, publish: Publish, *, now: datetime, kpi_lookback: timedelta
) -> str:
    """Edit the channel post to show the publish as it is now; each edit has its own key."""
    assert publish.id is not None
    publish.post_revision += 1
    session.add(publish)
    message = post_message(session, publish, now=now, kpi_lookback=kpi_lookback)
    update = messages.new(
        intents.PublishPostUpdate(publish_id=publish.id, revision=publish.post_revision),
        target=publish.channel_id,
        op=OutboxOp.UPDATE,
        parent=intents.PublishPost(publish_id=publish.id),
        text=message.text,
        blocks=message.blocks,
        due_at=now,
    )
    outbox.enqueue(session, update, now=now)
    return update.key
