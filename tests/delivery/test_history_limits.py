"""Crash recovery within Slack's history limits (a distributed app outside the Marketplace:
conversations.history and .replies answer once a minute per workspace, 15 messages a page).

After a crash mid-send Baton reads one narrow page around the interrupted attempt, spends at
most one call a minute per method, holds back only the rows whose check must wait, and never
posts a message twice or posts one unsure."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from itertools import pairwise
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bot.ids import MetadataEvent
from store import outbox
from store.db import Database
from store.models import OutboxMessage, OutboxStatus
from tests.conftest import BOT_TOKEN, RunningBaton

CHANNELS = ("C0ALPHA", "C0BRAVO", "C0CHARLIE")
HISTORY, REPLIES = "conversations.history", "conversations.replies"


@pytest.fixture
def limited(baton_factory: Any, database_url: str) -> RunningBaton:
    baton: RunningBaton = baton_factory(database_url, history_limited=True)
    baton.standin.set_history_limits(True)
    for channel in CHANNELS:
        baton.standin.add_channel(channel, channel.lower())
    return baton


def keys_in(baton: RunningBaton, channel: str) -> Counter[str]:
    seen: Counter[str] = Counter()
    for message in baton.standin.messages(channel):
        metadata = message.get("metadata") or {}
        if metadata.get("event_type") == MetadataEvent.OUTBOX:
            seen[metadata["event_payload"]["key"]] += 1
    return seen


def all_keys(baton: RunningBaton) -> Counter[str]:
    seen: Counter[str] = Counter()
    for channel in (*CHANNELS, "C0LAUNCH"):
        seen.update(keys_in(baton, channel))
    return seen


def rows(baton: RunningBaton) -> dict[str, OutboxMessage]:
    with baton.services.db.read() as session:
        return {r.idempotency_key: r for r in session.exec(select(OutboxMessage)).all()}


def enqueue(baton: RunningBaton, key: str, channel: str, parent_key: str | None = None) -> None:
    """A row written by another process: it waits for the sweep the test runs."""
    now = baton.clock.now()
    elsewhere = Database(baton.services.settings.database_url)
    try:
        with elsewhere.write() as session:
            outbox.enqueue(
                session,
                outbox.NewMessage(
                    key=key, target=channel, text=key, blocks=[], due_at=now, parent_key=parent_key
                ),
                now=now,
            )
    finally:
        elsewhere.dispose()


def crash_after_slack_accepted(baton: RunningBaton, monkeypatch: pytest.MonkeyPatch) -> None:
    """Killed after Slack took the claimed rows and before the database heard of it."""
    real_mark_sent = outbox.mark_all_sent

    def die(*args: Any, **kwargs: Any) -> None:
        raise SystemExit("killed after Slack accepted the messages")

    monkeypatch.setattr(outbox, "mark_all_sent", die)
    with pytest.raises(SystemExit):
        baton.services.deliverer.sweep()
    assert baton.services.deliverer.wait_idle()  # posts other threads had under way
    baton.services.deliverer._marks.clear()  # what a real crash loses: marks not yet written
    monkeypatch.setattr(outbox, "mark_all_sent", real_mark_sent)


def claim_and_die(baton: RunningBaton) -> None:
    """Killed after claiming the due rows and before posting any of them."""
    claimed = outbox.claim_due(
        baton.services.db,
        now=baton.clock.now(),
        lease=baton.services.deliverer.lease,
        limit=100,
    )
    assert claimed


def history_calls(baton: RunningBaton, method: str = HISTORY) -> list[Any]:
    return baton.standin.calls_to(method)


def assert_within_limits(baton: RunningBaton) -> None:
    """At most one call a minute per method, none refused, each a narrow page with metadata."""
    for method in (HISTORY, REPLIES):
        calls = history_calls(baton, method)
        assert all(call.status == 200 for call in calls), [c.response for c in calls]
        times = [call.at for call in calls]
        assert all(later - earlier >= 60 for earlier, later in pairwise(times))
        for call in calls:
            assert int(call.params["limit"]) <= 15
            assert call.params["include_all_metadata"] in ("1", "true", True)
            assert call.params["inclusive"] in ("1", "true", True)
            assert float(call.params["latest"]) - float(call.params["oldest"]) < 10 * 60


def sweep_minutes(baton: RunningBaton, minutes: int) -> None:
    for _ in range(minutes):
        baton.clock.advance(timedelta(minutes=1))
        baton.sweep()


def test_rows_in_several_conversations_are_each_posted_once_a_check_a_minute(
    limited: RunningBaton, monkeypatch: pytest.MonkeyPatch
) -> None:
    baton = limited
    # Each conversation had one row in Slack and one still to go when the process was killed.
    for channel in CHANNELS:
        enqueue(baton, f"{channel}:posted", channel)
    crash_after_slack_accepted(baton, monkeypatch)
    for channel in CHANNELS:
        enqueue(baton, f"{channel}:not-posted", channel)
    claim_and_die(baton)
    assert all_keys(baton) == Counter({f"{c}:posted": 1 for c in CHANNELS})

    baton.clock.advance(baton.services.deliverer.lease)
    enqueue(baton, "fresh:1", "C0LAUNCH")  # new since the crash: needs no check
    enqueue(baton, "fresh:2", CHANNELS[2])
    baton.sweep()
    # One history call for the first conversation; the others wait for the next minute
    # without holding up what needs no check.
    assert len(history_calls(baton)) == 1
    assert all_keys(baton)["fresh:1"] == 1 and all_keys(baton)["fresh:2"] == 1
    waiting = [r for r in rows(baton).values() if r.status == OutboxStatus.PENDING]
    assert len(waiting) == 4
    assert all(r.last_error and "history" in r.last_error for r in waiting)

    sweep_minutes(baton, 2)
    assert all_keys(baton) == Counter(
        {f"{c}:{s}": 1 for c in CHANNELS for s in ("posted", "not-posted")}
        | {"fresh:1": 1, "fresh:2": 1}
    )
    assert {r.status for r in rows(baton).values()} == {OutboxStatus.SENT}
    # One page per conversation answered for both of its rows.
    assert len(history_calls(baton)) == len(CHANNELS)
    assert_within_limits(baton)


def test_the_minute_is_shared_by_every_process(
    baton_factory: Any, limited: RunningBaton, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = limited
    second: RunningBaton = baton_factory(database_url, history_limited=True)
    for channel in CHANNELS[:2]:
        enqueue(first, f"{channel}:posted", channel)
    crash_after_slack_accepted(first, monkeypatch)
    first.clock.advance(first.services.deliverer.lease)
    first.services.deliverer.sweep(batch=1)  # one conversation: its check spends the minute
    assert len(history_calls(first)) == 1
    second.sweep()  # the other process sees the minute spent and waits
    assert len(history_calls(first)) == 1
    assert rows(first)[f"{CHANNELS[1]}:posted"].status == OutboxStatus.PENDING
    first.clock.advance(timedelta(minutes=1))
    second.sweep()
    assert all_keys(first) == Counter({f"{c}:posted": 1 for c in CHANNELS[:2]})
    assert_within_limits(first)


def test_a_thread_reply_is_looked_for_in_its_thread(
    limited: RunningBaton, monkeypatch: pytest.MonkeyPatch
) -> None:
    baton = limited
    enqueue(baton, "parent", CHANNELS[0])
    baton.sweep()
    enqueue(baton, "reply:posted", CHANNELS[0], parent_key="parent")
    enqueue(baton, "channel:posted", CHANNELS[1])
    crash_after_slack_accepted(baton, monkeypatch)
    enqueue(baton, "reply:not-posted", CHANNELS[0], parent_key="parent")
    claim_and_die(baton)

    baton.clock.advance(baton.services.deliverer.lease)
    baton.sweep()  # replies and history each have their own minute
    assert len(history_calls(baton, REPLIES)) == 1 and len(history_calls(baton)) == 1
    replies = history_calls(baton, REPLIES)[0]
    assert replies.params["ts"] == rows(baton)["parent"].sent_ts
    sweep_minutes(baton, 1)
    assert all_keys(baton) == Counter(
        {"parent": 1, "reply:posted": 1, "reply:not-posted": 1, "channel:posted": 1}
    )
    thread = [m for m in baton.standin.messages(CHANNELS[0]) if m.get("thread_ts")]
    assert len(thread) == 2
    assert {r.status for r in rows(baton).values()} == {OutboxStatus.SENT}
    assert_within_limits(baton)


def test_a_full_page_that_does_not_reach_the_attempt_waits_and_reads_on(
    limited: RunningBaton, monkeypatch: pytest.MonkeyPatch
) -> None:
    baton = limited
    enqueue(baton, "buried", CHANNELS[0])
    crash_after_slack_accepted(baton, monkeypatch)
    # A busy channel: 20 messages by people after Baton's, before the row is looked for.
    people = WebClient(token=BOT_TOKEN, base_url=baton.standin.url)
    baton.clock.advance(timedelta(seconds=30))
    for n in range(20):
        people.chat_postMessage(channel=CHANNELS[0], text=f"chatter {n}")

    baton.clock.advance(baton.services.deliverer.lease)
    baton.sweep()
    first = history_calls(baton)[0]
    assert len(first.response["messages"]) == 15 and first.response["has_more"]
    waiting = rows(baton)["buried"]
    assert waiting.status == OutboxStatus.PENDING  # unsure: neither posted nor given up
    assert keys_in(baton, CHANNELS[0])["buried"] == 1

    baton.sweep()  # due again only once the minute is over: no call, no post
    assert len(history_calls(baton)) == 1
    sweep_minutes(baton, 1)
    second = history_calls(baton)[1]
    # The next window starts where the first page ended.
    oldest_seen = min(float(m["ts"]) for m in first.response["messages"])
    assert float(second.params["latest"]) == pytest.approx(oldest_seen, abs=1e-5)
    assert keys_in(baton, CHANNELS[0])["buried"] == 1
    found = rows(baton)["buried"]
    assert found.status == OutboxStatus.SENT and found.sent_ts
    assert_within_limits(baton)


def test_a_429_from_history_holds_the_minute_and_the_row_waits(
    limited: RunningBaton, monkeypatch: pytest.MonkeyPatch
) -> None:
    baton = limited
    enqueue(baton, "posted", CHANNELS[0])
    crash_after_slack_accepted(baton, monkeypatch)
    baton.standin.fail_next(method=HISTORY, status=429, retry_after=90)
    baton.clock.advance(baton.services.deliverer.lease)
    baton.sweep()
    assert rows(baton)["posted"].status == OutboxStatus.PENDING
    sweep_minutes(baton, 1)  # 60 s: Retry-After said 90
    assert [c.status for c in history_calls(baton)] == [429]
    sweep_minutes(baton, 1)
    assert [c.status for c in history_calls(baton)] == [429, 200]
    assert keys_in(baton, CHANNELS[0]) == Counter({"posted": 1})
    assert rows(baton)["posted"].status == OutboxStatus.SENT
