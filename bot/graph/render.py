"""A blocker's reminders as they are sent: from the graph as it is then. A reminder about an
item marked done meanwhile, or that nothing waits on any more, is not sent."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.graph import messages as views
from bot.graph.escalating import waits_on
from bot.graph.reading import chain_ids_up, ref_of
from bot.kernel.text import Message
from bot.outbox import intents
from bot.outbox.rendering import Renderers
from store import graph, outbox
from store.models import ItemState, WorkItem
from store.types import as_utc


def _blocking(session: Session, item_id: int) -> tuple[WorkItem, list[views.Wait], datetime] | None:
    """The item, what waits on it and since when; None when it blocks nothing now."""
    item = session.get(WorkItem, item_id)
    if item is None or item.state != ItemState.OPEN:
        return None
    edges = [graph.edge(session, chain[-2], chain[-1]) for chain in chain_ids_up(session, item_id)]
    starts = [as_utc(edge.created_at) for edge in edges if edge is not None]
    waits = waits_on(session, item_id)
    if not starts or not waits:
        return None
    return item, waits, min(starts)


def blocker_dm(session: Session, p: intents.BlockerDm, now: datetime) -> Message | None:
    found = _blocking(session, p.item_id)
    if found is None:
        return None
    item, waits, since = found
    return views.blocker_dm(ref_of(item), waits, since=since, now=now, channel_id=item.channel_id)


def last_word(session: Session, p: intents.BlockerLastWord, now: datetime) -> Message | None:
    found = _blocking(session, p.item_id)
    if found is None:
        return None
    item, waits, since = found
    days = outbox.count_with_prefix(
        session, intents.blocker_prefix(p.item_id), excluding=intents.key_of(p)
    )
    return views.blocker_last_word(ref_of(item), waits, days=days, since=since, now=now)


def register(renderers: Renderers) -> None:
    renderers.register(intents.BlockerDm, blocker_dm)
    renderers.register(intents.BlockerLastWord, last_word)
