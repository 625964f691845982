"""`baton export` with an `--out` it cannot use, or a window that ends before it starts: one
line and a non-zero exit, never a traceback, and no files written."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from store.db import Database
from store.migrate import upgrade


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'baton.db'}"
    db = Database(url)
    upgrade(db)
    db.dispose()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def refused(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code = main(["export", *args])
    out, err = capsys.readouterr()
    assert code == 2 and out == "", (code, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err  # one line, no traceback
    return lines[0]


def test_an_existing_file_as_out_is_refused_and_left_alone(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    line = refused(["--since", "2026-11-01", "--out", "notes.txt"], capsys)
    assert line == "baton: --out notes.txt: exists and is not a directory"
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_an_out_directory_that_cannot_be_created_is_one_line(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    line = refused(["--since", "2026-11-01", "--out", "/proc/x"], capsys)
    assert line == "baton: --out /proc/x: cannot create the directory (No such file or directory)"


@pytest.mark.parametrize(
    ("since", "until"),
    [
        ("2026-11-09", "2026-11-01"),
        ("2026-11-09T12:00", "2026-11-09T11:00"),
        ("2026-11-09T12:00", "2026-11-09T12:00"),
    ],
)
def test_until_not_after_since_is_a_usage_error(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], since: str, until: str
) -> None:
    line = refused(["--since", since, "--until", until, "--out", "w"], capsys)
    assert line == f"baton: --until {until} is not after --since {since}"
    assert not (tmp_path / "w").exists()


def test_the_same_day_as_since_and_until_is_that_whole_day(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--since", "2026-11-09", "--until", "2026-11-09", "--out", "w"]) == 0
    assert "handoffs" in capsys.readouterr().out


def _tiny_files_only() -> None:
    # Any write to a file fails with EFBIG instead of killing the process (SIGXFSZ ignored).
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1, 1))


def test_a_write_failing_leaves_no_partial_file(postgres_url: str, tmp_path: Path) -> None:
    db = Database(postgres_url)  # PostgreSQL: the export's files are the only ones it writes
    upgrade(db)
    db.dispose()
    (tmp_path / "w").mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "export", "--since", "2026-11-01", "--out", "w"],
        cwd=tmp_path,
        env={**os.environ, "DATABASE_URL": postgres_url},
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_tiny_files_only,
    )
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines == ["baton: export failed: [Errno 27] File too large"], done.stderr
    assert list((tmp_path / "w").iterdir()) == []


def test_an_unreachable_database_is_one_line_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "postgresql://baton:secret@127.0.0.1:1/baton")
    line = refused(["--since", "2026-11-01", "--out", "w"], capsys)
    assert line.startswith("baton: DATABASE_URL: cannot open postgresql://baton:***@127.0.0.1:1")
    assert not (tmp_path / "w").exists()


def test_a_missing_sqlite_file_is_named_and_not_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'typo.db'}")
    line = refused(["--since", "2026-11-01", "--out", "w"], capsys)
    assert line == (
        f"baton: DATABASE_URL: no database at {tmp_path / 'typo.db'} "
        f"(sqlite:///{tmp_path / 'typo.db'})"
    )
    assert list(tmp_path.iterdir()) == []
