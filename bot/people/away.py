"""Whether Slack says someone is away at a moment: a status that says so (its emoji or its
words, until it expires) or Do Not Disturb snoozed past that moment. Pure: no Slack, no SQL."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo


class Reason(StrEnum):
    """Why someone is away, as the sentence "@ben …" goes on."""

    OUT_OF_OFFICE = "is out of office"
    VACATION = "is on vacation"
    HOLIDAY = "is on holiday"
    SICK = "is off sick"
    LEAVE = "is on leave"
    TRAVELLING = "is travelling"
    DO_NOT_DISTURB = "has paused notifications"


# Words first (they say more than an emoji), most specific first; matched as whole words.
_WORDS: tuple[tuple[re.Pattern[str], Reason], ...] = tuple(
    (re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE), reason)
    for pattern, reason in (
        (r"ooo|ooto|out of (?:the )?office", Reason.OUT_OF_OFFICE),
        (r"off sick|sick(?: leave| day)?|ill", Reason.SICK),
        (r"vacation(?:ing)?|pto", Reason.VACATION),
        (r"holidays?|bank holiday", Reason.HOLIDAY),
        (r"on leave|(?:parental|annual|maternity|paternity) leave", Reason.LEAVE),
    )
)

_EMOJI: dict[str, Reason] = {
    "palm_tree": Reason.VACATION,
    "beach_with_umbrella": Reason.VACATION,
    "desert_island": Reason.VACATION,
    "airplane": Reason.TRAVELLING,
    "airplane_departure": Reason.TRAVELLING,
    "face_with_thermometer": Reason.SICK,
    "sick": Reason.SICK,
    "nauseated_face": Reason.SICK,
    "mask": Reason.SICK,
}


@dataclass(frozen=True, slots=True)
class Presence:
    """What Slack said of someone: their status (users.profile.get) and their snooze
    (dnd.info). Times are aware UTC; None: no expiry, or no snooze."""

    status_text: str = ""
    status_emoji: str = ""
    status_expires: datetime | None = None
    snoozed_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class Away:
    reason: Reason
    until: datetime | None  # None: Slack gave no end


def presence_from_slack(
    profile: Mapping[str, Any] | None, dnd: Mapping[str, Any] | None
) -> Presence:
    """A users.profile.get `profile` and a dnd.info answer, as Baton keeps them."""
    profile = profile or {}
    dnd = dnd or {}
    # dnd.info names snooze_* only for the token's own user, and snooze_endtime only when on.
    snoozed = _timestamp(dnd.get("snooze_endtime")) if dnd.get("snooze_enabled") else None
    return Presence(
        status_text=str(profile.get("status_text") or "").strip()[:100],
        status_emoji=str(profile.get("status_emoji") or "").strip()[:100],
        status_expires=_timestamp(profile.get("status_expiration")),
        snoozed_until=snoozed,
    )


def away_from(
    profile: Mapping[str, Any] | None, dnd: Mapping[str, Any] | None, at: datetime
) -> Away | None:
    """Away at `at`, by Slack's answers; None when nothing says so."""
    return away_at(presence_from_slack(profile, dnd), at)


def away_at(presence: Presence, at: datetime) -> Away | None:
    """Away at `at`: a status that says so and has not expired by then (a status without an
    expiry holds), else Do Not Disturb snoozed past it."""
    reason = status_reason(presence.status_text, presence.status_emoji)
    expires = presence.status_expires
    if reason is not None and (expires is None or expires > at):
        return Away(reason, expires)
    if presence.snoozed_until is not None and presence.snoozed_until > at:
        return Away(Reason.DO_NOT_DISTURB, presence.snoozed_until)
    return None


def status_reason(text: str, emoji: str) -> Reason | None:
    """What a status says of being away: its words, else its emoji (":palm_tree:")."""
    for pattern, reason in _WORDS:
        if pattern.search(text):
            return reason
    return _EMOJI.get(emoji.strip(":").split("::")[0].lower())


def describe(away: Away, zone: ZoneInfo, *, own: ZoneInfo | None = None) -> str:
    """What to say after their name, e.g. "is out of office until Mon 8 Dec": a day when the
    end falls at a day's turn in the person's `own` zone (Slack's "until the end of Sunday"
    is their Monday), else a day and a time in the reader's `zone`."""
    if away.until is None:
        return str(away.reason)
    for where in (own or zone, zone):
        local = away.until.astimezone(where)
        if (local.hour, local.minute) == (23, 59):
            local = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0)
        if (local.hour, local.minute) == (0, 0):
            return f"{away.reason} until {_day(local)}"
    local = away.until.astimezone(zone)
    return f"{away.reason} until {_day(local)} {local:%H:%M}"


def _day(moment: datetime) -> str:
    return f"{moment:%a} {moment.day} {moment:%b}"


def _timestamp(value: Any) -> datetime | None:
    """A Slack epoch-seconds field; 0 or absent means none."""
    try:
        seconds = int(value or 0)
    except (TypeError, ValueError):
        return None
    return datetime.fromtimestamp(seconds, UTC) if seconds > 0 else None
