"""The message a row threads under or edits: where in Slack the row goes."""

from __future__ import annotations

from bot.delivery.marks import SentMarks
from store import outbox
from store.db import Database
from store.models import OutboxMessage, OutboxOp, OutboxStatus


class ParentNotReady(Exception):
    """The message this one threads under or edits has not reached Slack yet."""


class ParentLost(Exception):
    """The message this one threads under or edits will never reach Slack."""


def find_parent(db: Database, marks: SentMarks, row: OutboxMessage) -> tuple[str, str] | None:
    """The channel and ts of the message this row threads under or edits."""
    if row.parent_key is None:
        if row.op == OutboxOp.UPDATE:
            raise ParentLost("an update needs the message it edits")
        return None
    just_sent = marks.get(row.parent_key)
    if just_sent is not None and just_sent.channel and just_sent.ts:
        return just_sent.channel, just_sent.ts
    with db.read() as session:
        parent = outbox.find(session, row.parent_key)
    if parent is None or parent.status in (OutboxStatus.FAILED, OutboxStatus.CANCELLED):
        raise ParentLost(f"the message it belongs to ({row.parent_key}) was never delivered")
    if parent.status != OutboxStatus.SENT or not parent.sent_channel or not parent.sent_ts:
        raise ParentNotReady
    return parent.sent_channel, parent.sent_ts
