"""Two people changing one handoff at once, on PostgreSQL (SQLite serialises writers): the
next owner presses Done while the author presses Withdraw. One wins; the history, the post and
the loser's reply agree."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select

from store.models import HandoffStateChange
from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import GOOD_FORM, open_modal
from tests.slack.test_ack_path import unsettled
from tests.slack.test_races import TRIES, at_once, rendered


@pytest.fixture
def baton(baton_factory: Any, postgres_url: str) -> RunningBaton:
    running: RunningBaton = baton_factory(postgres_url)
    return running


def test_done_and_withdraw_at_once_change_the_handoff_once(baton: RunningBaton) -> None:
    for n in range(TRIES):
        view = open_modal(baton, text=f"item {n}")
        baton.slack.submit(view, {**GOOD_FORM, "Work item": f"item {n}"}, user="U0CAI")
    posts = [m for m in baton.standin.messages("C0LAUNCH") if not m.get("thread_ts")]
    dms = baton.standin.dms("U0ANA")
    assert len(posts) == len(dms) == TRIES
    driver = unsettled(baton)
    for post, dm in zip(posts, dms, strict=True):
        at_once(
            [
                lambda d=dm: driver.click(d, "Done", user="U0ANA", channel=d["channel"]),
                lambda p=post: driver.click(p, "Withdraw", user="U0CAI", channel="C0LAUNCH"),
            ]
        )
    assert baton.services.settle(timeout=30)
    with baton.services.db.read() as session:
        changes = session.exec(
            select(HandoffStateChange).order_by(col(HandoffStateChange.id))
        ).all()
    final: dict[int, list[str]] = {}
    for change in changes:
        if change.to_state in ("done", "withdrawn"):
            final.setdefault(change.handoff_id, []).append(change.to_state)
    assert sorted(final) == list(range(1, TRIES + 1))
    assert all(len(states) == 1 for states in final.values()), final
    current = [m for m in baton.standin.messages("C0LAUNCH") if not m.get("thread_ts")]
    for n, post in enumerate(current, start=1):
        shown = rendered(baton, post)
        expected = "Done: marked by @ana" if final[n] == ["done"] else "Withdrawn by @cai"
        assert expected in shown, (n, final[n], shown)
