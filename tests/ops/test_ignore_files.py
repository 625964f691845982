"""The files Baton writes beside a SQLite database stay out of git and out of the image."""

from __future__ import annotations

import subprocess
from fnmatch import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The database, its WAL-mode companions, and the migration lock (store/migrate.py).
BESIDE_THE_DATABASE = ("baton.db", "baton.db-wal", "baton.db-shm", "baton.db.migrate-lock")


@pytest.mark.parametrize("name", BESIDE_THE_DATABASE)
def test_git_ignores_it(name: str) -> None:
    found = subprocess.run(
        ["git", "check-ignore", "--no-index", "--quiet", name], cwd=ROOT, check=False
    )
    assert found.returncode == 0, f"{name} is not in .gitignore"


@pytest.mark.parametrize("name", BESIDE_THE_DATABASE)
def test_docker_build_context_leaves_it_out(name: str) -> None:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert any(fnmatch(name, p.removeprefix("**/")) for p in patterns), name
