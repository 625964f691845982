"""A missed act-by is recorded as it was when it was missed (whose act-by, and when), even
after a takeover; a proposal lists its misses and offers only a guardrail that would have
prevented one of them. Over signed HTTP, two zones, working hours 09:00-18:00 on weekdays."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from bot.ops.export import export
from store.models import FailureOccurrence
from tests.conftest import RunningBaton
from tests.guardrails.test_guardrails_flow import proposals, rendered
from tests.handoffs.test_handoff_flow import GOOD_FORM, open_modal, wait_for

# ben is in London, ana in Berlin; cai (New York) hands off.
TUESDAY_19 = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)  # after ben's working day
# ben's nudge waits for 09:00 in London; ana's escalation comes an hour later.
WEDNESDAY_9 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
WEDNESDAY_10 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.fixture
def baton(baton_factory: Any, database_url: str) -> RunningBaton:
    running: RunningBaton = baton_factory(
        database_url,
        act_within="PT1H",
        escalate_after="PT1H",
        working_hours="09:00-18:00 Mon-Fri",
    )
    return running


def hand_to_ben(baton: RunningBaton, item: str, **changes: Any) -> None:
    form = {**GOOD_FORM, "Work item": item, "Next owner": "U0BEN", "Backup owner": "U0ANA"}
    form.update(changes)
    view = open_modal(baton, item)
    answer = baton.slack.submit(view, form, user="U0CAI")
    assert answer.status_code == 200 and "errors" not in answer.text
    wait_for(lambda: [m for m in baton.standin.dms("U0BEN") if item in m["text"]])


def at(baton: RunningBaton, instant: datetime) -> None:
    baton.clock.set(instant)
    baton.sweep()


def misses(baton: RunningBaton) -> list[FailureOccurrence]:
    with baton.services.db.read() as session:
        return list(
            session.exec(
                select(FailureOccurrence)
                .where(FailureOccurrence.class_id == "missed_act_by")
                .order_by(col(FailureOccurrence.id))
            ).all()
        )


def escalation_to_ana(baton: RunningBaton, item: str) -> dict[str, Any]:
    return next(
        m
        for m in baton.standin.dms("U0ANA")
        if "Take over" in rendered(baton, m) and item in m["text"]
    )


def test_a_miss_taken_over_is_still_bens_in_the_proposal_and_the_export(
    baton: RunningBaton, tmp_path: Path
) -> None:
    late = {"Act by": int(TUESDAY_19.timestamp())}
    hand_to_ben(baton, "newsletter send", **late)
    hand_to_ben(baton, "launch copy", **late)
    at(baton, WEDNESDAY_9)  # ben's nudges
    at(baton, WEDNESDAY_10)  # ana's escalation DMs and the thread replies
    # ana takes the newsletter over (a fresh act-by, hers) and finishes it, before Baton
    # records the misses.
    baton.slack.click(
        escalation_to_ana(baton, "newsletter send"), "Take over", user="U0ANA", channel="C0LAUNCH"
    )
    wait_for(lambda: [m for m in baton.standin.dms("U0ANA") if "Handoff for you" in m["text"]])
    took_over = next(m for m in baton.standin.dms("U0ANA") if "Handoff for you" in m["text"])
    assert "You took over newsletter send from @ben" in rendered(baton, took_over)
    baton.slack.click(took_over, "Done", user="U0ANA", channel="C0LAUNCH")
    baton.services.settle()
    post = next(m for m in baton.standin.messages("C0LAUNCH") if "newsletter send" in m["text"])
    assert "Done: marked by @ana" in rendered(baton, post)
    at(baton, WEDNESDAY_10)  # the planner records what went out

    recorded = misses(baton)
    assert [(m.owner_id, m.act_by) for m in recorded] == [("U0BEN", TUESDAY_19)] * 2
    assert [m.at for m in recorded] == [TUESDAY_19] * 2
    newsletter = next(m for m in recorded if "newsletter send" in m.where)
    assert (
        newsletter.where == "<@U0BEN> missed the act-by of newsletter send, handed off by <@U0CAI>"
    )
    assert "U0ANA" in newsletter.people  # she took it over: she may decide too

    [proposal] = proposals(baton)
    text = rendered(baton, proposal)
    assert "Missed act-by happened twice in this channel" in text
    assert (
        "• 2026-11-24 19:00 UTC: @ben missed the act-by of newsletter send, handed off by @cai"
        in text
    )
    assert (
        "• 2026-11-24 19:00 UTC: @ben missed the act-by of launch copy, handed off by @cai" in text
    )
    assert "@ana" not in text
    # Both act-bys fell after ben's working day: that is what would have prevented them.
    assert (
        "Proposed guardrail: Every handoff's act-by falls within the next owner's working hours"
        in text
    )

    export(baton.services.db, tmp_path, since=datetime(2026, 11, 1, tzinfo=UTC))
    with (tmp_path / "failures.csv").open(newline="") as file:
        rows = list(csv.DictReader(file))
    exported = next(r for r in rows if "newsletter send" in r["where"])
    assert exported["owner_id"] == "U0BEN"
    assert exported["act_by"].startswith("2026-11-24T19:00")
    assert exported["at"].startswith("2026-11-24T19:00")


def test_misses_in_working_hours_with_a_backup_propose_nothing(baton: RunningBaton) -> None:
    hand_to_ben(baton, "newsletter send")  # act-by 11:00 UTC: 11:00 in London
    hand_to_ben(baton, "launch copy")
    for hour in (11, 12, 13):  # the nudges, the escalations, the planner
        at(baton, datetime(2026, 11, 24, hour, 0, tzinfo=UTC))
    recorded = misses(baton)
    assert [(m.owner_id, m.prevention) for m in recorded] == [("U0BEN", "none")] * 2
    # "Act-by within working hours" would have changed nothing: both already were.
    assert proposals(baton) == []
