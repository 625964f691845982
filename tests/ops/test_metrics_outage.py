"""`GET /metrics` while the database is unreachable: 200, the metrics Baton can compute, and
`baton_database_up 0`, so the outage shows instead of a failed scrape."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from waitress.server import create_server

from bot import serving
from bot.clock import ManualClock
from bot.observability.access import ObservedApp
from bot.observability.endpoints import not_found
from bot.observability.health import HealthCheck
from bot.observability.metrics import Metrics
from bot.slack_standin import SlackStandIn
from store.db import Database, normalise_url
from tests.conftest import RunningBaton
from tests.ops.test_processes import Baton, env_for, free_port, live_standin

__all__ = ["live_standin"]  # the fixture

UNREACHABLE = "postgresql://postgres@127.0.0.1:1/baton"  # nothing listens on port 1


def families(base: str) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    response = requests.get(f"{base}/metrics", timeout=10)
    assert response.status_code == 200, response.text
    found: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            labels = tuple(sorted(sample.labels.items()))
            found.setdefault(sample.name, {})[labels] = sample.value
    return found


@pytest.fixture
def probes_on_an_unreachable_database() -> Iterator[tuple[str, Metrics]]:
    clock = ManualClock(datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    db = Database(UNREACHABLE)
    metrics = Metrics()
    metrics.watch_outbox(db, clock)
    app = ObservedApp(not_found, metrics, health=HealthCheck(db, clock, timedelta(minutes=5)))
    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    serving.start(server)
    try:
        yield f"http://127.0.0.1:{server.effective_port}", metrics  # type: ignore[union-attr]
    finally:
        serving.close(server)
        db.dispose()


def test_metrics_answer_200_with_the_database_down(
    probes_on_an_unreachable_database: tuple[str, Metrics],
) -> None:
    base, metrics = probes_on_an_unreachable_database
    metrics.slack_call("chat.postMessage")  # what the process counted itself still shows
    found = families(base)
    assert found["baton_database_up"] == {(): 0.0}
    assert found["baton_slack_api_calls_total"]
    assert "baton_outbox_messages" not in found  # unknown, not zero
    assert requests.get(f"{base}/healthz", timeout=10).status_code == 503


def test_metrics_say_the_database_is_up_when_it_answers(baton: RunningBaton) -> None:
    found = families(baton.slack.base_url)
    assert found["baton_database_up"] == {(): 1.0}
    assert found["baton_outbox_messages"]


def test_a_worker_whose_database_goes_away_still_serves_metrics(
    live_standin: SlackStandIn, postgres_url: str
) -> None:
    port = free_port()
    worker = Baton(
        ["worker", "--host", "127.0.0.1"], env_for(live_standin, postgres_url, port), port
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert families(base)["baton_database_up"] == {(): 1.0}
        url = make_url(normalise_url(postgres_url))
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{url.database}" WITH (FORCE)'))
        admin.dispose()
        found = families(base)
        assert found["baton_database_up"] == {(): 0.0}
        assert "baton_outbox_messages" not in found
        assert requests.get(f"{base}/healthz", timeout=10).json()["database"] == "unreachable"
    finally:
        assert worker.stop() == 0
