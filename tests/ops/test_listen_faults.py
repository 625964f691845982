"""The PostgreSQL LISTEN connection failing is said once, in one line, then at most once a
minute, and once when listening works again (timed by a manual clock, not by sleeping)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import make_url

from bot.clock import ManualClock
from bot.config import load_settings
from bot.container import Services, build_services
from bot.delivery.sweeper import RECONNECT_AFTER, Sweeper
from store.db import Database
from store.migrate import upgrade
from tests.conftest import BOT_TOKEN

UNREACHABLE = "postgresql://postgres@127.0.0.1:1/baton"  # nothing listens on port 1


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 24, 10, 0, tzinfo=UTC))


@pytest.fixture
def services(postgres_url: str, clock: ManualClock) -> Iterator[Services]:
    settings = load_settings(env_file=None, slack_bot_token=BOT_TOKEN, database_url=postgres_url)
    db = Database(settings.database_url)
    upgrade(db)
    built = build_services(settings, clock, db=db)
    yield built
    built.close()


def listen_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if "LISTEN" in r.getMessage()]


def test_listen_failing_is_said_once_then_once_a_minute_then_when_it_recovers(
    services: Services, clock: ManualClock, postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    sweeper = Sweeper(services.deliverer, timedelta(seconds=15), now=clock.now)
    with caplog.at_level(logging.INFO, logger="baton"):
        for _ in range(12):  # 0 s .. 55 s: one attempt every RECONNECT_AFTER
            assert sweeper.listen_once(UNREACHABLE) is False
            clock.advance(timedelta(seconds=RECONNECT_AFTER))
        (first,) = listen_records(caplog)
        assert first.levelno == logging.WARNING and first.exc_info is None
        text = first.getMessage()
        assert "\n" not in text
        assert text.startswith("LISTEN baton_outbox failed: OperationalError: connection")
        assert text.endswith(
            "; retrying every 5 s (meanwhile other processes' messages wait for the next "
            "sweep), repeats reported once a minute"
        )
        assert caplog.text.count("Traceback") == 0

        assert sweeper.listen_once(UNREACHABLE) is False  # 60 s
        repeat = listen_records(caplog)[1:]
        assert len(repeat) == 1 and repeat[0].exc_info is None
        assert (
            repeat[0]
            .getMessage()
            .startswith(
                "LISTEN baton_outbox still failing: 12 more times in the last 60s (13 since"
            )
        )
        assert "\n" not in repeat[0].getMessage()

        clock.advance(timedelta(seconds=RECONNECT_AFTER))
        sweeper._stop.set()  # listen, then return at once instead of listening for good
        good = make_url(postgres_url).set(drivername="postgresql")
        assert sweeper.listen_once(good.render_as_string(hide_password=False)) is True
        records = listen_records(caplog)
        assert len(records) == 3
        assert records[2].getMessage() == "LISTEN baton_outbox recovered after 13 failures over 65s"
