"""Upgrading past 0009 (outbox kind and payload) with messages in flight: rows written by the
old code, pending, sending with a lease that ran out, or sent, are named by the migration and
then each one that is owed goes out exactly once; what was sent never goes again."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import select

from bot.ids import MetadataEvent
from store.db import Database
from store.migrate import upgrade
from store.models import OutboxMessage, OutboxStatus, WorkItem
from store.types import UTCDateTime
from tests.conftest import START, RunningBaton

# A handoff as revision 0008 left the table (no escalation policy).
OLD_HANDOFF = sa.table(
    "handoff",
    *(
        sa.column(name)
        for name in (
            "work_item_id",
            "channel_id",
            "author_id",
            "status",
            "next_owner_id",
            "next_action",
            "backup_owner_id",
            "state",
            "urgency",
            "revision",
        )
    ),
    sa.column("done", sa.JSON),
    sa.column("open", sa.JSON),
    sa.column("act_by", UTCDateTime()),
    sa.column("created_at", UTCDateTime()),
)

# The outbox as revision 0008 left it: no kind, no payload.
OLD_OUTBOX = sa.table(
    "outbox",
    sa.column("idempotency_key", sa.String),
    sa.column("op", sa.String),
    sa.column("target", sa.String),
    sa.column("parent_key", sa.String),
    sa.column("text", sa.String),
    sa.column("blocks", sa.JSON),
    sa.column("handoff_id", sa.Integer),
    sa.column("needs_unacknowledged", sa.Boolean),
    sa.column("after_key", sa.String),
    sa.column("notify_on_failure", sa.String),
    sa.column("status", sa.String),
    sa.column("due_at", UTCDateTime),
    sa.column("lease_until", UTCDateTime),
    sa.column("attempts", sa.Integer),
    sa.column("sent_channel", sa.String),
    sa.column("sent_ts", sa.String),
    sa.column("created_at", UTCDateTime),
    sa.column("updated_at", UTCDateTime),
)


def old_row(key: str, target: str, **values: Any) -> dict[str, Any]:
    """A row as the code before 0009 wrote it (its text rendered at write time)."""
    row = {
        "idempotency_key": key,
        "op": "post",
        "target": target,
        "parent_key": None,
        "text": f"written before the upgrade: {key}",
        "blocks": [],
        "handoff_id": 1,
        "needs_unacknowledged": False,
        "after_key": None,
        "notify_on_failure": "U0ANA",
        "status": OutboxStatus.PENDING.value,
        "due_at": START,
        "lease_until": None,
        "attempts": 0,
        "sent_channel": None,
        "sent_ts": None,
        "created_at": START,
        "updated_at": START,
    }
    return row | values


def write_old_database(url: str) -> None:
    db = Database(url)
    try:
        upgrade(db, "0008")
        with db.write() as session:
            session.add(
                WorkItem(
                    channel_id="C0LAUNCH",
                    name="launch copy",
                    name_key="launch copy",
                    owner_id="U0BEN",
                    created_at=START,
                )
            )
            session.flush()
            # As 0008 left the table: written column by column, not through today's model.
            session.execute(
                sa.insert(OLD_HANDOFF),
                [
                    {
                        "work_item_id": 1,
                        "channel_id": "C0LAUNCH",
                        "author_id": "U0ANA",
                        "status": "Draft in the doc",
                        "done": ["outline"],
                        "open": ["tone"],
                        "next_owner_id": "U0BEN",
                        "next_action": "Edit the draft",
                        "backup_owner_id": "U0CAI",
                        "act_by": START - timedelta(hours=3),
                        "created_at": START - timedelta(hours=6),
                        "state": "open",
                        "urgency": "normal",
                        "revision": 0,
                    }
                ],
            )
            session.flush()
            expired = START - timedelta(minutes=1)
            post, dm = "handoff:1:post", "handoff:1:escalate-dm"
            session.execute(
                sa.insert(OLD_OUTBOX),
                [
                    old_row(post, "C0LAUNCH"),
                    old_row("handoff:1:dm", "U0BEN", after_key=post),
                    # A sweeper died mid-send: nothing reached Slack.
                    old_row(
                        "handoff:1:nudge",
                        "U0BEN",
                        status="sending",
                        lease_until=expired,
                        attempts=1,
                        needs_unacknowledged=True,
                        after_key=post,
                    ),
                    # A sweeper died after Slack took it, before it was marked sent.
                    old_row(
                        dm,
                        "U0CAI",
                        status="sending",
                        lease_until=expired,
                        attempts=1,
                        needs_unacknowledged=True,
                        after_key=post,
                    ),
                    old_row(
                        "handoff:1:escalate-thread",
                        "C0LAUNCH",
                        parent_key=post,
                        after_key=dm,
                        needs_unacknowledged=True,
                    ),
                    old_row(
                        "handoff:1:notice:r1:U0CAI",
                        "U0CAI",
                        status="sent",
                        sent_channel="D0CAI",
                        sent_ts="1.000001",
                    ),
                ],
            )
    finally:
        db.dispose()


def keys_posted(baton: RunningBaton) -> Counter[str]:
    seen: Counter[str] = Counter()
    conversations = [baton.standin.messages("C0LAUNCH")]
    conversations += [baton.standin.dms(user) for user in ("U0ANA", "U0BEN", "U0CAI")]
    for message in (m for messages in conversations for m in messages):
        metadata = message.get("metadata") or {}
        if metadata.get("event_type") == MetadataEvent.OUTBOX:
            seen[metadata["event_payload"]["key"]] += 1
    return seen


def test_messages_in_flight_across_the_upgrade_go_out_exactly_once(
    baton_factory: Any, database_url: str
) -> None:
    write_old_database(database_url)
    baton: RunningBaton = baton_factory(database_url)  # upgrades to head
    with baton.services.db.read() as session:
        kinds = {r.idempotency_key: r.kind for r in session.exec(select(OutboxMessage))}
    assert kinds == {
        "handoff:1:post": "handoff_post",
        "handoff:1:dm": "handoff_dm",
        "handoff:1:nudge": "handoff_nudge",
        "handoff:1:escalate-dm": "escalation_dm",
        "handoff:1:escalate-thread": "escalation_thread",
        "handoff:1:notice:r1:U0CAI": "handoff_notice",
    }
    # What the crashed sweeper got into Slack before it died.
    client = baton.services.client
    channel = client.conversations_open(users="U0CAI")["channel"]["id"]
    client.chat_postMessage(
        channel=channel,
        text="sent before the crash",
        metadata={
            "event_type": MetadataEvent.OUTBOX,
            "event_payload": {"key": "handoff:1:escalate-dm"},
        },
    )

    baton.sweep()
    baton.clock.advance(timedelta(minutes=5))
    baton.sweep()

    assert keys_posted(baton) == {
        "handoff:1:post": 1,
        "handoff:1:dm": 1,
        "handoff:1:nudge": 1,
        "handoff:1:escalate-dm": 1,
        "handoff:1:escalate-thread": 1,
    }
    with baton.services.db.read() as session:
        statuses = {r.idempotency_key: r.status for r in session.exec(select(OutboxMessage))}
    assert set(statuses.values()) == {OutboxStatus.SENT}
