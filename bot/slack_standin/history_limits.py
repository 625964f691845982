"""Slack's limits on reading history for a commercially distributed app outside the
Marketplace (docs.slack.dev, conversations.history and conversations.replies: from
2025-05-29 for new installs, 2026-03-03 for existing ones): each method answers one request
a minute per workspace, and `limit` defaults to and is capped at 15 messages. Internal,
single-workspace apps keep Tier 3, so the stand-in applies these only when switched on."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

LIMITED_METHODS = ("conversations.history", "conversations.replies")
EVERY = 60.0  # seconds between two requests to one method in one workspace
MAX_PAGE = 15
DEFAULT_PAGE = 100  # Tier 3's default, when not limited
MAX_PAGE_UNLIMITED = 1000


class HistoryLimits:
    def __init__(self, clock: Callable[[], float], *, on: bool = False) -> None:
        self.clock = clock
        self.on = on
        self._last: dict[tuple[str, str], float] = {}

    def admit(self, method: str, team: str) -> float | None:
        """None when the call may go ahead (and is counted); else seconds to Retry-After."""
        if not self.on or method not in LIMITED_METHODS:
            return None
        now = self.clock()
        last = self._last.get((team, method))
        if last is not None and now - last < EVERY:
            return float(math.ceil(EVERY - (now - last)))
        self._last[(team, method)] = now
        return None

    def page_size(self, params: dict[str, Any]) -> int:
        """What a page holds: `limit` as asked, within what Slack allows."""
        raw = params.get("limit")
        if self.on:
            return max(1, min(int(raw or MAX_PAGE), MAX_PAGE))
        return max(1, min(int(raw or DEFAULT_PAGE), MAX_PAGE_UNLIMITED))


def in_window(ts: str, params: dict[str, Any]) -> bool:
    """Between `oldest` and `latest` (default: the beginning and now), each bound counted
    only with `inclusive`, as Slack reads them."""
    inclusive = str(params.get("inclusive", "")).lower() in ("1", "true")
    stamp = float(ts)
    oldest = params.get("oldest")
    latest = params.get("latest")
    if oldest not in (None, ""):
        low = float(str(oldest))
        if stamp < low or (stamp == low and not inclusive):
            return False
    if latest not in (None, ""):
        high = float(str(latest))
        if stamp > high or (stamp == high and not inclusive):
            return False
    return True
