"""Instrumentation is ready when the rules' metrics will arrive: sent by a tool (POST /kpi) or
typed with /kpi in the channel lately; when neither, the part says how to log them."""

from __future__ import annotations

from collections.abc import Collection

from bot.publishing.readiness import Part, PartState, PublishFacts, readiness


def instrumentation(
    *,
    labels: dict[str, str] | None = None,
    automatic: Collection[str] = (),
    logged: Collection[str] = (),
    rule_metrics: Collection[str] = ("reach", "engagement_rate"),
) -> PartState:
    facts = PublishFacts(
        name="spring launch",
        surface="LinkedIn",
        link="https://example.com/spring",
        owner_id="U0ANA",
        draft_age=None,
        approvals=(),
        tracking_labels={"utm_source": "linkedin"} if labels is None else labels,
        rule_metrics=rule_metrics,
        automatic_metrics=automatic,
        rules=2,
        logged_metrics=logged,
    )
    [part] = [p for p in readiness(facts) if p.part is Part.INSTRUMENTATION]
    return part


def test_without_a_tool_or_a_kpi_log_it_says_how_to_log_with_kpi() -> None:
    part = instrumentation()
    assert not part.ready
    assert part.state == (
        "tracking labels set; no tool sends engagement_rate, reach through POST /kpi yet: "
        "log them with /kpi “spring launch” engagement_rate=… reach=…"
    )


def test_a_team_that_logs_with_kpi_is_instrumented() -> None:
    part = instrumentation(logged={"reach", "clicks"})
    assert part.ready and part.state == "tracking labels set; reach logged with /kpi here lately"


def test_a_tool_sending_the_metrics_comes_first() -> None:
    part = instrumentation(automatic={"reach"}, logged={"reach"})
    assert part.ready and part.state == "tracking labels set; reach expected from POST /kpi"


def test_no_tracking_labels_is_not_ready_whatever_arrives() -> None:
    part = instrumentation(labels={}, logged={"reach"})
    assert not part.ready and part.state == "no tracking labels"
