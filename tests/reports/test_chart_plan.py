"""What a chart shows, decided before drawing: weeks from the first with data, only series
with points, each rule's threshold and the publishes whose rule fired, and a note when one
week is all there is. Each plan is drawn too (a PNG of the promised size), at 1, 2 and 8 weeks."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from bot.decisions.rules import evaluate, parse_rule, render_rule
from bot.reports.chart_plan import (
    MAX_LABEL,
    NO_HANDOFFS,
    NO_KPIS,
    Threshold,
    cycle_plan,
    kpi_plan,
)
from bot.reports.charts import SIZE, cycle_spec, describe, kpi_spec_of, render, span
from bot.reports.cycle_time import WeekPoint
from bot.reports.digest import PublishOutcome, RuleOutcome

END = datetime(2026, 12, 7, 9, tzinfo=UTC)
WEEKS = [END - timedelta(weeks=n) for n in range(8, 0, -1)]  # 10-12 … 11-30
RULES = [
    parse_rule("engagement_rate < 0.02 -> shorter opener"),
    parse_rule("reach < 500 and click_through_rate < 0.01 -> change posting time"),
]


def outcome(name: str, latest: dict[str, float], surface: str = "LinkedIn") -> PublishOutcome:
    rules = [r for r in RULES if not isinstance(r, str)]
    results = evaluate(rules, latest)
    return PublishOutcome(
        surface=surface,
        name=name,
        starts_at=END,
        latest=latest,
        triggered_actions=tuple(r.rule.action for r in results if r.triggered),
        decision=None,
        decision_actions=(),
        rules=tuple(
            RuleOutcome(
                metrics=tuple(c.metric for c in r.rule.conditions),
                text=render_rule(r.rule).partition(" -> ")[0],
                action=r.rule.action,
                triggered=r.triggered,
                conditions=r.rule.conditions,
            )
            for r in results
        ),
    )


def weeks_of_data(count: int) -> list[list[PublishOutcome]]:
    """One LinkedIn publish in each of the last `count` weeks; engagement under 0.02 (the
    rule fires) in the last week only."""
    outcomes: list[list[PublishOutcome]] = [[] for _ in WEEKS]
    for n in range(len(WEEKS) - count, len(WEEKS)):
        rate = 0.011 if n == len(WEEKS) - 1 else 0.03
        outcomes[n].append(outcome(f"launch {n}", {"reach": 800.0 + n, "engagement_rate": rate}))
    return outcomes


def png_size(data: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(data)).size


def test_one_week_of_data_shows_that_week_alone_and_says_a_trend_needs_two() -> None:
    spec = kpi_spec_of(WEEKS, weeks_of_data(1))
    plan = kpi_plan(spec)
    assert plan.weeks == ["11-30"]  # not 8 weeks for one point
    assert plan.note is not None and "Only the week of 11-30 has data so far" in plan.note
    assert span(spec) == "week of 11-30 only (a trend needs two weeks)"
    assert describe(spec).startswith("KPI medians by week. LinkedIn engagement_rate: 11-30 0.011")
    assert png_size(render(spec)) == SIZE


@pytest.mark.parametrize(("count", "first"), [(2, "11-23"), (8, "10-12")])
def test_the_range_starts_at_the_first_week_with_data(count: int, first: str) -> None:
    spec = kpi_spec_of(WEEKS, weeks_of_data(count))
    plan = kpi_plan(spec)
    assert plan.weeks[0] == first and plan.weeks[-1] == "11-30" and len(plan.weeks) == count
    assert plan.note is None
    assert span(spec) == f"weeks of {first} to 11-30"
    assert png_size(render(spec)) == SIZE


def test_each_rules_threshold_is_drawn_on_its_metric_with_its_action() -> None:
    plan = kpi_plan(kpi_spec_of(WEEKS, weeks_of_data(2)))
    by_metric = {p.metric: p for p in plan.panels}
    assert [t.label for t in by_metric["engagement_rate"].thresholds] == [
        "engagement_rate < 0.02 → shorter opener"
    ]
    [reach] = by_metric["reach"].thresholds
    assert (reach.value, reach.label) == (
        500.0,
        "reach < 500 and … → change posting time",
    )


def test_a_publish_whose_rule_fired_is_marked_on_its_week() -> None:
    spec = kpi_spec_of(WEEKS, weeks_of_data(2))
    panels = {p.metric: p for p in kpi_plan(spec).panels}
    [mark] = panels["engagement_rate"].marks
    assert (mark.publish, mark.week, mark.value, mark.action) == (
        "launch 7",
        1,  # the second shown week: the range starts at 11-23
        0.011,
        "shorter opener",
    )
    assert panels["reach"].marks == ()  # its rule did not fire
    assert "rule fired on launch 7: engagement_rate 0.011 → shorter opener" in describe(spec)


def test_the_legend_names_only_surfaces_with_points() -> None:
    outcomes = weeks_of_data(2)
    outcomes[0].append(outcome("old X post", {"reach": 90.0}, surface="X"))  # before the range
    outcomes[7].append(outcome("newsletter", {"clicks": 40.0}, surface="Newsletter"))
    plan = kpi_plan(kpi_spec_of(WEEKS, outcomes))
    assert plan.weeks[0] == "10-12"  # the old X post starts the range
    panels = {p.metric: p for p in plan.panels}
    assert panels["engagement_rate"].legend == ["LinkedIn"]
    assert panels["clicks"].legend == ["Newsletter"]
    assert plan.legend == ["Newsletter", "LinkedIn", "X"]


def test_no_readings_say_so_instead_of_empty_weeks() -> None:
    spec = kpi_spec_of(WEEKS, [[] for _ in WEEKS])
    plan = kpi_plan(spec)
    assert (plan.weeks, plan.panels, plan.note) == ([], [], NO_KPIS)
    assert describe(spec) == NO_KPIS and span(spec) == "no data in these weeks yet"
    assert png_size(render(spec)) == SIZE


def cycle_points(count: int) -> list[WeekPoint]:
    """Acknowledged in each of the last `count` weeks; nothing done yet."""
    return [
        WeekPoint(w, 2.0 + n, 5.0 + n, None, None)
        if n >= len(WEEKS) - count
        else WeekPoint(w, None, None, None, None)
        for n, w in enumerate(WEEKS)
    ]


@pytest.mark.parametrize("count", [1, 2, 8])
def test_the_cycle_time_chart_starts_at_its_data_and_lists_only_series_with_points(
    count: int,
) -> None:
    spec = cycle_spec(cycle_points(count))
    plan = cycle_plan(spec)
    assert len(plan.weeks) == count and plan.weeks[-1] == "11-30"
    assert [label for label, _ in plan.series] == ["acknowledge, median", "acknowledge, p90"]
    assert (plan.note is not None) == (count == 1)
    assert png_size(render(spec)) == SIZE


def test_a_cycle_time_chart_without_handoffs_says_so() -> None:
    plan = cycle_plan(cycle_spec(cycle_points(0)))
    assert (plan.weeks, plan.series, plan.note) == ([], [], NO_HANDOFFS)


def test_a_long_threshold_label_is_clipped_to_fit_its_panel() -> None:
    long = Threshold("reach", ">=", 1000, "repeat next week on X with the same copy and time")
    assert long.label.startswith("reach >= 1000 → repeat next week") and long.label.endswith("…")
    assert len(long.label) == MAX_LABEL
