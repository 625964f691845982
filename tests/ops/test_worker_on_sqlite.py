"""`baton worker` on SQLite says once, at start, that nothing wakes it from another process
(it polls every BATON_SWEEP_INTERVAL); on PostgreSQL, where NOTIFY wakes it, it does not."""

from __future__ import annotations

from pathlib import Path

from bot.slack_standin import SlackStandIn
from tests.ops.test_processes import Baton, env_for, free_port, live_standin

__all__ = ["live_standin"]  # the fixture


def worker_log(standin: SlackStandIn, database_url: str) -> str:
    port = free_port()
    worker = Baton(["worker", "--host", "127.0.0.1"], env_for(standin, database_url, port), port)
    assert worker.stop() == 0
    worker.log.seek(0)
    return worker.log.read().decode(errors="replace")


def test_a_worker_on_sqlite_warns_once_that_it_polls(
    live_standin: SlackStandIn, tmp_path: Path
) -> None:
    log = worker_log(live_standin, f"sqlite:///{tmp_path / 'baton.db'}")
    warnings = [line for line in log.splitlines() if " WARNING " in line]
    assert len(warnings) == 1, log
    assert warnings[0].endswith(
        "WARNING baton: on SQLite a separate worker cannot be woken by other processes "
        "(LISTEN/NOTIFY is PostgreSQL's): it finds the messages `baton serve` writes by looking "
        "every 0.2 s (BATON_SWEEP_INTERVAL), so one due sooner may go out up to that late; "
        "on SQLite run the sweeper in `baton serve`, or use PostgreSQL"
    )


def test_a_worker_on_postgresql_does_not(live_standin: SlackStandIn, postgres_url: str) -> None:
    log = worker_log(live_standin, postgres_url)
    assert "sweeper running" in log
    assert "on SQLite" not in log
