"""The outbox: messages Baton owes Slack, claimed atomically by whichever sweeper gets there.

Writing rows (`writing`), waking sweepers when they are committed (`wakeup`), claiming due
rows (`claiming`), settling claimed ones (`marking`) and reading them (`queries`). Callers use
this package's names (`from store import outbox`; `outbox.enqueue(...)`).
"""

from store.outbox.claiming import claim_due
from store.outbox.marking import (
    Sent,
    cancel_pending_for_handoff,
    cancel_pending_keys,
    cancel_pending_of_kind,
    cancel_pending_with_prefix,
    check_later,
    keep_permalink,
    mark_all_sent,
    mark_cancelled,
    mark_failed,
    mark_sent,
    read_back,
    retry_later,
)
from store.outbox.queries import (
    by_keys,
    count_with_prefix,
    find,
    next_due,
    of_handoff,
    pending_dms_to,
)
from store.outbox.wakeup import NOTIFY_CHANNEL, on_committed, on_enqueued
from store.outbox.writing import NewMessage, enqueue, enqueue_many

__all__ = [
    "NOTIFY_CHANNEL",
    "NewMessage",
    "Sent",
    "by_keys",
    "cancel_pending_for_handoff",
    "cancel_pending_keys",
    "cancel_pending_of_kind",
    "cancel_pending_with_prefix",
    "check_later",
    "claim_due",
    "count_with_prefix",
    "enqueue",
    "enqueue_many",
    "find",
    "keep_permalink",
    "mark_all_sent",
    "mark_cancelled",
    "mark_failed",
    "mark_sent",
    "next_due",
    "of_handoff",
    "on_committed",
    "on_enqueued",
    "pending_dms_to",
    "read_back",
    "retry_later",
]
