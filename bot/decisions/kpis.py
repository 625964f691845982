"""The KPI schema: which metrics exist, their unit and range, and the /kpi command's grammar.

A reading without a timestamp is not a reading: every one carries `observed_at`, given or
taken as the time it was logged.
"""

from __future__ import annotations

import math
import shlex
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

FUTURE_TOLERANCE = timedelta(minutes=5)  # clocks drift; a minute ahead is not "the future"
MAX_READINGS = 20
# Readings are of this century; anything else is a typo (and near year 1 or 9999 the
# arithmetic on instants overflows).
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


class Unit(StrEnum):
    COUNT = "count"
    RATE = "rate"


@dataclass(frozen=True)
class Metric:
    name: str
    unit: Unit
    minimum: float
    maximum: float | None
    description: str


METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric("reach", Unit.COUNT, 0, None, "distinct people who saw it"),
        Metric("impressions", Unit.COUNT, 0, None, "times it was shown"),
        Metric("clicks", Unit.COUNT, 0, None, "clicks on its link"),
        Metric("engagement_rate", Unit.RATE, 0, 1, "engagements per impression, 0–1"),
        Metric("click_through_rate", Unit.RATE, 0, 1, "clicks per impression, 0–1"),
        Metric("conversions", Unit.COUNT, 0, None, "sign-ups or sales it led to"),
    )
}

KPI_USAGE = (
    "Usage: `/kpi <publish> <metric>=<value> ... [at=<ISO 8601 time>]`, e.g. "
    '`/kpi "spring launch" reach=1200 engagement_rate=0.015 at=2026-11-24T09:00Z`. '
    "Metrics: " + ", ".join(METRICS) + "."
)


def _range(metric: Metric) -> str:
    if metric.maximum is None:
        return f"a number ≥ {metric.minimum:g}"
    return f"a number from {metric.minimum:g} to {metric.maximum:g}"


def check_value(metric_name: str, value: float | str) -> float | str:
    """The value as a float, or a message saying what is wrong with it."""
    metric = METRICS.get(metric_name)
    if metric is None:
        return f"Unknown metric “{metric_name}”: use one of {', '.join(METRICS)}."
    try:
        number = float(value)
    except (TypeError, ValueError):
        return f"{metric_name} must be {_range(metric)}, not “{value}”."
    if not math.isfinite(number):
        return f"{metric_name} must be {_range(metric)}, not “{value}”."
    if number < metric.minimum or (metric.maximum is not None and number > metric.maximum):
        hint = " (a rate: 1.5% is 0.015)" if metric.unit is Unit.RATE else ""
        return f"{metric_name} must be {_range(metric)}{hint}; got {number:g}."
    return number


def check_observed_at(value: str | None, *, now: datetime) -> datetime | str | None:
    """An aware datetime, None when absent, or a message. Naive times are read as UTC."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return f"“{value}” is not an ISO 8601 time; write e.g. 2026-11-24T09:00Z."
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        in_range = EARLIEST <= parsed < LATEST
    except OverflowError:  # 0001-01-01T00:00+05:00 is before the first instant Python has
        in_range = False
    if not in_range:
        return f"{value} is not between 2000 and 2100: give the time the reading was observed."
    if parsed > now + FUTURE_TOLERANCE:
        return f"{value} is in the future: give the time the reading was observed."
    return parsed


@dataclass(frozen=True)
class KpiCommand:
    publish: str
    values: tuple[tuple[str, float], ...]
    observed_at: datetime | None


@dataclass(frozen=True)
class KpiRefusal:
    problems: tuple[str, ...]


def parse_kpi_command(text: str, *, now: datetime) -> KpiCommand | KpiRefusal:
    """`<publish> <metric>=<value> ... [at=<time>]`; the publish may be quoted or several
    words, everything before the first `metric=value`."""
    try:
        tokens = shlex.split(text.replace("“", '"').replace("”", '"'))
    except ValueError:
        return KpiRefusal(("Close the quote around the publish name.",))
    name_words: list[str] = []
    pairs: list[tuple[str, str]] = []
    problems: list[str] = []
    for token in tokens:
        if "=" in token:
            key, _, raw = token.partition("=")
            pairs.append((key.strip().lower(), raw.strip()))
        elif pairs:
            problems.append(f"“{token}” is not `metric=value`.")
        else:
            name_words.append(token)
    publish = " ".join(name_words).strip()
    if not publish:
        problems.insert(0, "Name the publish first.")
    observed_at: datetime | None = None
    values: list[tuple[str, float]] = []
    seen: set[str] = set()
    for key, raw in pairs:
        if key == "at":
            checked = check_observed_at(raw, now=now)
            if isinstance(checked, str):
                problems.append(f"at={raw}: {checked}")
            else:
                observed_at = checked
            continue
        if key in seen:
            problems.append(f"{key} is given twice.")
            continue
        seen.add(key)
        value = check_value(key, raw)
        if isinstance(value, str):
            problems.append(value)
        else:
            values.append((key, value))
    if not pairs or (not values and not problems):
        problems.append("Give at least one reading, e.g. reach=1200.")
    if len(values) > MAX_READINGS:
        problems.append(f"At most {MAX_READINGS} readings at a time.")
    if problems:
        return KpiRefusal(tuple(problems))
    return KpiCommand(publish, tuple(values), observed_at)
