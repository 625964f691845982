"""A lifecycle button or form acted on twice (a double click, Submit pressed twice, a retried
request) over signed HTTP: the second is answered as a repeat, and nothing is sent or recorded
twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import col, select

from store.models import HandoffStateChange
from tests.conftest import RunningBaton
from tests.handoffs.test_lifecycle import (
    click,
    dms,
    escalated,
    handoff_row,
    history,
    last_ephemeral,
    made,
    post,
    shown,
)


def saying(baton: RunningBaton, user: str, words: str) -> list[str]:
    return [text for m in dms(baton, user) if words in (text := shown(baton, m))]


def notes(baton: RunningBaton) -> list[str]:
    with baton.services.db.read() as session:
        return [
            c.note or ""
            for c in session.exec(
                select(HandoffStateChange).order_by(col(HandoffStateChange.id))
            ).all()
        ]


def test_reach_them_twice_reaches_the_next_owner_once(baton_factory: Any) -> None:
    baton = escalated(baton_factory)
    escalation = dms(baton, "U0BEN")[0]  # as shown before the first click lands
    click(baton, escalation, "Reach them", "U0BEN")
    click(baton, escalation, "Reach them", "U0BEN")
    assert len(saying(baton, "U0ANA", "@ben is reaching you")) == 1
    assert notes(baton).count("reaching the next owner") == 1
    assert "You reached @ana already" in last_ephemeral(baton, "U0BEN")


def test_reach_them_after_a_snooze_moved_the_act_by_reaches_them_again(
    baton_factory: Any,
) -> None:
    baton = escalated(baton_factory)
    click(baton, dms(baton, "U0BEN")[0], "Reach them", "U0BEN")
    # Ana snoozes to a later act-by and misses that one too: Ben may reach her again.
    click(baton, dms(baton, "U0ANA")[0], "Snooze", "U0ANA")
    later = int((baton.clock.now() + timedelta(hours=1)).timestamp())
    answer = baton.slack.submit(baton.slack.last_view(), {"New act by": later}, user="U0ANA")
    assert answer.text in ("", "null"), answer.text
    baton.clock.advance(timedelta(hours=2))
    baton.sweep()
    escalation = dms(baton, "U0BEN")[-1]
    assert "[ Reach them ]" in shown(baton, escalation)
    click(baton, escalation, "Reach them", "U0BEN")
    assert len(saying(baton, "U0ANA", "@ben is reaching you")) == 2
    assert notes(baton).count("reaching the next owner") == 2


def test_the_same_snooze_form_submitted_twice_snoozes_once(baton: RunningBaton) -> None:
    made(baton)
    click(baton, dms(baton, "U0ANA")[0], "Snooze", "U0ANA")
    modal = baton.slack.last_view()
    later = int(datetime(2026, 11, 24, 18, 0, tzinfo=UTC).timestamp())
    for _ in range(2):
        answer = baton.slack.submit(modal, {"New act by": later}, user="U0ANA")
        assert answer.status_code == 200 and answer.text in ("", "null"), answer.text
    assert len(saying(baton, "U0CAI", "@ana snoozed")) == 1
    assert sum(note.startswith("snoozed to") for note in notes(baton)) == 1


def test_take_over_twice_is_answered_as_done_already(baton_factory: Any) -> None:
    baton = escalated(baton_factory)
    escalation = dms(baton, "U0BEN")[0]
    click(baton, escalation, "Take over", "U0BEN")
    click(baton, escalation, "Take over", "U0BEN")
    again = last_ephemeral(baton, "U0BEN")
    assert "You took over launch copy already" in again, again
    assert "only @cai" not in again
    assert len(saying(baton, "U0ANA", "@ben took over from @ana")) == 1
    assert len(saying(baton, "U0CAI", "@ben took over from @ana")) == 1
    assert len(saying(baton, "U0BEN", "You took over launch copy")) == 1
    assert [h[1] for h in history(baton)].count("taken_over") == 1
    assert handoff_row(baton).next_owner_id == "U0BEN"


def test_the_same_edit_form_submitted_twice_edits_once(baton: RunningBaton) -> None:
    made(baton)
    click(baton, post(baton), "Edit", "U0CAI")
    modal = baton.slack.last_view()
    for _ in range(2):
        answer = baton.slack.submit(modal, {"Next action": "Publish at 9"}, user="U0CAI")
        assert answer.status_code == 200 and answer.text in ("", "null"), answer.text
    assert notes(baton).count("edited") == 1
