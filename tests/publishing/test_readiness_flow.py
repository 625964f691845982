"""A publish's five parts on its post, and /blocked naming the part a publish opening within
24 hours still misses, owned by whoever must supply it."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import RunningBaton
from tests.guardrails.test_guardrails_flow import submit_draft
from tests.handoffs.test_handoff_flow import wait_for
from tests.publishing.test_approvals_flow import dm, post_of
from tests.publishing.test_publish_flow import (
    INGEST_TOKEN,
    baton,
    command,
    ingest,
    log_in_window,
    publish,
    reading,
)

__all__ = ["baton"]  # the publish flow's fixture: an ingest token and a strategy channel


def test_the_post_shows_each_part_with_its_state_and_owner(baton: RunningBaton) -> None:
    assert publish(baton, Approvers=["U0CAI"]).text == ""
    wait_for(lambda: baton.standin.messages("C0LAUNCH"))
    shown = post_of(baton)
    assert "Readiness (2 of 5 parts ready)" in shown
    for line in (
        "✓ Source link: final source linked — @ana",
        "✗ Formatting: no /draft of “spring launch” for LinkedIn checked in the last 7 days — @ana",
        "✗ Approvals: 0 of 1 approved — @cai",
        "✗ Instrumentation: no tracking labels — @ana",
        "✓ Decision table: 2 rules — @ana",
    ):
        assert line in shown, shown


def test_blocked_names_the_missing_part_and_who_supplies_it(baton: RunningBaton) -> None:
    draft = {"Name": "spring launch", "Surface": "LinkedIn", "Copy": "Spring is here."}
    assert "errors" not in submit_draft(baton, "LinkedIn", draft).text
    labels = {"Tracking labels": "utm_source=linkedin utm_campaign=spring"}
    assert publish(baton, Approvers=["U0CAI"], **labels).text == ""
    # Opens in more than 24 hours: not blocked yet, whatever it misses.
    later = {"Name": "autumn", "Posting window": "2026-11-27 12:00-14:00"}
    assert publish(baton, **later).text == ""
    wait_for(lambda: baton.standin.messages("C0LAUNCH"), count=2)
    said = command(baton, "/blocked", "")
    assert (
        "spring launch (LinkedIn, opens in 1h) is blocked by Approvals (0 of 1 approved), "
        "owner @cai; Instrumentation (tracking labels set; no tool sends click_through_rate, "
        "engagement_rate, reach through POST /kpi yet: log them with /kpi “spring launch” "
        "click_through_rate=… engagement_rate=… reach=…), owner @ana" in said
    ), said
    assert "Formatting" not in said and "autumn" not in said
    baton.slack.click(dm(baton, "U0CAI"), "Approve", user="U0CAI", channel="DU0CAI")
    wait_for(lambda: baton.standin.calls_to("chat.update"), count=2)
    baton.clock.set(datetime(2026, 11, 24, 10, 30, tzinfo=UTC))
    older = reading(observed_at="2026-11-24T10:00:00Z", publish="autumn")
    assert ingest(baton, older, token=INGEST_TOKEN).status_code == 201
    assert command(baton, "/blocked", "") == "Nothing in this channel is blocked."


def test_a_draft_checked_after_the_publish_updates_its_post(baton: RunningBaton) -> None:
    assert publish(baton).text == ""
    wait_for(lambda: baton.standin.messages("C0LAUNCH"))
    assert "✗ Formatting" in post_of(baton)
    draft = {"Name": "spring launch", "Surface": "LinkedIn", "Copy": "Spring is here."}
    assert "errors" not in submit_draft(baton, "LinkedIn", draft).text
    wait_for(lambda: baton.standin.calls_to("chat.update"))
    assert "✓ Formatting: /draft for LinkedIn checked today — @ana" in post_of(baton)


def test_a_team_that_logs_with_kpi_is_told_how_then_counted_as_instrumented(
    baton: RunningBaton,
) -> None:
    labels = {"Tracking labels": "utm_source=linkedin utm_campaign=spring"}
    assert publish(baton, **labels).text == ""
    wait_for(lambda: baton.standin.messages("C0LAUNCH"))
    assert (
        "✗ Instrumentation: tracking labels set; no tool sends click_through_rate, "
        "engagement_rate, reach through POST /kpi yet: log them with /kpi “spring launch” "
        "click_through_rate=… engagement_rate=… reach=… — @ana" in post_of(baton)
    )
    assert "Logged for spring launch" in log_in_window(baton, "reach=900 engagement_rate=0.01")
    next_one = {"Name": "spring launch 2", "Posting window": "2026-11-27 12:00-14:00"}
    assert publish(baton, **labels, **next_one).text == ""
    wait_for(lambda: baton.standin.messages("C0LAUNCH"), count=2)
    [second] = [
        baton.standin.render(m["blocks"], m["text"])
        for m in baton.standin.messages("C0LAUNCH")
        if "spring launch 2" in m["text"]
    ]
    assert (
        "✓ Instrumentation: tracking labels set; engagement_rate, reach logged with /kpi here "
        "lately — @ana" in second
    ), second
