"""The sweeper delivers a row when it falls due, not at the next 15 s tick: it sleeps until the
earliest due row and is woken by writes (in this process, and by NOTIFY on PostgreSQL)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import SystemClock
from bot.config import load_settings
from bot.container import Services, build_services
from bot.delivery.sweeper import Sweeper
from bot.slack_standin import SlackStandIn
from store import outbox
from store.db import Database
from store.migrate import upgrade

TOKEN = "xoxb-test"
CHANNEL = "C0LAUNCH"


@pytest.fixture
def live(database_url: str) -> Iterator[tuple[Services, Sweeper, SlackStandIn]]:
    """Baton's services on the real clock, with the default 15 s sweep interval."""
    standin = SlackStandIn(bot_token=TOKEN)
    standin.add_channel(CHANNEL, "launch")
    settings = load_settings(
        env_file=None,
        slack_bot_token=TOKEN,
        slack_api_url=standin.serve(),
        database_url=database_url,
    )
    assert settings.sweep_interval == timedelta(seconds=15)
    db = Database(settings.database_url)
    upgrade(db)
    services = build_services(settings, SystemClock(), db=db)
    sweeper = Sweeper(services.deliverer, settings.sweep_interval, plan=services.plan)
    sweeper.start()
    time.sleep(0.3)  # its first look at the (empty) outbox; now it sleeps for 15 s
    yield services, sweeper, standin
    sweeper.shutdown()
    services.close()
    standin.stop()


def write(db: Database, key: str, due_in: float) -> datetime:
    now = datetime.now(UTC)
    due = now + timedelta(seconds=due_in)
    with db.write() as session:
        outbox.enqueue(
            session,
            outbox.NewMessage(key=key, target=CHANNEL, text=key, blocks=[], due_at=due),
            now=now,
        )
    return due


def posted_at(standin: SlackStandIn, count: int, timeout: float = 5) -> list[float]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        calls = [c.at for c in standin.calls_to("chat.postMessage") if c.status == 200]
        if len(calls) >= count:
            return calls
        time.sleep(0.02)
    raise AssertionError(f"fewer than {count} posts within {timeout} s")


def test_a_row_due_now_is_posted_at_once_and_one_due_soon_when_it_falls_due(
    live: tuple[Services, Sweeper, SlackStandIn],
) -> None:
    services, _, standin = live
    due = write(services.db, "now", 0).timestamp()
    (first,) = posted_at(standin, 1)
    assert first - due < 1.0
    soon = write(services.db, "soon", 1.5).timestamp()  # written while it sleeps for 15 s
    _, second = posted_at(standin, 2)
    assert soon <= second < soon + 1.0


def test_on_postgresql_a_row_written_elsewhere_wakes_the_sweeper_by_notify(
    live: tuple[Services, Sweeper, SlackStandIn], database_url: str
) -> None:
    services, sweeper, standin = live
    if services.db.dialect != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    unsubscribe: Callable[[], None] | None = sweeper._unsubscribe
    assert unsubscribe is not None
    unsubscribe()  # as if the row came from another process: only NOTIFY can tell it
    elsewhere = Database(database_url)
    try:
        due = write(elsewhere, "elsewhere", 0).timestamp()
        (posted,) = posted_at(standin, 1)
        assert posted - due < 1.0
    finally:
        elsewhere.dispose()


def test_a_rolled_back_write_wakes_nobody(
    live: tuple[Services, Sweeper, SlackStandIn],
) -> None:
    services, _, standin = live
    woken: list[datetime] = []
    stop = outbox.on_enqueued(woken.append)
    try:
        with pytest.raises(RuntimeError), services.db.write() as session:
            now = datetime.now(UTC)
            outbox.enqueue(
                session,
                outbox.NewMessage(key="never", target=CHANNEL, text="x", blocks=[], due_at=now),
                now=now,
            )
            raise RuntimeError("the use case failed")
        write(services.db, "kept", 0)
    finally:
        stop()
    posted_at(standin, 1)
    assert len(woken) == 1
    assert [c.params.get("text") for c in standin.calls_to("chat.postMessage")] == ["kept"]
