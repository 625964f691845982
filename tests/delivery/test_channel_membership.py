"""Channel membership as Slack has it: Baton joins before it posts, reads its own posts back
after a crash without ever posting blind, and asks to be invited where it cannot post."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import SQLModel, select

from bot.ids import MetadataEvent
from store import outbox
from store.db import Database
from store.models import OutboxMessage, OutboxStatus
from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import GOOD_FORM, wait_for

FRESH = "C0FRESH"  # a public channel Baton has never joined
SECRET = "C0SECRET"  # a private channel


def keys_in(baton: RunningBaton, channel: str) -> Counter[str]:
    seen: Counter[str] = Counter()
    for message in baton.standin.messages(channel):
        metadata = message.get("metadata") or {}
        if metadata.get("event_type") == MetadataEvent.OUTBOX:
            seen[metadata["event_payload"]["key"]] += 1
    return seen


def row(baton: RunningBaton, key: str) -> OutboxMessage:
    with baton.services.db.read() as session:
        found = outbox.find(session, key)
    assert found is not None
    return found


def hand_off_in(baton: RunningBaton, channel: str) -> None:
    opened = len(baton.standin.calls_to("views.open"))
    assert baton.slack.command("/handoff", "launch copy", user="U0CAI", channel=channel).ok
    wait_for(lambda: baton.standin.calls_to("views.open"), count=opened + 1)
    response = baton.slack.submit(baton.slack.last_view(), GOOD_FORM, user="U0CAI")
    assert response.status_code == 200 and "errors" not in response.text
    wait_for(lambda: baton.standin.messages(channel))


def enqueue(baton: RunningBaton, key: str, channel: str) -> None:
    """A row written by another process (a commit sends only its own process's rows at once):
    this one waits for the sweep the test runs by hand."""
    now = baton.clock.now()
    elsewhere = Database(baton.services.settings.database_url)
    try:
        with elsewhere.write() as session:
            outbox.enqueue(
                session,
                outbox.NewMessage(key=key, target=channel, text="hello", blocks=[], due_at=now),
                now=now,
            )
    finally:
        elsewhere.dispose()


def crash_after_slack_accepted(
    baton: RunningBaton, key: str, monkeypatch: pytest.MonkeyPatch, channel: str = FRESH
) -> None:
    """The process dies after Slack took the message and before the database heard of it."""
    real_mark_sent = outbox.mark_all_sent

    def die(*args: Any, **kwargs: Any) -> None:
        raise SystemExit("killed after Slack accepted the message")

    monkeypatch.setattr(outbox, "mark_all_sent", die)
    with pytest.raises(SystemExit):
        baton.services.deliverer.sweep()  # runs the delivery to the end, here
    baton.services.deliverer._marks.clear()  # what a real crash loses: marks not yet written
    monkeypatch.setattr(outbox, "mark_all_sent", real_mark_sent)
    assert keys_in(baton, channel)[key] == 1
    assert row(baton, key).status == OutboxStatus.SENDING


# -- joining before posting ---------------------------------------------------------------


def test_baton_joins_a_public_channel_before_its_first_post_there(baton: RunningBaton) -> None:
    baton.standin.add_channel(FRESH, "fresh")
    hand_off_in(baton, FRESH)
    assert baton.standin.bot_is_member(FRESH)
    methods = [(c.method, c.params.get("channel")) for c in baton.standin.calls]
    first_post = methods.index(("chat.postMessage", FRESH))
    assert ("conversations.join", FRESH) in methods[:first_post]
    # Once per process: the next handoff there posts without asking again.
    hand_off_in(baton, FRESH)
    wait_for(lambda: baton.standin.messages(FRESH), count=2)
    joins = [
        c for c in baton.standin.calls_to("conversations.join") if c.params["channel"] == FRESH
    ]
    assert len(joins) == 1


def test_a_token_without_channels_join_still_posts_with_chat_write_public(
    baton: RunningBaton,
) -> None:
    baton.standin.add_channel(FRESH, "fresh")
    baton.standin.remove_scope("channels:join")  # installed before the manifest asked for it
    hand_off_in(baton, FRESH)
    assert baton.standin.calls_to("conversations.join")[-1].response["error"] == "missing_scope"
    assert keys_in(baton, FRESH)["handoff:1:post"] == 1
    assert row(baton, "handoff:1:post").status == OutboxStatus.SENT


# -- reconciliation after a crash -----------------------------------------------------------


def test_a_crash_mid_delivery_in_a_channel_never_joined_delivers_exactly_once(
    baton_factory: Any, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first: RunningBaton = baton_factory(database_url)
    first.standin.add_channel(FRESH, "fresh")
    assert not first.standin.bot_is_member(FRESH)
    enqueue(first, "crash:1", FRESH)
    crash_after_slack_accepted(first, "crash:1", monkeypatch)

    # A new process takes the row over once the lease ran out: it knows of no joined channel.
    second: RunningBaton = baton_factory(database_url)
    second.clock.advance(second.services.deliverer.lease)
    second.sweep()
    assert keys_in(second, FRESH) == Counter({"crash:1": 1})
    sent = row(second, "crash:1")
    assert sent.status == OutboxStatus.SENT and sent.sent_ts
    assert second.standin.calls_to("conversations.history")[-1].response["ok"]


@pytest.mark.parametrize("is_mpim", [False, True], ids=["private channel", "group DM"])
def test_a_crash_mid_delivery_where_baton_was_invited_delivers_exactly_once(
    baton: RunningBaton, monkeypatch: pytest.MonkeyPatch, is_mpim: bool
) -> None:
    # Each kind of conversation takes its own history scope (groups:history, mpim:history);
    # the stand-in grants what manifest.yml asks for.
    baton.standin.add_channel(SECRET, "secret", is_private=True, is_mpim=is_mpim, bot_member=True)
    enqueue(baton, "crash:1", SECRET)
    crash_after_slack_accepted(baton, "crash:1", monkeypatch, SECRET)
    baton.clock.advance(baton.services.deliverer.lease)
    baton.sweep()
    assert keys_in(baton, SECRET) == Counter({"crash:1": 1})
    assert row(baton, "crash:1").status == OutboxStatus.SENT


def test_a_post_made_without_joining_is_found_after_joining(
    baton: RunningBaton, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first attempt posted with chat:write.public and Baton is not (or no longer) in the
    channel: history answers not_in_channel, so Baton joins and reads again."""
    baton.standin.add_channel(FRESH, "fresh")
    enqueue(baton, "crash:1", FRESH)
    crash_after_slack_accepted(baton, "crash:1", monkeypatch)
    baton.standin.remove_bot(FRESH)  # /remove @Baton; this process still thinks it is in

    baton.clock.advance(baton.services.deliverer.lease)
    baton.sweep()
    history = [c.response for c in baton.standin.calls_to("conversations.history")]
    assert [h.get("error") for h in history] == ["not_in_channel", None]
    assert keys_in(baton, FRESH) == Counter({"crash:1": 1})
    assert row(baton, "crash:1").status == OutboxStatus.SENT


@pytest.mark.parametrize("why", ["no channels:join", "removed from a private channel"])
def test_history_that_stays_unreadable_keeps_the_row_and_never_posts_blind(
    baton: RunningBaton, monkeypatch: pytest.MonkeyPatch, why: str
) -> None:
    standin = baton.standin
    if why == "no channels:join":
        standin.add_channel(FRESH, "fresh")
    else:
        standin.add_channel(FRESH, "fresh", is_private=True, bot_member=True)
    enqueue(baton, "crash:1", FRESH)
    crash_after_slack_accepted(baton, "crash:1", monkeypatch)
    if why == "no channels:join":
        standin.remove_bot(FRESH)
        standin.remove_scope("channels:join")
    else:
        standin.remove_bot(FRESH)  # history now answers channel_not_found

    deliverer = baton.services.deliverer
    baton.clock.advance(deliverer.lease)
    for _ in range(deliverer.max_attempts + 2):  # more tries than would fail a row
        baton.sweep()
        baton.clock.advance(deliverer.max_backoff)
    waiting = row(baton, "crash:1")
    assert waiting.status == OutboxStatus.PENDING
    assert waiting.last_error and waiting.last_error.startswith("history unreadable")
    assert keys_in(baton, FRESH) == Counter({"crash:1": 1})

    # Someone fixes it (reinstalls with the scope / invites Baton back): found, not re-posted.
    if why == "no channels:join":
        standin.grant_scope("channels:join")
    else:
        standin.invite_bot(FRESH)
    baton.sweep()
    assert keys_in(baton, FRESH) == Counter({"crash:1": 1})
    assert row(baton, "crash:1").status == OutboxStatus.SENT


def test_a_history_outage_is_waited_out_without_failing_the_row(
    baton: RunningBaton, monkeypatch: pytest.MonkeyPatch
) -> None:
    baton.standin.add_channel(FRESH, "fresh")
    enqueue(baton, "crash:1", FRESH)
    crash_after_slack_accepted(baton, "crash:1", monkeypatch)
    deliverer = baton.services.deliverer
    outage = deliverer.max_attempts + 2
    baton.standin.fail_next(method="conversations.history", status=500, times=outage)
    baton.clock.advance(deliverer.lease)
    for _ in range(outage):
        baton.sweep()
        assert row(baton, "crash:1").status == OutboxStatus.PENDING
        baton.clock.advance(deliverer.backoff)
    baton.sweep()
    assert keys_in(baton, FRESH) == Counter({"crash:1": 1})
    assert row(baton, "crash:1").status == OutboxStatus.SENT


# -- commands where Baton cannot post ---------------------------------------------------------


def stored_rows(baton: RunningBaton) -> dict[str, int]:
    with baton.services.db.read() as session:
        return {
            table.name: session.exec(select(func.count()).select_from(table)).one()
            for table in SQLModel.metadata.sorted_tables
        }


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("/handoff", "launch copy"),
        ("/blocked", '"KPI capture" on "instrumentation metadata" @U0DEE because no UTM labels'),
        ("/blocked", ""),
        ("/publish", "spring launch"),
    ],
)
@pytest.mark.parametrize("where", ["private channel", "group DM"])
def test_a_command_where_baton_is_not_a_member_asks_to_be_invited(
    baton: RunningBaton, command: str, text: str, where: str
) -> None:
    standin = baton.standin
    if where == "private channel":
        standin.add_channel(SECRET, "secret", is_private=True)
    else:
        standin.add_channel(SECRET, "mpdm-ana--cai--dee-1", is_mpim=True)
    before = stored_rows(baton)
    calls_before = len(standin.calls)
    started = time.monotonic()
    response = baton.slack.command(command, text, user="U0CAI", channel=SECRET)
    assert time.monotonic() - started < 3
    assert response.status_code == 200
    reply = response.json()
    assert reply["response_type"] == "ephemeral"
    assert reply["text"].startswith("Invite me first: `/invite @Baton`")
    assert command in reply["text"]
    time.sleep(0.2)  # anything done after the ack would show by now
    assert stored_rows(baton) == before
    # No Web API call, no response_url post (auth.test is Bolt's, once per process).
    assert [c.method for c in standin.calls[calls_before:] if c.method != "auth.test"] == []


def test_once_invited_the_command_works(baton: RunningBaton) -> None:
    baton.standin.add_channel(SECRET, "secret", is_private=True)
    assert "Invite me first" in baton.slack.command("/handoff", user="U0CAI", channel=SECRET).text
    baton.standin.invite_bot(SECRET)  # /invite @Baton
    hand_off_in(baton, SECRET)
    assert keys_in(baton, SECRET)["handoff:1:post"] == 1
    # A private channel takes no conversations.join; Baton was invited, and posts.
    joins = baton.standin.calls_to("conversations.join")
    assert [c.response.get("error") for c in joins] == ["method_not_supported_for_channel_type"]
