"""Writes that callers wait for, made together: a burst takes a few SQLite turns, not one each,
and every caller still gets its own answer (or the failure that lost its write)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import Session, select

from store.db import Database
from store.group_write import GroupWrite
from store.migrate import upgrade
from store.models import ModalSubmission
from store.submissions import accept_all


@pytest.fixture
def db(database_url: str) -> Database:
    database = Database(database_url)
    upgrade(database)
    return database


def test_a_burst_is_written_in_few_transactions_and_each_caller_gets_its_answer(
    db: Database,
) -> None:
    batches: list[int] = []
    first_write_started = threading.Event()
    release = threading.Event()

    def write_all(session: Session, items: Sequence[int]) -> list[int]:
        batches.append(len(items))
        first_write_started.set()
        release.wait(5)  # the first write is slow: everyone else queues behind it
        return [item * 10 for item in items]

    group: GroupWrite[int, int] = GroupWrite(db, write_all)
    with ThreadPoolExecutor(20) as pool:
        first = pool.submit(group, 0)
        assert first_write_started.wait(5)
        rest = [pool.submit(group, n) for n in range(1, 20)]
        while group.queued() < 19:  # all nineteen wait for the first write
            threading.Event().wait(0.01)
        release.set()
        answers = [first.result(5), *(future.result(5) for future in rest)]
    assert answers == [n * 10 for n in range(20)]
    assert batches == [1, 19]


def test_a_failed_write_fails_every_caller_of_it_and_the_next_write_goes_on(
    db: Database,
) -> None:
    def write_all(session: Session, items: Sequence[str]) -> list[str]:
        if "bad" in items:
            raise RuntimeError("disk full")
        return list(items)

    group: GroupWrite[str, str] = GroupWrite(db, write_all)
    with pytest.raises(RuntimeError, match="disk full"):
        group("bad")
    assert group("good") == "good"


def test_forms_accepted_together_count_once_per_view(db: Database) -> None:
    now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    payload: dict[str, Any] = {"draft": {}}
    with db.write() as session:
        assert accept_all(session, [("V1", "handoff", payload)], now=now) == [True]
    with db.write() as session:
        answers = accept_all(
            session,
            [("V1", "handoff", payload), ("V2", "handoff", payload), ("V2", "handoff", payload)],
            now=now,
        )
    assert answers == [False, True, False]  # V1 was in already; V2's second press is a twin
    with db.read() as session:
        views = sorted(session.exec(select(ModalSubmission.view_id)).all())
    assert views == ["V1", "V2"]
