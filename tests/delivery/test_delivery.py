"""Delivery against a misbehaving Slack: 429s, 500s, slow answers, a crash mid-send."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest

from bot.ids import MetadataEvent
from store import outbox
from store.db import Database
from store.models import OutboxMessage, OutboxStatus
from tests.conftest import RunningBaton
from tests.handoffs.test_escalation import advance, hand_off


def keys_posted(baton: RunningBaton) -> Counter[str]:
    """How often each outbox key reached Slack, read from message metadata."""
    seen: Counter[str] = Counter()
    conversations = [baton.standin.messages("C0LAUNCH")]
    conversations += [baton.standin.dms(user) for user in ("U0ANA", "U0BEN", "U0CAI")]
    for messages in conversations:
        for message in messages:
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == MetadataEvent.OUTBOX:
                seen[metadata["event_payload"]["key"]] += 1
    return seen


def rows(baton: RunningBaton) -> dict[str, OutboxMessage]:
    with baton.services.db.read() as session:
        from sqlmodel import select

        return {r.idempotency_key: r for r in session.exec(select(OutboxMessage)).all()}


@pytest.fixture
def nudge_due(baton_factory: Any) -> RunningBaton:
    baton: RunningBaton = baton_factory(act_within="PT1H", escalate_after="PT1H")
    hand_off(baton)
    baton.clock.advance(timedelta(hours=1))
    return baton


def test_429_is_waited_out_and_sent_once(nudge_due: RunningBaton) -> None:
    baton = nudge_due
    baton.standin.fail_next(method="chat.postMessage", status=429, retry_after=1, times=1)
    baton.sweep()
    assert rows(baton)["handoff:1:nudge"].status == OutboxStatus.PENDING
    advance(baton, timedelta(seconds=1))
    statuses = [c.status for c in baton.standin.calls_to("chat.postMessage")][-2:]
    assert statuses == [429, 200]
    assert keys_posted(baton)["handoff:1:nudge"] == 1


def test_persistent_429_leaves_the_row_pending_until_retry_after(nudge_due: RunningBaton) -> None:
    baton = nudge_due
    baton.standin.fail_next(method="chat.postMessage", status=429, retry_after=2, times=2)
    baton.sweep()
    advance(baton, timedelta(seconds=1))  # before Retry-After: nothing is tried
    assert [c.status for c in baton.standin.calls_to("chat.postMessage")][-1:] == [429]
    assert rows(baton)["handoff:1:nudge"].status == OutboxStatus.PENDING
    advance(baton, timedelta(seconds=1))
    advance(baton, timedelta(seconds=2))
    assert [c.status for c in baton.standin.calls_to("chat.postMessage")][-3:] == [429, 429, 200]
    assert keys_posted(baton)["handoff:1:nudge"] == 1


def test_server_errors_are_retried_with_backoff_without_double_posting(
    nudge_due: RunningBaton,
) -> None:
    baton = nudge_due
    baton.standin.fail_next(method="chat.postMessage", status=500, times=2)
    baton.sweep()
    row = rows(baton)["handoff:1:nudge"]
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    for _ in range(4):
        advance(baton, timedelta(seconds=30))
    assert keys_posted(baton)["handoff:1:nudge"] == 1
    # Retries checked Slack for an earlier copy before posting again.
    assert baton.standin.calls_to("conversations.history")


def test_a_crash_between_slack_and_the_database_leaves_exactly_one_message(
    nudge_due: RunningBaton, monkeypatch: pytest.MonkeyPatch
) -> None:
    baton = nudge_due
    real_mark_sent = outbox.mark_all_sent

    def crash(*args: Any, **kwargs: Any) -> None:
        raise SystemExit("killed after Slack accepted the message")

    monkeypatch.setattr(outbox, "mark_all_sent", crash)
    with pytest.raises(SystemExit):
        baton.services.deliverer.sweep()
    monkeypatch.setattr(outbox, "mark_all_sent", real_mark_sent)
    assert keys_posted(baton)["handoff:1:nudge"] == 1
    assert rows(baton)["handoff:1:nudge"].status == OutboxStatus.SENDING

    baton.sweep()  # the lease still holds: nobody touches it
    assert keys_posted(baton)["handoff:1:nudge"] == 1
    advance(baton, baton.services.deliverer.lease)
    assert keys_posted(baton)["handoff:1:nudge"] == 1
    row = rows(baton)["handoff:1:nudge"]
    assert row.status == OutboxStatus.SENT and row.sent_ts


def test_slow_slack_still_gets_each_message_once(nudge_due: RunningBaton) -> None:
    baton = nudge_due
    baton.standin.set_delay("chat.postMessage", 0.3)
    baton.sweep()
    assert keys_posted(baton)["handoff:1:nudge"] == 1


def test_thread_replies_wait_for_their_parent(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H", escalate_after="PT1H")
    baton.standin.fail_next(method="chat.postMessage", status=500, times=1, channel="C0LAUNCH")
    hand_off_without_wait(baton)
    # The channel post failed once; the DM went out.
    assert keys_posted(baton)["handoff:1:post"] == 0
    advance(baton, timedelta(minutes=1))
    assert keys_posted(baton)["handoff:1:post"] == 1
    advance(baton, timedelta(hours=2))
    thread = [m for m in baton.standin.messages("C0LAUNCH") if m.get("thread_ts")]
    assert len(thread) == 1


def hand_off_without_wait(baton: RunningBaton) -> None:
    from tests.handoffs.test_handoff_flow import GOOD_FORM, open_modal, wait_for

    view = open_modal(baton)
    baton.slack.submit(view, GOOD_FORM, user="U0CAI")
    wait_for(lambda: baton.standin.dms("U0ANA"))


def test_a_sweep_takes_no_more_for_a_channel_than_its_lease_lets_it_pace(
    baton_factory: Any,
) -> None:
    # A 2 s lease and 1.5 s between posts: one post per channel fits in half a lease.
    baton: RunningBaton = baton_factory(delivery_lease="2")
    baton.services.deliverer.pacer.interval = 1.5
    now = baton.clock.now()
    elsewhere = Database(baton.services.settings.database_url)  # another process: no prompt send
    with elsewhere.write() as session:
        for n in range(3):
            outbox.enqueue(
                session,
                outbox.NewMessage(
                    key=f"burst:{n}", target="C0LAUNCH", text=f"m{n}", blocks=[], due_at=now
                ),
                now=now,
            )
    elsewhere.dispose()
    baton.services.deliverer.sweep()
    assert sorted(keys_posted(baton)) == ["burst:0"]
    assert {k: r.status for k, r in rows(baton).items() if k != "burst:0"} == {
        "burst:1": OutboxStatus.PENDING,
        "burst:2": OutboxStatus.PENDING,
    }
    baton.services.deliverer.sweep()
    baton.services.deliverer.sweep()
    assert keys_posted(baton) == Counter({"burst:0": 1, "burst:1": 1, "burst:2": 1})


def test_a_row_whose_lease_ran_out_while_waiting_its_turn_is_not_posted(
    nudge_due: RunningBaton,
) -> None:
    baton = nudge_due
    deliverer = baton.services.deliverer
    (row,) = outbox.claim_due(
        baton.services.db, now=baton.clock.now(), lease=timedelta(seconds=5), limit=1
    )
    baton.clock.advance(timedelta(seconds=6))  # e.g. a long pacer wait
    deliverer.deliver(row)
    assert keys_posted(baton)["handoff:1:nudge"] == 0
    baton.sweep()  # the next claim takes it over, checks Slack, and posts it once
    assert keys_posted(baton)["handoff:1:nudge"] == 1


def test_a_dm_linking_to_its_post_leaves_when_the_post_lands_without_polling(
    baton: RunningBaton, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The DM links to the channel post, so it waits for it; Slack takes 1 s over each post.
    # Waiting is woken by the post itself: a handful of database reads, not one per 20 ms.
    lookups: list[str] = []
    find = outbox.find

    def counted(session: Any, key: str) -> OutboxMessage | None:
        lookups.append(key)
        return find(session, key)

    monkeypatch.setattr(outbox, "find", counted)
    baton.standin.set_delay("chat.postMessage", 1.0)
    hand_off_without_wait(baton)
    assert baton.services.settle(timeout=15)
    [dm] = baton.standin.dms("U0ANA")
    post_ts = baton.standin.messages("C0LAUNCH")[0]["ts"]
    assert f"archives/C0LAUNCH/p{post_ts.replace('.', '')}" in json.dumps(dm)
    assert lookups.count("handoff:1:post") <= 6, f"{len(lookups)} reads while waiting"
