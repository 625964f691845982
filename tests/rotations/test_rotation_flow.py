"""A channel's backup rotation over signed HTTP against the stand-in: set in /baton settings
(refused at the field when it cannot take turns), the handoff modal's Backup owner starts as
whoever's turn it is, `/baton who` says who is on and who owns what, and someone who left is
passed over with the owners told once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from store.models import Handoff
from tests.conftest import START, RunningBaton
from tests.graph.test_blocked_flow import blocked
from tests.handoffs.test_handoff_flow import GOOD_FORM, open_modal, wait_for
from tests.publishing.test_publish_flow import command, errors_of
from tests.settings.test_channel_settings_flow import open_settings

# Mon 30 Nov 09:00 in Berlin (winter time, UTC+1): the first changeover after START (Tue).
BERLIN_MONDAY_NINE = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
ROTATION = ["U0ANA", "U0BEN", "U0CAI"]


@pytest.fixture
def baton(baton_factory: Any, database_url: str) -> RunningBaton:
    """On SQLite and on PostgreSQL (with TEST_DATABASE_URL)."""
    running: RunningBaton = baton_factory(database_url)
    return running


def block(view: dict[str, Any], label: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("label", {}).get("text") == label)


def set_rotation(baton: RunningBaton, form: dict[str, Any], user: str = "U0ANA") -> Any:
    return baton.slack.submit(open_settings(baton, user=user), form, user=user)


def backup_default(baton: RunningBaton) -> str | None:
    initial: str | None = block(open_modal(baton), "Backup owner")["element"].get("initial_user")
    return initial


def test_the_backup_owner_starts_as_whoever_s_turn_it_is(baton: RunningBaton) -> None:
    assert backup_default(baton) is None  # no rotation: no default
    view = open_settings(baton)
    # The zone defaults to the editor's (ana is in Berlin); the turn changes Mondays 09:00.
    assert block(view, "Rotation time zone")["element"]["initial_option"]["value"] == (
        "Europe/Berlin"
    )
    assert block(view, "Rotation changes")["element"]["initial_option"]["text"]["text"] == "Mondays"
    assert baton.slack.submit(view, {"Backup rotation": ROTATION}, user="U0ANA").text == ""
    wait_for(lambda: baton.standin.ephemerals("U0ANA"))
    confirmed = baton.standin.render([], baton.standin.ephemerals("U0ANA")[-1]["text"])
    assert "backup rotation @ana → @ben → @cai, changing Mondays 09:00 Europe/Berlin" in confirmed
    # The form opens again with the people in their order.
    again = open_settings(baton)
    assert block(again, "Backup rotation")["element"]["initial_users"] == ROTATION

    assert backup_default(baton) == "U0ANA"
    # Kept as it opened, the default is the handoff's backup.
    view = open_modal(baton)
    form = {k: v for k, v in GOOD_FORM.items() if k != "Backup owner"}
    assert baton.slack.submit(view, {**form, "Next owner": "U0DEE"}, user="U0CAI").text == ""
    with baton.services.db.read() as session:
        assert session.exec(select(Handoff)).one().backup_owner_id == "U0ANA"

    baton.clock.set(BERLIN_MONDAY_NINE - timedelta(minutes=1))
    assert backup_default(baton) == "U0ANA"
    baton.clock.set(BERLIN_MONDAY_NINE)
    assert backup_default(baton) == "U0BEN"
    baton.clock.set(BERLIN_MONDAY_NINE + timedelta(weeks=1))
    assert backup_default(baton) == "U0CAI"
    baton.clock.set(BERLIN_MONDAY_NINE + timedelta(weeks=2))
    assert backup_default(baton) == "U0ANA"


def test_a_rotation_that_cannot_take_turns_is_refused_at_the_field(baton: RunningBaton) -> None:
    one = errors_of(set_rotation(baton, {"Backup rotation": ["U0BEN"]}))
    assert one == {"rotation": one["rotation"]}
    assert "at least two people" in one["rotation"]
    bot = errors_of(set_rotation(baton, {"Backup rotation": ["U0BEN", "U0BOT"]}))
    assert "otherbot is a bot" in bot["rotation"]
    gone = errors_of(set_rotation(baton, {"Backup rotation": ["U0GONE", "U0BEN"]}))
    assert "gone has left Slack (deactivated)" in gone["rotation"]
    # Nothing was saved: the handoff modal has no default backup.
    assert backup_default(baton) is None


def test_baton_who_says_who_is_on_and_who_owns_each_open_item(baton: RunningBaton) -> None:
    assert "No backup rotation here" in command(baton, "/baton", "who", user="U0CAI")
    assert set_rotation(baton, {"Backup rotation": ROTATION}).text == ""
    act_by = {"launch copy": START + timedelta(hours=2), "press kit": START + timedelta(days=1)}
    for item, due in reversed(act_by.items()):
        view = open_modal(baton, text=item)
        form = {**GOOD_FORM, "Work item": item, "Act by": int(due.timestamp())}
        assert baton.slack.submit(view, form, user="U0CAI").text == ""
    blocked(baton, '"press kit" on "instrumentation metadata" <@U0DEE|dee>')
    baton.clock.set(START + timedelta(hours=4))

    said = command(baton, "/baton", "who", user="U0CAI").splitlines()
    # cai reads times in New York: Mon 30 Nov 09:00 Berlin is 03:00 there.
    assert said[0] == (
        "Backup rotation (Mondays 09:00 Europe/Berlin): @ana now; "
        "@ben from Mon 30 Nov 03:00 your time (America/New_York)."
    )
    assert said[1:] == [
        "Open items and their owners",
        "• launch copy: @ana, overdue since Tue 24 Nov 07:00",
        "• press kit: @ana, act by Wed 25 Nov 05:00",
        "• instrumentation metadata: @dee",
    ]
    assert "`/baton who`" in command(baton, "/baton", "help", user="U0CAI")


def test_someone_who_left_is_passed_over_and_the_owners_told_once(baton: RunningBaton) -> None:
    form = {"Channel owners": ["U0ANA", "U0DEE"], "Backup rotation": ["U0BEN", "U0ANA", "U0CAI"]}
    assert set_rotation(baton, form).text == ""
    assert backup_default(baton) == "U0BEN"
    baton.standin.add_user("U0BEN", "ben", tz="Europe/London", deleted=True)
    # Baton learns it when what it knows of ben is old (12h), here when someone asks who.
    baton.clock.advance(timedelta(hours=13))
    assert "@ben now" in command(baton, "/baton", "who", user="U0CAI")
    baton.services.after_ack.background_pool.wait_idle()

    # ana covers ben's week, then has her own: cai is next, two changeovers on.
    assert "@ana now; @cai from Mon 07 Dec" in command(baton, "/baton", "who", user="U0CAI")
    assert backup_default(baton) == "U0ANA"
    command(baton, "/baton", "who", user="U0CAI")
    for owner in ("U0ANA", "U0DEE"):
        told = [
            baton.standin.render(m["blocks"], m["text"])
            for m in baton.standin.dms(owner)
            if "rotation" in m["text"]
        ]
        assert told == [
            "@ben can no longer take a turn on #launch's backup rotation, so their turns pass "
            "to the next person (@ana now). Change the rotation in `/baton settings`."
        ]


def test_the_owners_hear_of_it_in_their_own_working_hours(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(working_hours="09:00-17:00 Mon-Fri")
    form = {"Channel owners": ["U0ANA", "U0DEE"], "Backup rotation": ["U0BEN", "U0ANA"]}
    assert set_rotation(baton, form).text == ""
    baton.standin.add_user("U0BEN", "ben", tz="Europe/London", deleted=True)
    baton.clock.advance(timedelta(hours=13))  # Tue 23:00 UTC: night in Berlin and in Kolkata
    command(baton, "/baton", "who", user="U0CAI")
    baton.services.after_ack.background_pool.wait_idle()
    assert "@ana now" in command(baton, "/baton", "who", user="U0CAI")

    def told(owner: str) -> int:
        return sum("can no longer take a turn" in m["text"] for m in baton.standin.dms(owner))

    baton.sweep()
    assert (told("U0ANA"), told("U0DEE")) == (0, 0)
    baton.clock.set(datetime(2026, 11, 25, 3, 30, tzinfo=UTC))  # 09:00 in Kolkata
    baton.sweep()
    assert (told("U0ANA"), told("U0DEE")) == (0, 1)
    baton.clock.set(datetime(2026, 11, 25, 8, 0, tzinfo=UTC))  # 09:00 in Berlin
    baton.sweep()
    assert (told("U0ANA"), told("U0DEE")) == (1, 1)
