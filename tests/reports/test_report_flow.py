"""/report over signed HTTP: handoffs to ben acknowledged late show up per owner with a
candidate action; a person's report; usage on nonsense."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import GOOD_FORM, open_modal, wait_for
from tests.handoffs.test_lifecycle import click, dms, escalated
from tests.publishing.test_publish_flow import command


def hand_to_ben(baton: RunningBaton, item: str) -> dict[str, Any]:
    dms = len(baton.standin.dms("U0BEN"))
    form = {**GOOD_FORM, "Work item": item, "Next owner": "U0BEN", "Backup owner": "U0ANA"}
    assert baton.slack.submit(open_modal(baton, item), form, user="U0CAI").text == ""
    wait_for(lambda: baton.standin.dms("U0BEN"), count=dms + 1)
    return baton.standin.dms("U0BEN")[-1]


def test_the_report_names_late_acknowledgers_with_a_candidate_action(baton: RunningBaton) -> None:
    first = hand_to_ben(baton, "copy")
    late = [hand_to_ben(baton, "newsletter"), hand_to_ben(baton, "landing page")]
    baton.clock.advance(timedelta(hours=1))
    baton.slack.click(first, "Acknowledge", user="U0BEN", channel=first["channel"])
    baton.clock.advance(timedelta(hours=5))  # past the 4h act-by
    for dm in late:
        baton.slack.click(dm, "Acknowledge", user="U0BEN", channel=dm["channel"])
    said = command(baton, "/report", "", user="U0CAI")
    assert "Cycle-time report: #launch, 4 weeks" in said
    assert "3 handoffs; acknowledge p50 6.0h, p90 6.0h" in said
    assert "@ben: 3 handoffs" in said and "2 acknowledged after act-by" in said
    assert (
        "@ben acknowledged 2 of 3 after act-by → give them a later act-by or a backup who "
        "overlaps their hours"
    ) in said
    mine = command(baton, "/report", "2 <@U0BEN|ben>", user="U0CAI")
    assert "Cycle-time report: @ben, 2 weeks" in mine and "@ben: 3 handoffs" in mine
    assert "Usage: `/report" in command(baton, "/report", "lots", user="U0CAI")


def test_the_report_reads_done_and_takeovers_from_the_handoffs_own_state_changes(
    baton_factory: Any,
) -> None:
    baton = escalated(baton_factory)  # made at t0, act-by t0+1h, escalated to ben at t0+2h
    click(baton, dms(baton, "U0BEN")[0], "Take over", "U0BEN")
    baton.clock.advance(timedelta(hours=1))
    click(baton, dms(baton, "U0BEN")[-1], "Done", "U0BEN")
    said = command(baton, "/report", "", user="U0CAI")
    assert "done p50 3.0h, p90 3.0h" in said, said
    assert "1 nudge, 1 escalation, 1 takeover" in said, said
