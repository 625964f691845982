"""`baton backup PATH` while Baton writes: the copy is whole and holds every committed handoff."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from store.db import Database
from store.migrate import upgrade
from store.models import Handoff, WorkItem

START = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def add_handoff(db: Database, n: int) -> int:
    with db.write() as session:
        item = WorkItem(
            channel_id="C0LAUNCH", name=f"item {n}", name_key=f"item {n}", created_at=START
        )
        session.add(item)
        session.flush()
        assert item.id is not None
        handoff = Handoff(
            work_item_id=item.id,
            channel_id="C0LAUNCH",
            author_id="U0CAI",
            status=f"status {n} " + "x" * 400,  # rows big enough to span many pages
            done=[f"done {n}"],
            open=[],
            next_owner_id="U0ANA",
            next_action="publish",
            act_by=START + timedelta(hours=4),
            created_at=START,
        )
        session.add(handoff)
        session.flush()
        assert handoff.id is not None
        return handoff.id


def ids_in(path: Path) -> set[int]:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        return {row[0] for row in conn.execute("SELECT id FROM handoff")}
    finally:
        conn.close()


def test_backup_during_concurrent_writes_restores_every_committed_handoff(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'baton.db'}"
    db = Database(url)
    upgrade(db)
    for n in range(500):
        add_handoff(db, n)
    committed: list[int] = []
    stop = threading.Event()

    def write_all_the_time() -> None:
        n = 1000
        while not stop.is_set():
            committed.append(add_handoff(db, n))
            n += 1

    writer = threading.Thread(target=write_all_the_time)
    writer.start()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    try:
        for attempt in range(3):
            before = set(committed) | set(range(1, 501))
            target = tmp_path / f"copy-{attempt}.db"
            assert main(["backup", str(target)]) == 0
            assert "integrity ok" in capsys.readouterr().out
            restored = ids_in(target)
            assert before <= restored, f"missing {sorted(before - restored)[:5]}"
    finally:
        stop.set()
        writer.join()
        db.dispose()
    assert len(committed) > 0  # the writer really ran alongside
    assert not list(tmp_path.glob(".*.partial"))


def test_backup_on_postgresql_points_at_pg_dump(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "postgresql://baton@127.0.0.1:5432/baton")
    assert main(["backup", str(tmp_path / "x.db")]) == 2
    err = capsys.readouterr().err
    assert "pg_dump" in err and "pg_restore" in err
    assert not (tmp_path / "x.db").exists()
