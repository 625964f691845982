"""Charts as PNG: KPI medians per surface by week, against each rule's threshold, and time to
acknowledge / to done by week.

Rendered from a JSON-able spec (what an outbox row stores), with matplotlib's Agg backend and
the fonts matplotlib ships: no display, no network. What a chart shows is decided in
`bot.reports.chart_plan` (pure); this module builds specs and draws plans. Charts repeat what
the text says; the text never depends on them.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import matplotlib

matplotlib.use("Agg")  # before anything draws: no display, ever

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import blended_transform_factory

from bot.decisions.kpis import METRICS
from bot.reports.chart_plan import (
    CYCLE_SERIES,
    MAX_NAME,
    MIN_WEEKS_FOR_TREND,
    NO_HANDOFFS,
    NO_KPIS,
    CyclePlan,
    KpiPlan,
    Panel,
    cycle_plan,
    kpi_plan,
)
from bot.reports.cycle_time import WeekPoint
from bot.reports.digest import PublishOutcome, medians_of

KPI_MEDIANS = "kpi_medians"
CYCLE_TIME = "cycle_time"
WIDTH_IN, HEIGHT_IN, DPI = 10, 6, 100  # 1000 × 600 pixels
SIZE = (WIDTH_IN * DPI, HEIGHT_IN * DPI)
WEEK_AXIS = "week starting (month-day, UTC)"
FIRED = "tab:red"
Spec = dict[str, Any]


def _label(week: datetime) -> str:
    return f"{week:%m-%d}"


def kpi_spec(
    weeks: Sequence[datetime],
    medians: Mapping[str, Mapping[str, Sequence[float | None]]],
    *,
    thresholds: Sequence[Mapping[str, Any]] = (),
    fired: Sequence[Mapping[str, Any]] = (),
) -> Spec:
    """`medians[surface][metric]` has one value (or None) per week, oldest first;
    `thresholds` and `fired` as `kpi_spec_of` makes them."""
    return {
        "chart": KPI_MEDIANS,
        "weeks": [_label(w) for w in weeks],
        "medians": {s: {m: list(v) for m, v in by.items()} for s, by in medians.items()},
        "thresholds": [dict(t) for t in thresholds],
        "fired": [dict(f) for f in fired],
    }


def kpi_spec_of(weeks: Sequence[datetime], outcomes: Sequence[Sequence[PublishOutcome]]) -> Spec:
    """The KPI chart of the publishes starting in each week (`outcomes[n]` for `weeks[n]`):
    medians per surface, each rule's conditions as thresholds (the latest tables first) and
    each publish whose rule fired, at its reading."""
    medians: dict[str, dict[str, list[float | None]]] = {}
    for n, week in enumerate(outcomes):
        surfaces = sorted({o.surface for o in week})
        for surface in surfaces:
            for metric, value in medians_of([o for o in week if o.surface == surface]).items():
                medians.setdefault(surface, {}).setdefault(metric, [None] * len(weeks))[n] = value
    thresholds: dict[tuple[str, str, float, str], bool] = {}
    fired = []
    for n, week in reversed(list(enumerate(outcomes))):
        for outcome in week:
            for rule in outcome.rules:
                for condition in rule.conditions:
                    key = (condition.metric, condition.op.value, condition.threshold, rule.action)
                    thresholds.setdefault(key, len(rule.conditions) > 1)
                    if rule.triggered and condition.metric in outcome.latest:
                        fired.append(
                            {
                                "metric": condition.metric,
                                "surface": outcome.surface,
                                "week": n,
                                "value": outcome.latest[condition.metric],
                                "publish": outcome.name,
                                "action": rule.action,
                            }
                        )
    return kpi_spec(
        weeks,
        medians,
        thresholds=[
            {"metric": m, "op": op, "value": v, "action": a, "compound": compound}
            for (m, op, v, a), compound in thresholds.items()
        ],
        fired=sorted(fired, key=lambda f: (f["week"], f["publish"], f["metric"])),
    )


def cycle_spec(points: Sequence[WeekPoint]) -> Spec:
    return {
        "chart": CYCLE_TIME,
        "weeks": [_label(p.week_start) for p in points],
        "ack_p50": [p.ack_p50 for p in points],
        "ack_p90": [p.ack_p90 for p in points],
        "done_p50": [p.done_p50 for p in points],
        "done_p90": [p.done_p90 for p in points],
    }


def span(spec: Spec) -> str:
    """The weeks a chart shows, for its title: from its first week with data, and whether
    that is enough for a trend."""
    plan = kpi_plan(spec) if spec["chart"] == KPI_MEDIANS else cycle_plan(spec)
    if not plan.weeks:
        return "no data in these weeks yet"
    if len(plan.weeks) < MIN_WEEKS_FOR_TREND:
        return f"week of {plan.weeks[0]} only (a trend needs two weeks)"
    return f"weeks of {plan.weeks[0]} to {plan.weeks[-1]}"


def _points(values: Sequence[float | None]) -> tuple[list[int], list[float]]:
    """The weeks with a value and their values: a line joins the weeks that have one."""
    kept = [(n, float(v)) for n, v in enumerate(values) if v is not None]
    return [n for n, _ in kept], [v for _, v in kept]


def _say(figure: Figure, text: str) -> None:
    figure.text(0.5, 0.5, text, ha="center", va="center", fontsize=14)


def _week_axis(axes: Axes, weeks: Sequence[str]) -> None:
    axes.set_xticks(range(len(weeks)), weeks)
    axes.set_xlim(-0.5, len(weeks) - 0.5)
    axes.tick_params(axis="x", labelsize=8)


def _from_zero(axes: Axes, values: Sequence[float]) -> None:
    """Every metric and duration is ≥ 0: the axis starts there, with room above the top."""
    top = max(values, default=0.0)
    axes.set_ylim(0, top * 1.2 if top > 0 else 1)


def _title(figure: Figure, title: str, note: str | None) -> None:
    figure.suptitle(f"{title}\n{note}" if note else title, fontsize=12)


def _panel(axes: Axes, panel: Panel, weeks: Sequence[str], colors: Mapping[str, str]) -> None:
    for surface, values in panel.series.items():
        axes.plot(*_points(values), marker="o", color=colors[surface])
    across = blended_transform_factory(axes.transAxes, axes.transData)
    for threshold in panel.thresholds:
        axes.axhline(threshold.value, color=FIRED, linestyle=":", linewidth=1.2)
        axes.text(
            0.01,
            threshold.value,
            threshold.label,
            transform=across,
            color=FIRED,
            fontsize=8,
            va="bottom",
            ha="left",
            zorder=4,
            clip_on=True,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1},
        )
    for mark in panel.marks:
        axes.scatter(
            [mark.week],
            [mark.value],
            marker="o",
            s=180,
            facecolors="none",
            edgecolors=FIRED,
            linewidths=2,
            zorder=3,
            clip_on=False,  # a reading of 0 sits on the axis: its ring stays whole
        )
    _week_axis(axes, weeks)
    drawn = [v for values in panel.series.values() for v in values if v is not None]
    _from_zero(axes, drawn + [t.value for t in panel.thresholds] + [m.value for m in panel.marks])
    _name_marks(axes, panel, len(weeks))
    metric = METRICS.get(panel.metric)
    axes.set_title(panel.metric, fontsize=11)
    axes.set_xlabel(WEEK_AXIS, fontsize=8)
    axes.set_ylabel(metric.description if metric else panel.metric, fontsize=8)


def _name_marks(axes: Axes, panel: Panel, weeks: int) -> None:
    """Each ring's publish, beside it: to the right (left in the last week), above or below
    in turn so neighbours do not collide, and above when the ring sits near the floor."""
    top = axes.get_ylim()[1]
    for n, mark in enumerate(panel.marks):
        last = mark.week == weeks - 1
        below = n % 2 == 1 and mark.value > 0.15 * top
        name = mark.publish if len(mark.publish) <= MAX_NAME else mark.publish[: MAX_NAME - 1] + "…"
        axes.annotate(
            name,
            (mark.week, mark.value),
            textcoords="offset points",
            xytext=(-9 if last else 9, -16 if below else 8),
            fontsize=7,
            color=FIRED,
            ha="right" if last else "left",
            zorder=5,  # over a threshold's label: the name is what the ring is about
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 0.5},
        )


def _kpi_figure(figure: Figure, plan: KpiPlan) -> None:
    title = "KPI medians per surface, by week, against the decision rules"
    if not plan.panels:
        _title(figure, title, None)
        _say(figure, plan.note or NO_KPIS)
        return
    _title(figure, title, plan.note)
    colors = {surface: f"C{n}" for n, surface in enumerate(plan.legend)}
    columns = 1 if len(plan.panels) == 1 else 2
    rows = math.ceil(len(plan.panels) / columns)
    for n, panel in enumerate(plan.panels, start=1):
        _panel(figure.add_subplot(rows, columns, n), panel, plan.weeks, colors)
    handles = [Line2D([], [], color=colors[s], marker="o", label=s) for s in plan.legend]
    handles.append(Line2D([], [], color=FIRED, linestyle=":", label="a rule's threshold"))
    if any(p.marks for p in plan.panels):
        handles.append(
            Line2D(
                [],
                [],
                color=FIRED,
                marker="o",
                markersize=11,
                markerfacecolor="none",
                linestyle="none",
                label="a publish whose rule fired",
            )
        )
    figure.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=9)


def _cycle_figure(figure: Figure, plan: CyclePlan) -> None:
    title = "Time to acknowledge and to done, by week of the handoff"
    if not plan.series:
        _title(figure, title, None)
        _say(figure, plan.note or NO_HANDOFFS)
        return
    _title(figure, title, plan.note)
    axes = figure.add_subplot(1, 1, 1)
    for label, values in plan.series:
        style = "--" if "p90" in label else "-"  # one colour per measure, p90 dashed
        color = "C0" if label.startswith("acknowledge") else "C2"
        axes.plot(*_points(values), linestyle=style, marker="o", color=color, label=label)
    _week_axis(axes, plan.weeks)
    _from_zero(axes, [v for _, values in plan.series for v in values if v is not None])
    axes.set_xlabel(WEEK_AXIS)
    axes.set_ylabel("hours from the handoff")
    figure.legend(loc="outside lower center", ncols=len(plan.series), fontsize=9)


def render(spec: Spec) -> bytes:
    """The spec as a PNG of SIZE pixels."""
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    if spec["chart"] == KPI_MEDIANS:
        _kpi_figure(figure, kpi_plan(spec))
    elif spec["chart"] == CYCLE_TIME:
        _cycle_figure(figure, cycle_plan(spec))
    else:
        raise ValueError(f"unknown chart {spec['chart']!r}")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def describe(spec: Spec) -> str:
    """The chart in words (alt text): the same numbers from the first week with data, for
    screen readers."""
    plan = kpi_plan(spec) if spec["chart"] == KPI_MEDIANS else cycle_plan(spec)
    start = len(spec["weeks"]) - len(plan.weeks) if plan.weeks else 0
    weeks = spec["weeks"][start:]

    def series(values: Sequence[float | None]) -> str:
        return ", ".join(
            f"{w} {'—' if v is None else f'{v:g}'}"
            for w, v in zip(weeks, values[start:], strict=True)
        )

    if not plan.weeks:
        return plan.note or ""
    if spec["chart"] == KPI_MEDIANS:
        lines = [
            f"{surface} {metric}: {series(values)}"
            for surface, by in sorted(spec["medians"].items())
            for metric, values in sorted(by.items())
            if any(v is not None for v in values[start:])
        ]
        lines += [
            f"rule fired on {f['publish']}: {f['metric']} {f['value']:g} → {f['action']}"
            for f in spec.get("fired", [])
        ]
        return ("KPI medians by week. " + "; ".join(lines))[:1000]
    lines = [f"{key.replace('_', ' ')} (h): {series(spec[key])}" for key in CYCLE_KEYS]
    return ("Time to acknowledge and to done by week. " + "; ".join(lines))[:1000]


CYCLE_KEYS = tuple(key for key, _ in CYCLE_SERIES)
