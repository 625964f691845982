"""The strategy digest's arithmetic: medians, trends, triggered rules, decisions."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.reports.digest import PublishOutcome, summarise

MONDAY = datetime(2026, 11, 23, 9, tzinfo=UTC)


def outcome(surface: str, reach: float, **changes: object) -> PublishOutcome:
    fields: dict[str, object] = {
        "surface": surface,
        "name": f"{surface} {reach}",
        "starts_at": MONDAY,
        "latest": {"reach": reach},
        "triggered_actions": (),
        "decision": None,
        "decision_actions": (),
    }
    fields.update(changes)
    return PublishOutcome(**fields)  # type: ignore[arg-type]


def test_each_surface_gets_its_medians_against_its_own_baseline() -> None:
    this_week = [outcome("X", 100), outcome("X", 300), outcome("X", 200), outcome("LinkedIn", 50)]
    previous = [outcome("X", 100), outcome("X", 100), outcome("Blog", 9)]
    linkedin, x = summarise(this_week, previous)
    assert (x.surface, x.publishes, x.medians) == ("X", 3, {"reach": 200.0})
    assert x.trend == {"reach": 2.0}
    assert linkedin.trend == {"reach": None}  # no baseline on LinkedIn


def test_rules_and_decisions_are_counted_once_per_publish() -> None:
    this_week = [
        outcome("X", 1, triggered_actions=("rewrite the hook", "rewrite the hook")),
        outcome(
            "X",
            2,
            triggered_actions=("rewrite the hook", "stop paid"),
            decision="revise",
            decision_actions=("rewrite the hook",),
        ),
        outcome("X", 3, decision="repeat"),
    ]
    [x] = summarise(this_week, [])
    assert x.triggered == {"rewrite the hook": 2, "stop paid": 1}
    assert x.decisions == {"revise": 1, "repeat": 1}
    assert x.decided_actions == ("rewrite the hook",)


def test_a_week_without_publishes_has_no_surfaces() -> None:
    assert summarise([], [outcome("X", 1)]) == []


def test_every_observation_carries_a_candidate_action() -> None:
    from bot.reports.digest import NO_RULE, RuleOutcome

    low = RuleOutcome(("reach",), "reach < 1000", "change posting time", triggered=True)
    high = RuleOutcome(("reach",), "reach < 1000", "change posting time", triggered=False)
    this_week = [
        outcome("LinkedIn", 800, name="spring launch", rules=(low,)),
        outcome("LinkedIn", 900, name="spring launch 2", rules=(low,)),
        outcome("LinkedIn", 700, name="autumn", rules=(low,)),
        outcome(
            "LinkedIn", 1200, name="winter", rules=(high,), latest={"reach": 1200, "clicks": 4}
        ),
    ]
    [week] = summarise(this_week, [])
    by_metric = {o.metric: o.candidate for o in week.observations}
    assert by_metric["reach"] == (
        "reach < 1000 in 3 of 4 LinkedIn publishes → “change posting time” "
        "(rule of “spring launch”)"
    )
    assert by_metric["clicks"] == NO_RULE
