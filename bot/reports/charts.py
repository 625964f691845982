"""Charts as PNG: KPI medians per surface by week, and time to acknowledge / to done by week.

Rendered from a JSON-able spec (what an outbox row stores), with matplotlib's Agg backend and
the fonts matplotlib ships: no display, no network. Charts repeat what the text says; the
text never depends on them.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import matplotlib

matplotlib.use("Agg")  # before anything draws: no display, ever

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.reports.cycle_time import WeekPoint

KPI_MEDIANS = "kpi_medians"
CYCLE_TIME = "cycle_time"
WIDTH_IN, HEIGHT_IN, DPI = 10, 6, 100  # 1000 × 600 pixels
SIZE = (WIDTH_IN * DPI, HEIGHT_IN * DPI)
MAX_METRICS = 4
Spec = dict[str, Any]


def _label(week: datetime) -> str:
    return f"{week:%m-%d}"


def kpi_spec(
    weeks: Sequence[datetime], medians: Mapping[str, Mapping[str, Sequence[float | None]]]
) -> Spec:
    """`medians[surface][metric]` has one value (or None) per week, oldest first."""
    return {
        "chart": KPI_MEDIANS,
        "weeks": [_label(w) for w in weeks],
        "medians": {s: {m: list(v) for m, v in by.items()} for s, by in medians.items()},
    }


def cycle_spec(points: Sequence[WeekPoint]) -> Spec:
    return {
        "chart": CYCLE_TIME,
        "weeks": [_label(p.week_start) for p in points],
        "ack_p50": [p.ack_p50 for p in points],
        "ack_p90": [p.ack_p90 for p in points],
        "done_p50": [p.done_p50 for p in points],
        "done_p90": [p.done_p90 for p in points],
    }


def _values(values: Sequence[float | None]) -> list[float]:
    return [math.nan if v is None else float(v) for v in values]


def _kpi_figure(figure: Figure, spec: Spec) -> None:
    metrics = sorted({m for by in spec["medians"].values() for m in by})[:MAX_METRICS]
    weeks = spec["weeks"]
    if not metrics:
        figure.text(0.5, 0.5, "No KPI readings in these weeks", ha="center", va="center")
        return
    columns = 1 if len(metrics) == 1 else 2
    rows = math.ceil(len(metrics) / columns)
    for n, metric in enumerate(metrics, start=1):
        axes = figure.add_subplot(rows, columns, n)
        for surface, by_metric in sorted(spec["medians"].items()):
            if metric in by_metric:
                axes.plot(weeks, _values(by_metric[metric]), marker="o", label=surface)
        axes.set_xlim(-0.5, len(weeks) - 0.5)  # every week, also those without readings
        axes.set_title(f"{metric}: median per publish, by week")
        axes.tick_params(axis="x", labelsize=8)
        axes.legend(fontsize=8)
    figure.suptitle("KPI medians per surface")


def _cycle_figure(figure: Figure, spec: Spec) -> None:
    axes = figure.add_subplot(1, 1, 1)
    weeks = spec["weeks"]
    for key, label, style in (
        ("ack_p50", "acknowledge p50", "-"),
        ("ack_p90", "acknowledge p90", "--"),
        ("done_p50", "done p50", "-"),
        ("done_p90", "done p90", "--"),
    ):
        axes.plot(weeks, _values(spec[key]), linestyle=style, marker="o", label=label)
    axes.set_xlim(-0.5, len(weeks) - 0.5)
    axes.set_ylabel("hours from the handoff")
    axes.set_title("Time to acknowledge and to done, by week")
    axes.legend()


def render(spec: Spec) -> bytes:
    """The spec as a PNG of SIZE pixels."""
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(figure)
    if spec["chart"] == KPI_MEDIANS:
        _kpi_figure(figure, spec)
    elif spec["chart"] == CYCLE_TIME:
        _cycle_figure(figure, spec)
    else:
        raise ValueError(f"unknown chart {spec['chart']!r}")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def describe(spec: Spec) -> str:
    """The chart in words (alt text): the same numbers, for screen readers."""
    weeks = spec["weeks"]

    def series(values: Sequence[float | None]) -> str:
        return ", ".join(
            f"{w} {'—' if v is None else f'{v:g}'}" for w, v in zip(weeks, values, strict=True)
        )

    if spec["chart"] == KPI_MEDIANS:
        lines = [
            f"{surface} {metric}: {series(values)}"
            for surface, by in sorted(spec["medians"].items())
            for metric, values in sorted(by.items())
        ]
        return ("KPI medians by week. " + "; ".join(lines))[:1000]
    lines = [f"{key.replace('_', ' ')} (h): {series(spec[key])}" for key in CYCLE_KEYS]
    return ("Time to acknowledge and to done by week. " + "; ".join(lines))[:1000]


CYCLE_KEYS = ("ack_p50", "ack_p90", "done_p50", "done_p90")
