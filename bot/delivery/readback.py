"""What this process has lately read of Slack's history while checking for earlier sends:
the outbox keys it saw and the spans it read to the end. After a crash the rows of one
conversation were usually claimed together, so one page answers for all of them, and a
scarce history call is not spent again on what was just read."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.ids import MetadataEvent

KEYS_KEPT = 10_000
SPANS_KEPT = 4  # per conversation


@dataclass(frozen=True)
class Span:
    oldest: datetime
    latest: datetime
    read_at: datetime  # nothing of an attempt over by then can land in the span after it


Conversation = tuple[str, str]  # channel, thread ts ("" for the channel itself)


class ReadBack:
    def __init__(self) -> None:
        self._keys: OrderedDict[str, tuple[str, str]] = OrderedDict()
        self._spans: dict[Conversation, list[Span]] = {}
        self._lock = threading.Lock()

    def note(self, channel: str, messages: list[dict[str, Any]]) -> None:
        """Remember where each of Baton's messages on a page is."""
        with self._lock:
            for message in messages:
                metadata: dict[str, Any] = message.get("metadata") or {}
                key = (metadata.get("event_payload") or {}).get("key")
                if metadata.get("event_type") == MetadataEvent.OUTBOX and key:
                    self._keys[str(key)] = (channel, str(message["ts"]))
                    self._keys.move_to_end(str(key))
            while len(self._keys) > KEYS_KEPT:
                self._keys.popitem(last=False)

    def found(self, key: str) -> tuple[str, str] | None:
        with self._lock:
            return self._keys.get(key)

    def cover(self, conversation: Conversation, span: Span, *, read_at: datetime) -> None:
        """Every message from span.oldest to span.latest was on the pages read by `read_at`."""
        with self._lock:
            spans = self._spans.setdefault(conversation, [])
            spans.append(Span(span.oldest, span.latest, read_at))
            del spans[:-SPANS_KEPT]

    def covers(self, conversation: Conversation, window: Span) -> bool:
        """Was all of `window` read after the attempts it holds were over (window.read_at,
        this attempt's claim)? Then a key not seen is a message never posted."""
        with self._lock:
            return any(
                span.oldest <= window.oldest
                and window.latest <= span.latest
                and span.read_at >= window.read_at
                for span in self._spans.get(conversation, [])
            )


def unread_rest(window: Span, messages: list[dict[str, Any]], thread_ts: str | None) -> Span:
    """What a full page left unread: history comes newest first, so the older part; a
    thread comes oldest first (after its parent), so the newer part."""
    stamps = [float(m["ts"]) for m in messages if m.get("ts") != thread_ts]
    if not stamps:
        return window
    if thread_ts:
        return Span(_when(max(stamps)), window.latest, read_at=window.read_at)
    return Span(window.oldest, _when(min(stamps)), read_at=window.read_at)


def _when(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)
