"""Rows this process posted and has not yet written as sent.

Remembered at once (a reply needs the ts of the message it threads under, a link the
message it links to), written in one transaction at the next flush."""

from __future__ import annotations

import logging
import threading

from bot.clock import Clock
from store import outbox
from store.db import Database
from store.models import OutboxMessage

log = logging.getLogger("baton.delivery")


class SentMarks:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._marks: dict[str, outbox.Sent] = {}  # posted, not yet written as sent
        # Notified when a row is posted, so whatever comes after it goes at once.
        self._guard = threading.Condition()

    def add(self, row: OutboxMessage, channel: str | None, ts: str | None) -> None:
        assert row.id is not None
        with self._guard:
            self._marks[row.idempotency_key] = outbox.Sent(row.id, channel, ts, row.idempotency_key)
            self._guard.notify_all()

    def get(self, key: str) -> outbox.Sent | None:
        with self._guard:
            return self._marks.get(key)

    def wait_for(self, key: str, *, timeout: float) -> outbox.Sent | None:
        """`key` once this process has posted it, waiting up to `timeout` seconds."""
        with self._guard:
            return self._guard.wait_for(lambda: self._marks.get(key), timeout=timeout)

    def flush(self) -> None:
        """Write the rows posted since the last flush as sent, in one transaction."""
        with self._guard:
            pending = list(self._marks.values())
        if not pending:
            return
        try:
            outbox.mark_all_sent(self.db, pending, now=self.clock.now())
        except Exception:
            # Kept for the next flush; were this process to die, the lease brings the rows
            # back and the key in Slack's message metadata stops a second post.
            log.exception("marking %d rows sent failed; retrying at the next flush", len(pending))
            return
        with self._guard:
            for sent in pending:
                if self._marks.get(sent.key) is sent:
                    del self._marks[sent.key]

    def clear(self) -> None:
        """Forget what is not yet written: what a crash loses (for tests)."""
        with self._guard:
            self._marks.clear()
