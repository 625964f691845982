"""What a chart shows, decided before anything is drawn: which weeks (from the first with
data), which series (only those with a point), which rule thresholds and fired publishes, and
what the image must say in words (too little data for a trend). Pure: the tests read these
decisions, not pixels; `bot/reports/charts.py` draws them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MIN_WEEKS_FOR_TREND = 2
MAX_METRICS = 4
MAX_THRESHOLDS = 3  # per metric: more lines than this hide the data
MAX_LABEL = 48  # characters: a threshold's label stays inside a half-width panel
MAX_NAME = 24  # characters of a fired publish's name beside its ring
NO_KPIS = "No KPI readings in these weeks."
NO_HANDOFFS = "No handoff acknowledged or done in these weeks."
CYCLE_SERIES = (
    ("ack_p50", "acknowledge, median"),
    ("ack_p90", "acknowledge, p90"),
    ("done_p50", "done, median"),
    ("done_p90", "done, p90"),
)
Values = Sequence[float | None]


def one_week_note(week: str) -> str:
    return f"Only the week of {week} has data so far: a trend shows from the second week."


def first_with_data(columns: Sequence[Values]) -> int | None:
    """The first week (index) in which any series has a value; None when none has."""
    found = [n for values in columns for n, v in enumerate(values) if v is not None]
    return min(found) if found else None


@dataclass(frozen=True)
class Threshold:
    """A rule's condition on the panel's metric, drawn as a horizontal line."""

    metric: str
    op: str
    value: float
    action: str
    compound: bool = False  # the rule has more conditions than this one

    @property
    def label(self) -> str:
        """ "reach < 500 → change posting time", clipped to fit inside a panel."""
        more = " and …" if self.compound else ""
        said = f"{self.metric} {self.op} {self.value:g}{more} → {self.action}"
        return said if len(said) <= MAX_LABEL else said[: MAX_LABEL - 1] + "…"


@dataclass(frozen=True)
class FiredMark:
    """A publish whose rule on the panel's metric fired: its reading, on its week."""

    metric: str
    surface: str
    week: int  # index into the plan's weeks
    value: float
    publish: str
    action: str


@dataclass(frozen=True)
class Panel:
    metric: str
    series: dict[str, list[float | None]]  # surface -> one value per shown week
    thresholds: tuple[Threshold, ...]
    marks: tuple[FiredMark, ...]

    @property
    def legend(self) -> list[str]:
        """The surfaces with a point in the shown weeks."""
        return [s for s, values in self.series.items() if any(v is not None for v in values)]


@dataclass(frozen=True)
class KpiPlan:
    weeks: list[str]  # the shown weeks, from the first with data
    panels: list[Panel]
    note: str | None  # said in the image: under its title, or instead of a plot

    @property
    def legend(self) -> list[str]:
        """The surfaces the legend names: those with a point in some panel."""
        return list(dict.fromkeys(s for panel in self.panels for s in panel.legend))


@dataclass(frozen=True)
class CyclePlan:
    weeks: list[str]
    series: list[tuple[str, list[float | None]]]  # (legend label, values): only with points
    note: str | None


def _note(weeks: Sequence[str]) -> str | None:
    return one_week_note(weeks[0]) if len(weeks) < MIN_WEEKS_FOR_TREND else None


def kpi_plan(spec: Mapping[str, Any]) -> KpiPlan:
    weeks: list[str] = list(spec["weeks"])
    medians: Mapping[str, Mapping[str, Values]] = spec["medians"]
    fired = [_mark(m) for m in spec.get("fired", [])]
    columns = [values for by in medians.values() for values in by.values()]
    columns += [[None] * m.week + [m.value] for m in fired]
    start = first_with_data(columns)
    metrics = sorted({m for by in medians.values() for m in by})[:MAX_METRICS]
    if start is None or not metrics:
        return KpiPlan([], [], NO_KPIS)
    shown = weeks[start:]
    panels = []
    for metric in metrics:
        series = {
            surface: list(by[metric][start:])
            for surface, by in sorted(medians.items(), key=lambda item: item[0].lower())
            if metric in by and any(v is not None for v in by[metric][start:])
        }
        drawn = [_threshold(t) for t in spec.get("thresholds", []) if t["metric"] == metric]
        thresholds = tuple(dict.fromkeys(drawn))[:MAX_THRESHOLDS]
        marks = tuple(
            FiredMark(m.metric, m.surface, m.week - start, m.value, m.publish, m.action)
            for m in fired
            if m.metric == metric and m.week >= start
        )
        panels.append(Panel(metric, series, thresholds, marks))
    return KpiPlan(shown, panels, _note(shown))


def _threshold(raw: Mapping[str, Any]) -> Threshold:
    return Threshold(
        raw["metric"], raw["op"], float(raw["value"]), raw["action"], bool(raw.get("compound"))
    )


def _mark(raw: Mapping[str, Any]) -> FiredMark:
    return FiredMark(
        raw["metric"],
        raw["surface"],
        int(raw["week"]),
        float(raw["value"]),
        raw["publish"],
        raw["action"],
    )


def cycle_plan(spec: Mapping[str, Any]) -> CyclePlan:
    start = first_with_data([spec[key] for key, _ in CYCLE_SERIES])
    if start is None:
        return CyclePlan([], [], NO_HANDOFFS)
    weeks = list(spec["weeks"][start:])
    series = [
        (label, list(spec[key][start:]))
        for key, label in CYCLE_SERIES
        if any(v is not None for v in spec[key][start:])
    ]
    return CyclePlan(weeks, series, _note(weeks))
