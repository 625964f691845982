"""Whether people are out, as Baton keeps it: read from Slack off the ack path, answered from
the database (every process, and after a restart), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from slack_sdk import WebClient

from bot.clock import ManualClock
from bot.people.away import Away, Reason
from bot.people.service import People
from bot.slack_standin import SlackStandIn
from store.db import Database
from store.migrate import upgrade
from tests.conftest import BOT_TOKEN


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    upgrade(database)
    yield database
    database.dispose()


def people_of(db: Database, standin: SlackStandIn, clock: ManualClock) -> People:
    return People(db, WebClient(token=BOT_TOKEN, base_url=standin.url), clock)


def test_what_slack_said_is_known_to_another_process(
    db: Database, standin: SlackStandIn, clock: ManualClock
) -> None:
    back = clock.now() + timedelta(days=3)
    standin.set_status("U0ANA", "OOO", expiration=back.timestamp())
    people_of(db, standin, clock).read_away(["U0ANA"])
    other = people_of(db, standin, clock)  # another process, or this one restarted
    assert other.away_of("U0ANA", clock.now()) == Away(Reason.OUT_OF_OFFICE, back)
    assert other.away_of("U0ANA", back) is None


def test_read_again_replaces_what_was_known(
    db: Database, standin: SlackStandIn, clock: ManualClock
) -> None:
    people = people_of(db, standin, clock)
    standin.set_status("U0ANA", "Vacation")
    people.read_away(["U0ANA"])
    standin.set_status("U0ANA", "")  # back, cleared by hand
    people.read_away(["U0ANA"])  # asked a moment ago: not asked again
    assert people.away_of("U0ANA", clock.now()) is not None
    clock.advance(timedelta(minutes=2))
    people.read_away(["U0ANA"])
    assert people.away_of("U0ANA", clock.now()) is None
    assert len(standin.calls_to("users.profile.get")) == 2


def test_what_was_said_long_ago_says_nothing_now(
    db: Database, standin: SlackStandIn, clock: ManualClock
) -> None:
    people = people_of(db, standin, clock)
    standin.set_status("U0ANA", "OOO")
    people.read_away(["U0ANA"])
    clock.advance(timedelta(hours=13))
    assert people.away_of("U0ANA", clock.now()) is None


def test_a_status_read_without_dnd_read_is_kept(
    db: Database, standin: SlackStandIn, clock: ManualClock
) -> None:
    standin.remove_scope("dnd:read")
    standin.set_status("U0ANA", "", ":airplane:")
    people = people_of(db, standin, clock)
    people.read_away(["U0ANA"])
    assert people.away_of("U0ANA", clock.now()) == Away(Reason.TRAVELLING, None)
    assert standin.calls_to("dnd.info")[0].response["error"] == "missing_scope"


def test_someone_slack_does_not_know_is_not_away(
    db: Database, standin: SlackStandIn, clock: ManualClock
) -> None:
    people = people_of(db, standin, clock)
    people.read_away(["U0NOBODY"])
    assert people.away("U0NOBODY", clock.now()) is None
    assert standin.calls_to("dnd.info") == []
