"""Durations as settings give them: seconds (`4`, `0.5`) or ISO 8601 (`PT24H`, `P1D`).

Every duration setting is a delay or an interval, so a duration must be more than zero (a zero
sweep interval would spin, a zero lease would let every sweeper take over every message) and at
most `MAX_DURATION` (ten years: past that, adding it to "now" overflows a datetime). Years and
months have no fixed length, so ISO 8601 `Y` and `M` (before `T`) are refused: say `P30D`.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta
from typing import Annotated

from pydantic import BeforeValidator

EXPECTED = "expected seconds (e.g. 30 or 0.5) or an ISO 8601 duration (e.g. PT24H)"
MAX_DURATION = timedelta(days=3650)
_TOO_LONG = f"must be at most {MAX_DURATION.days} days (P{MAX_DURATION.days}D)"

_NUMBER = r"\d+(?:[.,]\d+)?"
_ISO = re.compile(
    rf"^P(?:(?P<years>{_NUMBER})Y)?(?:(?P<months>{_NUMBER})M)?(?:(?P<weeks>{_NUMBER})W)?"
    rf"(?:(?P<days>{_NUMBER})D)?"
    rf"(?:T(?:(?P<hours>{_NUMBER})H)?(?:(?P<minutes>{_NUMBER})M)?(?:(?P<seconds>{_NUMBER})S)?)?$"
)
_SECONDS = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


class OutOfRange(ValueError):
    """A well-formed duration that is not more than zero, or longer than `MAX_DURATION`."""


def _refuse(value: object, why: str = EXPECTED) -> ValueError:
    return ValueError(f"{why}, got {value!r}")


def _out_of_range(value: object, why: str) -> OutOfRange:
    return OutOfRange(f"{why}, got {value!r}")


def _from_seconds(number: float | str, value: object) -> timedelta:
    try:
        seconds = float(number)
    except OverflowError:  # an int too large for a float
        raise _out_of_range(value, _TOO_LONG) from None
    if math.isnan(seconds):
        raise _refuse(value)
    if math.isinf(seconds) and seconds < 0:
        raise _out_of_range(value, "must be more than zero")
    if seconds > MAX_DURATION.total_seconds():
        raise _out_of_range(value, _TOO_LONG)
    return timedelta(seconds=seconds)


def _from_iso(text: str, value: object) -> timedelta:
    match = _ISO.match(text.upper())
    if match is None or text.upper().endswith("T"):
        raise _refuse(value)
    parts = {k: float(v.replace(",", ".")) for k, v in match.groupdict().items() if v is not None}
    if not parts:
        raise _refuse(value)
    if "years" in parts or "months" in parts:
        raise _refuse(value, "years and months have no fixed length: use days (e.g. P30D)")
    seconds = (
        parts.get("weeks", 0) * 604_800
        + parts.get("days", 0) * 86_400
        + parts.get("hours", 0) * 3_600
        + parts.get("minutes", 0) * 60
        + parts.get("seconds", 0)
    )
    return _from_seconds(seconds, value)


def parse_duration(value: str | int | float | timedelta) -> timedelta:
    """A positive duration from a setting's value; ValueError with a one-line reason if not."""
    if isinstance(value, timedelta):
        result = value
        if result > MAX_DURATION:
            raise _out_of_range(value, _TOO_LONG)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        result = _from_seconds(value, value)
    elif isinstance(value, str):
        text = value.strip()
        if _SECONDS.match(text):
            result = _from_seconds(text, value)
        elif text[:1] in ("P", "p"):
            result = _from_iso(text, value)
        else:
            raise _refuse(value)
    else:
        raise _refuse(value)
    if result <= timedelta(0):
        raise _out_of_range(value, "must be more than zero")
    return result


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


def format_duration(td: timedelta) -> str:
    """A short human age: the two largest units (`26h`, `3d 2h`, `45m`, `30s`); `0s` if not
    positive. Under two days it counts hours, as people say "waiting 26h"."""
    seconds = int(td.total_seconds())
    if seconds <= 0:
        return "0s"
    parts = []
    units = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))
    for unit, size in units if seconds >= 2 * 86400 else units[1:]:
        amount, seconds = divmod(seconds, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return " ".join(parts[:2])
