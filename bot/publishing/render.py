"""The approval chase as it is sent: only approvers who still have not approved are chased,
and the owner's line names whoever is still missing then (nobody: it is not sent)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.kernel.text import Message
from bot.outbox import intents
from bot.outbox.rendering import Renderers
from bot.publishing import messages as views
from bot.publishing.approval_rules import still_missing
from bot.publishing.cards import card_of
from store import approvals
from store.models import Publish


def _missing(session: Session, publish_id: int) -> tuple[Publish, tuple[str, ...]] | None:
    publish = session.get(Publish, publish_id)
    if publish is None or publish.decision:
        return None
    return publish, still_missing(approvals.of_publish(session, publish_id))


def chase(session: Session, p: intents.ApprovalChase, now: datetime) -> Message | None:
    found = _missing(session, p.publish_id)
    if found is None or p.approver not in found[1]:
        return None
    return views.approval_chase_dm(card_of(found[0]))


def chase_owner(session: Session, p: intents.ApprovalChaseOwner, now: datetime) -> Message | None:
    found = _missing(session, p.publish_id)
    if found is None or not found[1]:
        return None
    return views.approval_chase_owner_dm(card_of(found[0]), found[1])


def register(renderers: Renderers) -> None:
    renderers.register(intents.ApprovalChase, chase)
    renderers.register(intents.ApprovalChaseOwner, chase_owner)
