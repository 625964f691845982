"""Who may mark an item done, over signed HTTP: `/blocked <item> done` and the Resolved button
work for the item's owner, whoever declared an edge onto it, the owners of items waiting on it
and workspace admins; anyone else is told who can, and nothing changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from store.models import Dependency, OutboxMessage, WorkItem
from tests.conftest import RunningBaton
from tests.graph.test_blocked_flow import blocked, dm_texts, kpi_blocked  # noqa: F401  (fixture)
from tests.handoffs.test_handoff_flow import wait_for

ITEM = "instrumentation metadata"
# dee owns it, cai declared "KPI capture" onto it, ana owns KPI capture (its handoff).
ALLOWED = {"U0DEE": "owner", "U0CAI": "declarer", "U0ANA": "waiting owner", "U0ADM": "admin"}
REFUSAL = (
    "Only @dee (owner), @cai (declared an edge onto it), @ana (owns an item waiting on it) or a "
    f"workspace admin can mark {ITEM} done. Nothing was changed."
)


@pytest.fixture
def rights(kpi_blocked: RunningBaton) -> RunningBaton:  # noqa: F811
    kpi_blocked.standin.add_user("U0ADM", "adm", is_admin=True)
    return kpi_blocked


def snapshot(baton: RunningBaton) -> list[Any]:
    with baton.services.db.read() as session:
        return [
            [row.model_dump() for row in session.exec(select(table)).all()]
            for table in (WorkItem, Dependency, OutboxMessage)
        ]


def item_state(baton: RunningBaton) -> str:
    with baton.services.db.read() as session:
        item = session.exec(select(WorkItem).where(WorkItem.name == ITEM)).one()
        return item.state


@pytest.mark.parametrize("user", list(ALLOWED), ids=list(ALLOWED.values()))
def test_each_role_may_mark_it_done(rights: RunningBaton, user: str) -> None:
    said = blocked(rights, f'"{ITEM}" done', user=user)
    assert f"{ITEM} is done" in said
    assert item_state(rights) == "done"
    wait_for(lambda: rights.standin.dms("U0ANA"), count=2)
    assert "KPI capture is now unblocked" in dm_texts(rights, "U0ANA")[-1]


def test_a_stranger_is_told_who_can_and_nothing_changes(rights: RunningBaton) -> None:
    before = snapshot(rights)
    said = blocked(rights, f'"{ITEM}" done', user="U0BEN")
    assert said == REFUSAL
    assert snapshot(rights) == before
    assert len(rights.standin.dms("U0ANA")) == 1  # only the handoff DM: nobody was told
    asked = [c.params.get("user") for c in rights.standin.calls_to("users.info")]
    assert "U0BEN" in asked  # admin status came from Slack


def resolved_dm(baton: RunningBaton) -> dict[str, Any]:
    baton.clock.advance(timedelta(hours=2, minutes=1))
    baton.sweep()
    wait_for(lambda: baton.standin.dms("U0DEE"))
    return baton.standin.dms("U0DEE")[0]


@pytest.mark.parametrize("user", list(ALLOWED), ids=list(ALLOWED.values()))
def test_each_role_may_press_resolved(rights: RunningBaton, user: str) -> None:
    dm = resolved_dm(rights)
    assert rights.slack.click(dm, "Resolved", user=user, channel=dm["channel"]).status_code == 200
    wait_for(lambda: rights.standin.dms("U0ANA"), count=2)
    assert item_state(rights) == "done"
    assert f"{ITEM} is done" in dm_texts(rights, "U0DEE")[0]


def test_a_stranger_pressing_resolved_is_told_who_can_and_nothing_changes(
    rights: RunningBaton,
) -> None:
    dm = resolved_dm(rights)
    before = snapshot(rights)
    assert (
        rights.slack.click(dm, "Resolved", user="U0BEN", channel=dm["channel"]).status_code == 200
    )
    wait_for(lambda: rights.standin.ephemerals("U0BEN"))
    answer = rights.standin.ephemerals("U0BEN")[-1]
    assert rights.standin.render(answer["blocks"], answer["text"]) == REFUSAL
    assert snapshot(rights) == before
    assert "[ Resolved ]" in dm_texts(rights, "U0DEE")[0]  # the DM is left as it was


def test_an_ownerless_item_names_its_declarer(baton: RunningBaton) -> None:
    blocked(baton, '"launch post" on "hero image"', user="U0BEN")
    said = blocked(baton, '"hero image" done', user="U0DEE")
    assert said == (
        "Only @ben (declared an edge onto it) or a workspace admin can mark hero image done. "
        "Nothing was changed."
    )
