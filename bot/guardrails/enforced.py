"""What a channel's forms enforce, read on the ack path of every form: kept briefly (another
process's Enable shows within ENFORCED_FOR), forgotten at once on a change made here."""

from __future__ import annotations

import time
from datetime import timedelta

from bot.clock import Clock
from bot.guardrails.failures import CUSTOM_PREFIX, label_of
from store import guardrails
from store.db import Database

ENFORCED_FOR = 2.0  # seconds a channel's enabled guardrails are kept in memory
ENFORCED_CHANNELS = 1_000  # channels kept at most (only those asked about in ENFORCED_FOR)
NOTHING_ENFORCED: tuple[frozenset[str], tuple[str, ...]] = (frozenset(), ())


class EnforcedGuardrails:
    def __init__(self, db: Database, clock: Clock, *, window: timedelta) -> None:
        self.db = db
        self.clock = clock
        self.window = window
        self._enforced: dict[str, tuple[float, tuple[frozenset[str], tuple[str, ...]]]] = {}

    def checklist(self, channel_id: str) -> list[str]:
        """What the handoff form asks to confirm: the words of each enabled checklist class."""
        return list(self._enforced_in(channel_id)[1])

    def enabled(self, channel_id: str) -> set[str]:
        return set(self._enforced_in(channel_id)[0])

    def forget(self, channel_id: str) -> None:
        """A change committed here: the channel's next form reads it."""
        self._enforced.pop(channel_id, None)

    def forget_enforced(self) -> None:
        """Read guardrails afresh at the next form (as ENFORCED_FOR after another process
        changed them)."""
        self._enforced.clear()

    def _enforced_in(self, channel_id: str) -> tuple[frozenset[str], tuple[str, ...]]:
        """A channel's enabled guardrails and checklist words, read at most every ENFORCED_FOR."""
        kept = self._enforced.get(channel_id)
        if kept is not None and kept[0] > time.monotonic():
            return kept[1]
        with self.db.read() as session:
            found = (
                frozenset(guardrails.enabled(session, channel_id)),
                tuple(
                    words if words and class_id.startswith(CUSTOM_PREFIX) else label_of(class_id)
                    for class_id, words in guardrails.checklist(session, channel_id)
                ),
            )
        found = found if any(found) else NOTHING_ENFORCED  # most channels: one shared answer
        now = time.monotonic()
        if len(self._enforced) >= ENFORCED_CHANNELS:
            # Kept for seconds only: most of a full cache is stale.
            for stale in [key for key, (until, _) in self._enforced.items() if until <= now]:
                self._enforced.pop(stale, None)
            if len(self._enforced) >= ENFORCED_CHANNELS:
                self._enforced.clear()
        self._enforced[channel_id] = (now + ENFORCED_FOR, found)
        return found

    def automatic_metrics(self, channel_id: str) -> set[str]:
        with self.db.read() as session:
            return guardrails.automatic_metrics(
                session, channel_id, since=self.clock.now() - self.window
            )
