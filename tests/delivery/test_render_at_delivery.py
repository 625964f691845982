"""A message says what is true when it is sent: a handoff's messages (and a blocker's, a
publish's reminders and chases) are rendered from the state at that moment, not as it was when
the row was written."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.handoffs.lifecycle import HandoffState
from bot.ids import MetadataEvent
from store import outbox
from store.models import OutboxMessage, OutboxStatus
from tests.conftest import RunningBaton
from tests.graph.test_blocked_flow import blocked
from tests.graph.test_blocker_reminders import kpi_blocked
from tests.handoffs.test_lifecycle import click, handoff_row, made, post

NUDGE = "handoff:1:nudge"


def claim_the_nudge(baton: RunningBaton) -> OutboxMessage:
    """A sweeper takes the nudge at act-by; what follows happens while it holds it."""
    rows = outbox.claim_due(
        baton.services.db,
        now=baton.clock.now() + timedelta(hours=1),
        lease=timedelta(minutes=2),
        limit=1,
        keys=[NUDGE],
    )
    assert [r.idempotency_key for r in rows] == [NUDGE]
    return rows[0]


def posted(baton: RunningBaton, key: str) -> list[dict[str, Any]]:
    """What Baton asked Slack to post under `key` (not what a later edit made of it)."""
    return [
        call.params
        for call in baton.standin.calls_to("chat.postMessage")
        if (call.params.get("metadata") or {}).get("event_type") == MetadataEvent.OUTBOX
        and call.params["metadata"]["event_payload"]["key"] == key
    ]


def shown(baton: RunningBaton, params: dict[str, Any]) -> str:
    blocks = params.get("blocks") or []
    return baton.standin.render(blocks if isinstance(blocks, list) else [], params.get("text", ""))


def test_a_nudge_edited_between_its_write_and_its_send_shows_the_edit(
    baton_factory: Any,
) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H", escalate_after="PT1H")
    made(baton)
    nudge = claim_the_nudge(baton)

    click(baton, post(baton), "Edit", "U0CAI")
    modal = baton.slack.last_view()
    answer = baton.slack.submit(
        modal, {"Next action": "Publish on LinkedIn at 9", "Status": "Copy final"}, user="U0CAI"
    )
    assert answer.text in ("", "null"), answer.text
    baton.services.deliverer.deliver(nudge)

    [sent] = posted(baton, NUDGE)
    assert "Publish on LinkedIn at 9" in sent["text"]
    assert "Publish on LinkedIn at 9" in shown(baton, sent)
    assert "Publish the copy on LinkedIn" not in shown(baton, sent)


def test_a_withdrawn_handoffs_pending_nudge_is_never_sent(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H", escalate_after="PT1H")
    made(baton)
    nudge = claim_the_nudge(baton)
    click(baton, post(baton), "Withdraw", "U0CAI")
    assert handoff_row(baton).state == HandoffState.WITHDRAWN

    baton.services.deliverer.deliver(nudge)
    baton.clock.advance(timedelta(days=2))
    baton.sweep()

    assert posted(baton, NUDGE) == []
    with baton.services.db.read() as session:
        row = outbox.find(session, NUDGE)
        assert row is not None and row.status == OutboxStatus.CANCELLED


def test_a_blocker_reminder_for_an_item_done_while_it_was_being_sent_is_not_sent(
    baton_factory: Any,
) -> None:
    baton: RunningBaton = baton_factory()
    kpi_blocked(baton)
    baton.clock.advance(timedelta(hours=2, minutes=1))
    baton.services.graph.enqueue_blocker_escalations(lambda user: "Asia/Kolkata")
    rows = outbox.claim_due(
        baton.services.db, now=baton.clock.now(), lease=timedelta(minutes=2), limit=10
    )
    [reminder] = [r for r in rows if r.kind == "blocker_dm"]
    blocked(baton, '"instrumentation metadata" done', user="U0DEE")
    baton.services.deliverer.deliver(reminder)
    assert [m for m in baton.standin.dms("U0DEE") if "is blocking" in m["text"]] == []
    with baton.services.db.read() as session:
        assert session.get(OutboxMessage, reminder.id).status == OutboxStatus.CANCELLED
