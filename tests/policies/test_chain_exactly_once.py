"""Two sweepers on one database (SQLite and PostgreSQL) run one chain: each step reaches
Slack exactly once, and the chain's place survives a process that stops between steps."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from store import chains
from store.models import EscalationChain
from tests.conftest import START, RunningBaton
from tests.policies.chains import (
    BACKUP,
    NEXT_OWNER,
    THREAD,
    key_of,
    made_under,
    policy,
    steps_heard,
)

H = timedelta(hours=1)


def both_sweep(first: RunningBaton, second: RunningBaton) -> None:
    """Both processes plan and deliver at the same moment."""
    ready = threading.Barrier(2)

    def sweep(baton: RunningBaton) -> None:
        ready.wait()
        baton.sweep()

    threads = [threading.Thread(target=sweep, args=(b,)) for b in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)


def test_two_sweepers_send_each_step_exactly_once(
    baton_factory: Any, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both planners read the same due chain before either fires it: the race at its widest.
    read_together = threading.Barrier(2)
    real_due = chains.due

    def due_for_both(*args: Any, **kwargs: Any) -> list[EscalationChain]:
        found = real_due(*args, **kwargs)
        if found:
            try:
                read_together.wait(timeout=0.5)
            except threading.BrokenBarrierError:
                read_together.reset()
        return found

    monkeypatch.setattr(chains, "due", due_for_both)
    first: RunningBaton = baton_factory(database_url, act_within="PT1H")
    second: RunningBaton = baton_factory(database_url, act_within="PT1H")
    made_under(first, policy((0 * H, NEXT_OWNER), (H, BACKUP), (H, THREAD), repeat=2))
    for _ in range(4 * 8):
        first.clock.advance(H / 4)
        both_sweep(first, second)
    keys = Counter(key_of(message) for _, _, message in steps_heard(first))
    assert len(keys) == 7 and set(keys.values()) == {1}, keys
    hours = [int((at - START) / H) for at, _, _ in steps_heard(first)]
    assert hours == [1, 2, 3, 4, 5, 6, 7]
    with first.services.db.read() as session:
        [chain] = session.exec(select(EscalationChain)).all()
        assert chain.fired == 7 and chain.due_at is None  # each step fired once


def test_a_new_process_goes_on_where_the_chain_stood(baton_factory: Any, database_url: str) -> None:
    first: RunningBaton = baton_factory(database_url, act_within="PT1H")
    made_under(first, policy((0 * H, NEXT_OWNER), (H, BACKUP), (H, THREAD)))
    for _ in range(2):
        first.clock.advance(H)
        first.sweep()
    # The first process sweeps no more (stopped between steps); a new one takes over.
    second: RunningBaton = baton_factory(database_url, act_within="PT1H")
    for _ in range(2):
        second.clock.advance(H)
        second.sweep()
    assert [(int((at - START) / H), who) for at, who, _ in steps_heard(second)] == [
        (1, "ana"),
        (2, "ben"),
        (3, "thread"),
    ]
