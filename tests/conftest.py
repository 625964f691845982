"""Shared fixtures: a Slack stand-in over HTTP, Baton served over HTTP, a manual clock."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from bot import serving
from bot.app import build_app
from bot.clock import ManualClock
from bot.config import Settings, load_settings
from bot.container import Services, build_services
from bot.slack_standin import SlackStandIn
from bot.web import handler_for, make_server
from store.db import Database, normalise_url
from store.migrate import upgrade
from tests.slack_driver import SlackDriver

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test"
# Tuesday 2026-11-24 10:00 UTC: inside everyone's working hours below.
START = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)

PEOPLE = {
    "U0ANA": ("ana", "Europe/Berlin"),
    "U0BEN": ("ben", "Europe/London"),
    "U0CAI": ("cai", "America/New_York"),
    "U0DEE": ("dee", "Asia/Kolkata"),
}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def standin(clock: ManualClock) -> Iterator[SlackStandIn]:
    slack = SlackStandIn(clock=clock.timestamp, bot_token=BOT_TOKEN, bot_user_id="U0BATON")
    for user_id, (name, tz) in PEOPLE.items():
        slack.add_user(user_id, name, tz=tz)
    slack.add_user("U0BOT", "otherbot", tz="UTC", is_bot=True)
    slack.add_user("U0GONE", "gone", tz="UTC", deleted=True)
    slack.add_channel("C0LAUNCH", "launch")
    slack.serve()
    yield slack
    slack.stop()


def _postgres_admin_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    admin_url = _postgres_admin_url()
    if not admin_url:
        pytest.skip("TEST_DATABASE_URL is not set")
    name = f"baton_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = admin.url.set(database=name)
    try:
        yield base.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/baton.db"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def sqlite_url(tmp_path: Any) -> str:
    return f"sqlite:///{tmp_path}/baton.db"


def make_settings(standin: SlackStandIn, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": standin.url,
        "database_url": database_url,
        "working_hours": "always",
    }
    values.update(overrides)
    return load_settings(env_file=None, **values)


@dataclass
class RunningBaton:
    """Baton served over real HTTP, with the handles a test needs to drive it."""

    slack: SlackDriver
    services: Services
    standin: SlackStandIn
    clock: ManualClock

    def sweep(self) -> int:
        sent = self.services.tick()
        self.services.settle()
        return sent


@pytest.fixture
def baton_factory(standin: SlackStandIn, clock: ManualClock, sqlite_url: str) -> Iterator[Any]:
    started: list[tuple[Any, Services]] = []

    def start(database_url: str | None = None, **overrides: Any) -> RunningBaton:
        settings = make_settings(standin, database_url or sqlite_url, **overrides)
        db = Database(settings.database_url)
        upgrade(db)
        services = build_services(settings, clock, db=db)
        services.deliverer.pacer.interval = 0.0  # the stand-in does not rate-limit by default
        app = build_app(services)
        handler = handler_for(app, services)
        server = make_server(handler, host="127.0.0.1", port=0, threads=4)
        serving.start(server)
        started.append((server, services))
        url = f"http://127.0.0.1:{server.effective_port}"
        return RunningBaton(
            slack=SlackDriver(url, SIGNING_SECRET, standin, settle=services.settle),
            services=services,
            standin=standin,
            clock=clock,
        )

    yield start
    for server, services in started:
        serving.close(server)
        services.close()


@pytest.fixture
def baton(baton_factory: Any) -> RunningBaton:
    running: RunningBaton = baton_factory()
    return running
