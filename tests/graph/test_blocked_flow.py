"""/blocked, blocker DMs with Resolved, and App Home, over signed HTTP against the stand-in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import GOOD_FORM, open_modal, wait_for


def blocked(baton: RunningBaton, text: str = "", *, user: str = "U0CAI") -> str:
    """Run /blocked and return the ephemeral answer as the user reads it."""
    before = len(baton.standin.ephemerals(user))
    response = baton.slack.command("/blocked", text, user=user)
    assert response.status_code == 200
    wait_for(lambda: baton.standin.ephemerals(user), count=before + 1)
    answer = baton.standin.ephemerals(user)[-1]
    return baton.standin.render(answer["blocks"], answer["text"])


def dm_texts(baton: RunningBaton, user: str) -> list[str]:
    return [baton.standin.render(m["blocks"], m["text"]) for m in baton.standin.dms(user)]


@pytest.fixture
def kpi_blocked(baton: RunningBaton) -> RunningBaton:
    """KPI capture (owned by ana via a handoff) waits, hard, on metadata owned by dee."""
    view = open_modal(baton, text="KPI capture")
    baton.slack.submit(view, {**GOOD_FORM, "Work item": "KPI capture"}, user="U0CAI")
    wait_for(lambda: baton.standin.dms("U0ANA"))
    said = blocked(
        baton,
        '"KPI capture" on "instrumentation metadata" <@U0DEE|dee> because absent tracking',
    )
    assert "KPI capture" in said and "instrumentation metadata" in said and "@dee" in said
    return baton


def test_show_names_the_precise_blocker_with_owner_kind_and_age(
    kpi_blocked: RunningBaton,
) -> None:
    baton = kpi_blocked
    baton.clock.advance(timedelta(hours=26))
    said = blocked(baton, "kpi CAPTURE")  # names match case-insensitively
    assert "KPI capture is blocked by instrumentation metadata" in said
    assert "owner @dee" in said and "hard" in said and "waiting 26h" in said


def test_chains_report_the_root_and_soft_edges_are_assumptions(kpi_blocked: RunningBaton) -> None:
    baton = kpi_blocked
    blocked(baton, '"instrumentation metadata" on "tracking plan" <@U0BEN|ben>')
    blocked(baton, '"KPI capture" on "legal review" soft because copy is approved verbally')
    said = blocked(baton, '"KPI capture"')
    first, *rest = said.splitlines()
    assert "blocked by tracking plan (owner @ben, hard" in first
    assert "instrumentation metadata" in said  # the chain is shown
    assert "legal review" not in first
    assert any("Proceeding on an assumption: legal review" in line for line in rest)


def test_a_cycle_is_refused_naming_it_and_nothing_is_stored(baton: RunningBaton) -> None:
    blocked(baton, "alpha on beta")
    blocked(baton, "beta on gamma")
    said = blocked(baton, "gamma on alpha")
    assert "cycle" in said and "gamma → alpha → beta → gamma" in said
    assert "gamma is not blocked" in blocked(baton, "gamma")


def test_the_channel_list_is_most_waited_first(kpi_blocked: RunningBaton) -> None:
    baton = kpi_blocked
    baton.clock.advance(timedelta(hours=3))
    blocked(baton, '"newsletter send" on "UTM labels" <@U0BEN|ben>')
    said = blocked(baton)
    assert "2" in said.splitlines()[0]
    kpi_at, newsletter_at = said.index("KPI capture"), said.index("newsletter send")
    assert kpi_at < newsletter_at
    assert "UTM labels" in said and "@ben" in said


def test_unparseable_input_gets_the_usage_with_an_example(baton: RunningBaton) -> None:
    said = blocked(baton, '"unbalanced on quotes')
    assert "Usage" in said and "Example" in said


def test_marking_done_tells_the_waiting_owner_what_is_unblocked(kpi_blocked: RunningBaton) -> None:
    baton = kpi_blocked
    said = blocked(baton, '"instrumentation metadata" done', user="U0DEE")
    assert "instrumentation metadata is done" in said
    wait_for(lambda: baton.standin.dms("U0ANA"), count=2)
    assert "KPI capture is now unblocked" in dm_texts(baton, "U0ANA")[-1]
    assert "not blocked" in blocked(baton, '"KPI capture"')


def test_blocker_owner_alone_gets_one_dm_then_one_reminder_per_working_day(
    kpi_blocked: RunningBaton,
) -> None:
    baton = kpi_blocked
    baton.clock.advance(timedelta(hours=1, minutes=59))
    baton.sweep()
    assert baton.standin.dms("U0DEE") == []
    baton.clock.advance(timedelta(minutes=2))
    baton.sweep()
    texts = dm_texts(baton, "U0DEE")
    assert len(texts) == 1
    assert "instrumentation metadata is blocking" in texts[0] and "KPI capture" in texts[0]
    assert "[ Resolved ]" in texts[0]
    for _ in range(4):  # the same day: nothing more
        baton.clock.advance(timedelta(minutes=30))
        baton.sweep()
    assert len(baton.standin.dms("U0DEE")) == 1
    baton.clock.advance(timedelta(days=1))
    baton.sweep()
    # (The handoff of KPI capture escalates to dee as well now: her item blocks it.)
    assert len([t for t in dm_texts(baton, "U0DEE") if "is blocking other work" in t]) == 2
    # Nobody else heard about it: not the waiting owner, not the declarer.
    for user in ("U0ANA", "U0CAI", "U0BEN"):
        assert not [t for t in dm_texts(baton, user) if "is blocking" in t]


def test_resolved_on_the_blocker_dm_marks_it_done(kpi_blocked: RunningBaton) -> None:
    baton = kpi_blocked
    baton.clock.advance(timedelta(hours=3))
    baton.sweep()
    dm = baton.standin.dms("U0DEE")[0]
    response = baton.slack.click(dm, "Resolved", user="U0DEE", channel=dm["channel"])
    assert response.status_code == 200
    wait_for(lambda: baton.standin.dms("U0ANA"), count=2)
    replaced = dm_texts(baton, "U0DEE")[0]
    assert "instrumentation metadata is done" in replaced and "[ Resolved ]" not in replaced
    assert "KPI capture is now unblocked" in dm_texts(baton, "U0ANA")[-1]
    baton.clock.advance(timedelta(days=1))
    baton.sweep()
    assert len(baton.standin.dms("U0DEE")) == 1  # resolved: no reminder


def test_a_blocker_that_got_blocked_escalates_to_the_new_root(kpi_blocked: RunningBaton) -> None:
    baton = kpi_blocked
    baton.clock.advance(timedelta(hours=1))
    blocked(baton, '"instrumentation metadata" on "tracking plan" <@U0BEN|ben>')
    baton.clock.advance(timedelta(hours=1, minutes=5))
    baton.sweep()
    assert baton.standin.dms("U0DEE") == []
    texts = dm_texts(baton, "U0BEN")
    assert len(texts) == 1
    assert "tracking plan is blocking" in texts[0]
    # what waits on the blocker, without repeating the blocker itself
    assert "• KPI capture → instrumentation metadata (owner @ana)" in texts[0]


def test_an_ownerless_blocker_asks_the_declarer_to_name_one(baton: RunningBaton) -> None:
    blocked(baton, '"launch post" on "hero image"', user="U0BEN")
    baton.clock.advance(timedelta(hours=2, minutes=1))
    baton.sweep()
    texts = dm_texts(baton, "U0BEN")
    assert len(texts) == 1 and "has no owner" in texts[0] and "@owner" in texts[0]


def test_blocker_dms_wait_for_the_owners_working_hours(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(working_hours="09:00-18:00 Mon-Fri")
    # Tue 10:00 UTC is 15:30 in Kolkata: the delay ends at 17:31 there, inside hours...
    blocked(baton, '"KPI capture" on "instrumentation metadata" <@U0DEE|dee>')
    baton.clock.advance(timedelta(hours=2, minutes=1))
    baton.sweep()
    assert len(baton.standin.dms("U0DEE")) == 1
    # ...the reminder is due the next working day, not at Kolkata midnight.
    baton.clock.advance(timedelta(hours=8))  # 01:31 in Kolkata
    baton.sweep()
    assert len(baton.standin.dms("U0DEE")) == 1
    baton.clock.advance(timedelta(hours=7))  # 08:31 in Kolkata
    baton.sweep()
    assert len(baton.standin.dms("U0DEE")) == 1
    baton.clock.advance(timedelta(hours=1))  # 09:31 in Kolkata
    baton.sweep()
    assert len(baton.standin.dms("U0DEE")) == 2


def test_app_home_shows_what_waits_on_the_viewer_and_what_they_block(
    kpi_blocked: RunningBaton,
) -> None:
    baton = kpi_blocked
    for user in ("U0ANA", "U0DEE"):
        response = baton.slack.event(
            {"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home"}
        )
        assert response.status_code == 200
        wait_for(lambda user=user: [baton.standin.home(user)] if baton.standin.home(user) else [])
    ana = baton.standin.render(baton.standin.home("U0ANA")["blocks"])  # type: ignore[index]
    assert "KPI capture" in ana and "Publish the copy on LinkedIn" in ana
    assert "KPI capture is blocked by instrumentation metadata" in ana  # what ana waits on
    dee = baton.standin.render(baton.standin.home("U0DEE")["blocks"])  # type: ignore[index]
    assert "instrumentation metadata blocks" in dee and "KPI capture" in dee
    # dee owes the blocker: it waits on her, with the blocker DM's buttons
    assert "Waiting on you (1)" in dee
    assert "Your instrumentation metadata in #launch blocks KPI capture" in dee
    assert "[ Resolved ]  [ Snooze 1 day ]" in dee


def test_a_long_channel_list_shows_the_first_page_of_all(baton: RunningBaton) -> None:
    for n in range(17):
        baton.clock.advance(timedelta(minutes=1))
        blocked(baton, f'"task {n}" on "base {n}"')
    said = blocked(baton)
    assert said.splitlines()[0] == "Blocked in this channel (15 of 17)"
    assert "task 0" in said and "task 14" in said and "task 15" not in said
    assert "…and 2 more, waiting less long." in said


def test_the_channel_list_follows_done_items_soft_edges_and_new_roots(
    kpi_blocked: RunningBaton,
) -> None:
    baton = kpi_blocked
    baton.clock.advance(timedelta(hours=1))
    blocked(baton, '"newsletter send" on "UTM labels"')
    blocked(baton, '"instrumentation metadata" done', user="U0DEE")
    said = blocked(baton)
    assert said.splitlines()[0] == "Blocked in this channel (1)"
    assert "newsletter send" in said and "KPI capture" not in said
    blocked(baton, '"newsletter send" on "UTM labels" soft')  # now only an assumption
    assert "Nothing in this channel is blocked." in blocked(baton)
    blocked(baton, '"KPI capture" on "tracking plan"')  # blocked again, by something new
    said = blocked(baton)
    assert said.splitlines()[0] == "Blocked in this channel (1)"
    assert "KPI capture" in said and "tracking plan" in said
