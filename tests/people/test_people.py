"""People: a form's answer reads memory only; lookups happen when people are picked."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.clock import ManualClock
from bot.people.service import People, PeopleUnavailable
from bot.slack_standin import SlackStandIn
from store.db import Database
from store.migrate import upgrade
from tests.conftest import BOT_TOKEN


@pytest.fixture
def people(standin: SlackStandIn, clock: ManualClock, sqlite_url: str) -> Iterator[People]:
    db = Database(sqlite_url)
    upgrade(db)
    yield People(db, WebClient(token=BOT_TOKEN, base_url=standin.url), clock)
    db.dispose()


def looked_up(standin: SlackStandIn) -> list[str]:
    return [str(call.params.get("user")) for call in standin.calls_to("users.info")]


def test_a_form_naming_someone_unknown_asks_slack_nothing(
    people: People, standin: SlackStandIn
) -> None:
    with pytest.raises(PeopleUnavailable) as unknown:
        people.for_submission(["U0ANA", None])
    assert unknown.value.args == ("U0ANA",)
    assert looked_up(standin) == []


def test_someone_picked_is_known_to_the_form_without_another_call(
    people: People, standin: SlackStandIn
) -> None:
    people.learn(["U0ANA", "U0ANA", None])
    found = people.for_submission(["U0ANA"])
    assert found["U0ANA"].name == "ana" and found["U0ANA"].tz == "Europe/Berlin"
    assert looked_up(standin) == ["U0ANA"]
    people.learn(["U0ANA"])  # known: not asked again
    assert looked_up(standin) == ["U0ANA"]


def test_someone_slack_does_not_know_is_absent_not_unanswered(people: People) -> None:
    people.learn(["U0NOBODY"])
    assert people.for_submission(["U0NOBODY"]) == {}  # the contract says who is wrong


def test_a_form_waits_for_the_lookup_its_pick_started(
    people: People, standin: SlackStandIn
) -> None:
    standin.set_delay("users.info", 0.5)
    picked = threading.Thread(target=people.learn, args=(["U0BEN"],))
    picked.start()
    while not standin.calls_to("users.info"):
        time.sleep(0.01)  # until the lookup has reached Slack
    assert people.for_submission(["U0BEN"])["U0BEN"].name == "ben"
    picked.join()
    assert looked_up(standin) == ["U0BEN"]


def test_a_failed_lookup_is_logged_and_the_form_asks_for_a_retry(
    people: People, standin: SlackStandIn
) -> None:
    standin.fail_next(method="users.info", status=500, times=10)
    people.learn(["U0BEN"])
    with pytest.raises(PeopleUnavailable):
        people.for_submission(["U0BEN"])


def test_a_lookup_that_ends_just_as_the_form_reads_is_not_missed(
    people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The race seen with four Submits at once: the pick's lookup ended after the form's
    # first read and before it looked for lookups under way, so there was none to wait for.
    def ended_just_now(user_ids: list[str], timeout: float) -> bool:
        people.learn(["U0BEN"])
        return False

    monkeypatch.setattr(people._lookups, "wait", ended_just_now)
    assert people.for_submission(["U0BEN"])["U0BEN"].name == "ben"
