"""Say what is true at delivery, not what was true when the row was written."""

from __future__ import annotations

from bot.clock import Clock
from bot.handoffs.lifecycle import is_live
from bot.outbox.rendering import Renderers
from store.db import Database
from store.models import Handoff, OutboxMessage


class Freshness:
    def __init__(self, db: Database, clock: Clock, renderers: Renderers) -> None:
        self.db = db
        self.clock = clock
        # Kinds whose text is built when they are sent; the others are sent as written.
        self.renderers = renderers

    def cancel_reason(self, row: OutboxMessage) -> str | None:
        """Why the row is no longer to be sent, or None when it goes (with its text and
        blocks rendered now, for a kind with a renderer)."""
        if row.needs_unacknowledged and not self._still_live(row.handoff_id):
            return "not live"
        if not self._say_what_is_true_now(row):
            return "nothing to say any more"
        return None

    def _say_what_is_true_now(self, row: OutboxMessage) -> bool:
        """A row of a kind with a renderer gets its text and blocks from the state now; False
        when there is nothing true to say any more. A row of another kind keeps the text it
        was written with (sent as written)."""
        if not self.renderers.renders(row.kind):
            return True
        with self.db.read() as session:
            message = self.renderers.render(session, row.kind, row.payload, self.clock.now())
        if message is None:
            return False
        row.text, row.blocks = message.text, list(message.blocks)
        return True

    def _still_live(self, handoff_id: int | None) -> bool:
        """A reminder goes only while its handoff still waits on someone."""
        if handoff_id is None:
            return True
        with self.db.read() as session:
            handoff = session.get(Handoff, handoff_id)
            return handoff is not None and is_live(handoff.state)
