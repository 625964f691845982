"""`baton backup PATH` refuses a target that would harm the live database or cannot be written,
in one line, and leaves nothing half-written behind on any failure."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from store.db import Database
from store.migrate import upgrade
from tests.ops.test_backup import add_handoff


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A SQLite database in WAL mode with a connection open, as while Baton runs."""
    url = f"sqlite:///{tmp_path / 'baton.db'}"
    db = Database(url)
    upgrade(db)
    for n in range(20):
        add_handoff(db, n)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    with db.engine.connect() as holding:  # keeps -wal and -shm in place
        holding.exec_driver_sql("SELECT 1")
        assert (tmp_path / "baton.db-wal").exists()
        yield db
    db.dispose()


def refused(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code = main(args)
    out, err = capsys.readouterr()
    assert code != 0 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err  # one line, no traceback
    return lines[0]


def still_works(db: Database, tmp_path: Path) -> None:
    fresh = sqlite3.connect(tmp_path / "baton.db")  # a new connection, as a new request makes
    try:
        assert fresh.execute("SELECT count(*) FROM handoff").fetchone()[0] == 20
        assert fresh.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        fresh.close()
    add_handoff(db, 99)


def no_leftovers(directory: Path) -> None:
    assert not [p.name for p in directory.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize(
    ("target", "what"),
    [
        ("baton.db-wal", "the live database's write-ahead log"),
        ("baton.db-shm", "the live database's shared-memory index"),
        ("baton.db-journal", "the live database's rollback journal"),
        ("baton.db", "the live database itself"),
        ("sub/../baton.db-wal", "the live database's write-ahead log"),
    ],
)
def test_the_live_database_and_its_files_are_refused(
    live: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str, what: str
) -> None:
    (tmp_path / "sub").mkdir()
    wal_before = (tmp_path / "baton.db-wal").read_bytes()
    line = refused(["backup", target], capsys)
    assert line == f"baton: cannot write {target}: it is {what}"
    assert (tmp_path / "baton.db-wal").read_bytes() == wal_before
    still_works(live, tmp_path)
    no_leftovers(tmp_path)


def test_a_link_to_the_write_ahead_log_is_refused(
    live: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "link.db").symlink_to(tmp_path / "baton.db-wal")
    (tmp_path / "hard.db").hardlink_to(tmp_path / "baton.db-shm")
    assert "write-ahead log" in refused(["backup", "link.db"], capsys)
    assert "shared-memory index" in refused(["backup", "hard.db"], capsys)
    still_works(live, tmp_path)


def test_an_existing_directory_is_refused_and_nothing_is_left_in_it(
    live: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "backups").mkdir()
    line = refused(["backup", "backups"], capsys)
    assert line == "baton: cannot write backups: it is a directory; name a file in it"
    no_leftovers(tmp_path)
    assert list((tmp_path / "backups").iterdir()) == []
    assert main(["backup", "backups/copy.db"]) == 0  # a file in it is fine
    assert "integrity ok" in capsys.readouterr().out
    no_leftovers(tmp_path / "backups")


def test_a_missing_directory_is_one_line(
    live: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = refused(["backup", "/nonexistent/x.db"], capsys)
    assert line == "baton: cannot write /nonexistent/x.db: directory /nonexistent does not exist"
    (tmp_path / "afile").write_text("")
    assert refused(["backup", "afile/x.db"], capsys) == (
        "baton: cannot write afile/x.db: afile is not a directory"
    )


def _small_files_only() -> None:
    # Writes past 64 KiB fail with EFBIG instead of killing the process (SIGXFSZ ignored).
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def test_a_copy_failing_half_way_leaves_no_partial_file(live: Database, tmp_path: Path) -> None:
    for n in range(100, 400):  # a database well over the 64 KiB the copy may write
        add_handoff(live, n)
    (tmp_path / "backups").mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "backup", "backups/copy.db"],
        cwd=tmp_path,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'baton.db'}"},
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_small_files_only,
    )
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("baton: backup failed: "), done.stderr
    assert list((tmp_path / "backups").iterdir()) == []
