"""Durations as settings give them: seconds (`4`, `0.5`) or ISO 8601 (`PT24H`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from pydantic import BeforeValidator, TypeAdapter

_ISO = TypeAdapter(timedelta)
EXPECTED = "expected seconds (e.g. 30 or 0.5) or an ISO 8601 duration (e.g. PT24H)"


def parse_duration(value: str | int | float | timedelta) -> timedelta:
    if isinstance(value, timedelta):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        result = timedelta(seconds=value)
    else:
        text = str(value).strip()
        try:
            result = timedelta(seconds=float(text))
        except ValueError:
            if not text.upper().startswith("P"):
                raise ValueError(f"{EXPECTED}, got {value!r}") from None
            try:
                result = _ISO.validate_python(text.upper())
            except ValueError:
                raise ValueError(f"{EXPECTED}, got {value!r}") from None
    if result < timedelta(0):
        raise ValueError(f"{EXPECTED}, not negative, got {value!r}")
    return result


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


def format_duration(td: timedelta) -> str:
    seconds = int(td.total_seconds())
    if seconds <= 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        amount, seconds = divmod(seconds, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return " ".join(parts[:2])
