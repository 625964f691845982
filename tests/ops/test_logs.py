"""Logs an operator can read and a machine can parse: JSON lines without secrets, one access
line per request, repeated faults summarised, no third-party chatter."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy.exc import OperationalError

from bot.clock import ManualClock
from bot.config import load_settings
from bot.container import build_services
from bot.delivery.sweeper import Sweeper
from bot.observability.logging import configure_logging
from bot.slack_standin import SlackStandIn
from store.db import Database
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.ops.test_processes import Baton, env_for, free_port, live_standin
from tests.slack_driver import SlackDriver

__all__ = ["live_standin"]  # the fixture, shared with test_processes

INGEST_TOKEN = "ingest-secret-0123456789"


def test_json_logs_carry_one_access_line_per_request_and_no_secret(
    live_standin: SlackStandIn, tmp_path: Path
) -> None:
    slack = live_standin
    port = free_port()
    env = {
        **env_for(slack, f"sqlite:///{tmp_path / 'baton.db'}", port),
        "BATON_LOG_FORMAT": "json",
        "BATON_INGEST_TOKEN": INGEST_TOKEN,
        "BATON_SWEEP_INTERVAL": "0.1",
    }
    baton = Baton(["serve", "--host", "127.0.0.1"], env, port)
    base = f"http://127.0.0.1:{port}"
    driver = SlackDriver(base, SIGNING_SECRET, slack)
    signatures: list[str] = []
    try:
        body = "command=%2Fblocked&text=&team_id=T0TEAM&user_id=U0CAI&channel_id=C0LAUNCH"
        headers = driver.signed_headers(body)
        signatures.append(headers["X-Slack-Signature"])
        assert driver.post(body, headers).status_code == 200
        forged = {**headers, "X-Slack-Signature": "v0=" + "1" * 64}
        signatures.append(forged["X-Slack-Signature"])
        assert driver.post(body, forged).status_code == 401
        kpi = f"{base}/kpi"
        assert requests.post(kpi, json=[], headers={"Authorization": "Bearer nope"}).status_code
        answer = requests.post(
            kpi, json=[{"metric": "reach"}], headers={"Authorization": f"Bearer {INGEST_TOKEN}"}
        )
        assert answer.status_code == 422
        assert requests.get(f"{base}/metrics", timeout=5).ok
        for _ in range(30):  # the sweeper ticks a few times meanwhile
            requests.get(f"{base}/healthz", timeout=5)
    finally:
        assert baton.stop() == 0
    baton.log.seek(0)
    lines = baton.log.read().decode().splitlines()
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    for secret in (BOT_TOKEN, SIGNING_SECRET, INGEST_TOKEN, *signatures):
        assert not [line for line in lines if secret in line], secret

    access = [e for e in entries if e["logger"] == "baton.access"]
    assert [(e["method"], e["path"], e["status"]) for e in access] == [
        ("POST", "/slack/events", 200),
        ("POST", "/slack/events", 401),
        ("POST", "/kpi", 401),
        ("POST", "/kpi", 422),
    ]  # probes (healthz, metrics) that succeed are DEBUG
    command = access[0]
    assert command["surface"] == "command" and command["callback"] == "/blocked"
    assert command["team"] == "T0TEAM" and command["user"] == "U0CAI"
    assert isinstance(command["ms"], float)
    chatter = ("apscheduler", "waitress", "alembic", "slack_sdk", "slack_bolt")
    assert not [e for e in entries if e["logger"].split(".")[0] in chatter]


def test_json_exceptions_stay_inside_the_line() -> None:
    stream = io.StringIO()
    configure_logging("INFO", "json", secrets=["s3cret-value"], stream=stream)
    try:
        try:
            raise ValueError("bad s3cret-value\nsecond line")
        except ValueError:
            logging.getLogger("baton.test").exception("it broke with xoxb-123-abc", extra={"n": 3})
        logging.getLogger("apscheduler.scheduler").info("Added job")  # chatter: dropped
        logging.getLogger("apscheduler.scheduler").warning(
            "Execution of job skipped: maximum number of running instances reached (1)"
        )  # the sweeper asks for one instance at a time: routine
    finally:
        configure_logging("INFO", "text")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["message"] == "it broke with [redacted]" and entry["n"] == 3
    assert entry["exception"]["type"] == "ValueError"
    assert "Traceback" in entry["exception"]["traceback"]
    assert "s3cret-value" not in lines[0]


class Flaky:
    def __init__(self) -> None:
        self.failing = True

    def sweep(self, *, continuous: bool = False) -> int:
        if self.failing:
            raise OperationalError("SELECT 1", {}, Exception("connection refused"))
        return 0


def sweep_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "baton.sweeper"]


def test_a_fault_repeating_every_tick_is_logged_at_start_each_minute_and_when_it_clears(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = ManualClock(datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    work = Flaky()
    sweeper = Sweeper(work, timedelta(seconds=15), now=clock.now)  # type: ignore[arg-type]
    with caplog.at_level(logging.INFO, logger="baton"):
        for _ in range(4):  # 0 s .. 45 s
            sweeper.tick()
            clock.advance(timedelta(seconds=15))
        started = sweep_records(caplog)
        assert len(started) == 1 and started[0].levelno == logging.ERROR
        assert "sweep failed" in started[0].getMessage() and started[0].exc_info
        sweeper.tick()  # 60 s: a minute since the first line
        sweeper.tick()
        summary = sweep_records(caplog)[1:]
        assert len(summary) == 1
        assert "still failing: 4 more times in the last 60s (5 since" in summary[0].getMessage()
        assert not summary[0].exc_info  # the traceback was given once
        clock.advance(timedelta(seconds=30))
        work.failing = False
        sweeper.tick()
        sweeper.tick()
        records = sweep_records(caplog)
        assert len(records) == 3
        assert records[2].getMessage() == "sweep recovered after 6 failures over 90s"


def test_an_unreachable_database_does_not_flood_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = load_settings(
        env_file=None,
        slack_bot_token=BOT_TOKEN,
        database_url="postgresql://postgres@127.0.0.1:1/baton",
    )
    clock = ManualClock(datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    services = build_services(settings, clock, db=Database(settings.database_url))
    sweeper = Sweeper(
        services.deliverer, settings.sweep_interval, plan=services.plan, now=clock.now
    )
    try:
        with caplog.at_level(logging.INFO):
            for _ in range(20):
                sweeper.tick()
                clock.advance(timedelta(seconds=1))
    finally:
        services.close()
    errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
    # One line for planning, one for the delivery sweep, each once.
    assert len(errors) == 2, [r.getMessage() for r in errors]
    assert all("failed" in r.getMessage() for r in errors)
