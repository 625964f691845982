"""The decision reminders as they are sent: from the publish as it is then. A reminder for a
publish decided meanwhile, or a "no KPIs yet" DM once they were logged, says nothing true any
more and is not sent."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.decisions import messages as views
from bot.decisions.service import evaluated
from bot.kernel.text import Message
from bot.outbox import intents
from bot.outbox.rendering import Renderers
from bot.publishing.cards import card_of
from store.models import Publish
from store.types import as_utc


def _undecided(session: Session, publish_id: int) -> Publish | None:
    publish = session.get(Publish, publish_id)
    return publish if publish is not None and not publish.decision else None


def reminder(session: Session, p: intents.DecisionReminder, now: datetime) -> Message | None:
    publish = _undecided(session, p.publish_id)
    if publish is None or publish.prompted_at is None:
        return None
    since = as_utc(publish.prompted_at)
    return views.decision_reminder_dm(card_of(publish), to_backup=p.to_backup, since=since)


def missing_kpis(session: Session, p: intents.MissingKpis, now: datetime) -> Message | None:
    publish = _undecided(session, p.publish_id)
    if publish is None:
        return None
    card, results, _ = evaluated(session, publish, now)
    missing = sorted({metric for result in results for metric in result.missing})
    return views.missing_kpis_dm(card, missing) if missing else None


def register(renderers: Renderers) -> None:
    renderers.register(intents.DecisionReminder, reminder)
    renderers.register(intents.MissingKpis, missing_kpis)
