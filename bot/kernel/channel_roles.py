"""Roles per channel (/baton settings): the channel's owners, the strategy channel that gets
its weekly digest, and how long after a window opens its decision prompt comes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.kernel.durations import OutOfRange, parse_duration

MAX_OWNERS = 20
MIN_DELAY = timedelta(minutes=10)
MAX_DELAY = timedelta(days=30)
_SHORT = re.compile(
    r"^([0-9]+(?:\.[0-9]+)?)\s*(m|min|mins|minutes?|h|hours?|d|days?)$", re.IGNORECASE
)
OUT_OF_RANGE = "Pick a delay from 10m to 30d."
_UNIT = {"m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class ChannelRoles:
    owners: tuple[str, ...]
    strategy_channel: str | None  # None: BATON_STRATEGY_CHANNEL
    decision_delay: timedelta | None  # None: BATON_DECISION_DELAY


NO_ROLES = ChannelRoles((), None, None)


def may_change(person: str, current: ChannelRoles, *, is_admin: bool) -> bool:
    """Anyone may set a channel up; once it has owners, only they (or a workspace admin)."""
    return is_admin or not current.owners or person in current.owners


def parse_delay(text: str | None) -> timedelta | str | None:
    """`24h`, `2d`, `90m`, seconds or ISO 8601; None when empty; a message when wrong."""
    words = (text or "").strip()
    if not words:
        return None
    match = _SHORT.match(words)
    try:
        if match:
            # Compared as seconds before a timedelta is made: timedelta refuses a billion days.
            seconds = float(match.group(1)) * _UNIT[match.group(2)[0].lower()]
            if not MIN_DELAY.total_seconds() <= seconds <= MAX_DELAY.total_seconds():
                return OUT_OF_RANGE
            delay = timedelta(seconds=seconds)
        else:
            delay = parse_duration(words)
    except OutOfRange:
        return OUT_OF_RANGE
    except ValueError:
        return "Write the delay as e.g. 24h, 2d or 90m."
    if not MIN_DELAY <= delay <= MAX_DELAY:
        return OUT_OF_RANGE
    return delay


def check_owners(owners: Sequence[str]) -> tuple[str, ...] | str:
    unique = tuple(dict.fromkeys(owners))
    if len(unique) > MAX_OWNERS:
        return f"At most {MAX_OWNERS} channel owners."
    return unique
