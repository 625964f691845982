"""`GET /metrics` after a scripted story: every counter equals what happened."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families
from slack_bolt import BoltRequest
from sqlalchemy import func
from sqlmodel import col, select

from bot.app import build_app
from bot.observability.health import oldest_unsent_due
from bot.observability.metrics import message_kind
from bot.slack_standin import SlackStandIn, payloads
from store.models import FailureOccurrence, OutboxMessage, OutboxStatus
from tests.conftest import RunningBaton
from tests.graph.test_blocked_flow import blocked
from tests.handoffs.test_handoff_flow import GOOD_FORM, open_modal, wait_for
from tests.ops.test_processes import Baton, env_for, free_port, live_standin

__all__ = ["live_standin"]  # the fixture, shared with test_processes

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(baton: RunningBaton) -> Samples:
    response = requests.get(f"{baton.slack.base_url}/metrics", timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def by_label(samples: Samples, name: str, label: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for (sample_name, labels), number in samples.items():
        if sample_name == name and number:
            out[dict(labels)[label]] = number
    return out


def eventually(check: Callable[[], Any], timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            check()
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def slack_calls_seen(baton: RunningBaton) -> Counter[tuple[str, str]]:
    """What the stand-in answered, call by call: (method, ok or the error code)."""
    seen: Counter[tuple[str, str]] = Counter()
    for call in list(baton.standin.calls):
        if call.method == "response_url":
            continue  # a webhook, not the Web API
        seen[(call.method, "ok" if call.response.get("ok") else str(call.response["error"]))] += 1
    return seen


def test_metrics_count_what_happened(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H", escalate_after="PT1H")
    slack, standin = baton.slack, baton.standin

    # Two handoffs accepted, one refused at the field (a recorded failure).
    view = open_modal(baton)
    assert "errors" not in slack.submit(view, GOOD_FORM, user="U0CAI").text
    wait_for(lambda: standin.dms("U0ANA"))
    view = open_modal(baton, text="second")
    form = {**GOOD_FORM, "Work item": "second", "Next owner": "U0BEN", "Backup owner": "U0CAI"}
    assert "errors" not in slack.submit(view, form, user="U0CAI").text
    wait_for(lambda: standin.dms("U0BEN"))
    view = open_modal(baton, text="third")
    refused = {k: v for k, v in GOOD_FORM.items() if k != "Next action"}
    assert "errors" in slack.submit(view, {**refused, "Work item": "third"}, user="U0CAI").text

    # Ben marks his done (acknowledged alone would still be nudged at act-by); ana does
    # nothing, so she is nudged and her backup escalated to.
    dm = standin.dms("U0BEN")[-1]
    slack.click(dm, "Done", user="U0BEN", channel=dm["channel"])
    wait_for(lambda: standin.calls_to("chat.update"))

    # A blocker whose owner gets a DM after the escalation delay.
    blocked(baton, '"KPI capture" on "instrumentation metadata" <@U0DEE|dee>')

    # One 429 on a delivery: counted, and the message goes out on a later sweep.
    standin.fail_next(method="chat.postMessage", status=429, retry_after=1)
    baton.clock.advance(timedelta(hours=1))
    baton.sweep()
    baton.clock.advance(timedelta(seconds=2))
    baton.sweep()
    baton.clock.advance(timedelta(hours=1, minutes=1))
    baton.sweep()
    assert len(standin.dms("U0DEE")) == 1 and len(standin.dms("U0BEN")) == 2

    # App Home, and a request with a bad signature.
    slack.event({"type": "app_home_opened", "user": "U0ANA", "channel": "DU0ANA", "tab": "home"})
    wait_for(lambda: standin.calls_to("views.publish"))
    body = "command=%2Fhandoff&team_id=T0TEAM&user_id=U0CAI"
    headers = slack.signed_headers(body)
    headers["X-Slack-Signature"] = "v0=" + "0" * 64
    assert slack.post(body, headers).status_code == 401

    def all_counted() -> None:
        with baton.services.db.read() as session:
            rows = list(session.exec(select(OutboxMessage)).all())
            by_class = dict(
                session.exec(
                    select(col(FailureOccurrence.class_id), func.count()).group_by(
                        col(FailureOccurrence.class_id)
                    )
                ).all()
            )
        sent = [row for row in rows if row.status == OutboxStatus.SENT]
        samples = scrape(baton)
        # Requests by surface and outcome; one ack observation per Slack request.
        requests_seen = {
            (dict(labels)["surface"], dict(labels)["outcome"]): number
            for (name, labels), number in samples.items()
            if name == "baton_requests_total"
        }
        assert requests_seen == {
            ("command", "ok"): 4,  # three /handoff, one /blocked
            ("other", "rejected"): 1,  # an unsigned body is not read: it names nothing
            ("view", "ok"): 2,
            ("view", "refused"): 1,
            ("action", "ok"): 7,  # one click, and two people picked in each of three forms
            ("event", "ok"): 1,
        }
        for surface, count in (
            ("command", 4),
            ("other", 1),
            ("view", 3),
            ("action", 7),
            ("event", 1),
        ):
            assert value(samples, "baton_ack_seconds_count", surface=surface) == count
        # Web API calls by method, and the failed ones by error, exactly as the stand-in
        # answered them.
        seen = slack_calls_seen(baton)
        calls = by_label(samples, "baton_slack_api_calls_total", "method")
        assert calls == Counter(method for (method, _), n in seen.items() for _ in range(n))
        errors = {
            (dict(labels)["method"], dict(labels)["error"]): number
            for (name, labels), number in samples.items()
            if name == "baton_slack_api_errors_total"
        }
        assert errors == {call: n for call, n in seen.items() if call[1] != "ok"}
        assert errors[("chat.postMessage", "ratelimited")] == 1
        # Messages sent, by kind, and their due-to-sent delays.
        kinds = by_label(samples, "baton_messages_sent_total", "kind")
        assert kinds == Counter(message_kind(row.kind) for row in sent)
        assert kinds["nudge"] == 1 and kinds["escalation"] == 2 and kinds["blocker_dm"] == 1
        assert value(samples, "baton_delivery_delay_seconds_count") == len(sent)
        # The outbox by status, as the table holds it.
        statuses = Counter(row.status for row in rows)
        for status in OutboxStatus:
            assert value(samples, "baton_outbox_messages", status=status) == statuses[status]
        assert value(samples, "baton_outbox_oldest_unsent_seconds") == 0
        # Failures by class.
        assert by_label(samples, "baton_failures_recorded_total", "failure_class") == by_class
        assert by_class == {"missing_next_action": 1}

    eventually(all_counted)


def test_healthz_reports_the_oldest_unsent_message_and_fails_past_the_limit(
    baton_factory: Any,
) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H", health_max_lag="PT5M")
    url = f"{baton.slack.base_url}/healthz"
    healthy = requests.get(url, timeout=5)
    assert healthy.status_code == 200 and healthy.json()["oldest_unsent_seconds"] == 0
    view = open_modal(baton)
    assert "errors" not in baton.slack.submit(view, GOOD_FORM, user="U0CAI").text

    def nothing_due_unsent() -> None:
        due = oldest_unsent_due(baton.services.db)
        assert due is None or due > baton.clock.now()  # the post and DM are marked sent

    eventually(nothing_due_unsent)
    # The nudge falls due at act-by; nobody sweeps.
    baton.clock.advance(timedelta(hours=1, minutes=4))
    waiting = requests.get(url, timeout=5)
    assert waiting.status_code == 200 and waiting.json()["oldest_unsent_seconds"] == 240
    baton.clock.advance(timedelta(minutes=2))
    late = requests.get(url, timeout=5)
    assert late.status_code == 503
    assert late.json() == {
        "ok": False,
        "database": "reachable",
        "oldest_unsent_seconds": 360,
        "max_lag_seconds": 300,
    }
    assert value(scrape(baton), "baton_outbox_oldest_unsent_seconds") == 360
    baton.sweep()
    assert requests.get(url, timeout=5).status_code == 200


def test_socket_mode_requests_are_counted_and_logged(
    baton: RunningBaton, caplog: pytest.LogCaptureFixture
) -> None:
    app = build_app(baton.services, socket_mode=True)
    body = dict(
        parse_qsl(
            payloads.command_body(baton.standin, "/blocked", "", user="U0CAI", channel="C0LAUNCH")
        )
    )
    with caplog.at_level(logging.INFO, logger="baton.access"):
        response = app.dispatch(BoltRequest(body=body, mode="socket_mode"))
    assert response.status == 200
    samples = scrape(baton)  # this scrape is an HTTP probe: not a Slack request
    assert by_label(samples, "baton_requests_total", "surface") == {"command": 1}
    assert value(samples, "baton_ack_seconds_count", surface="command") == 1
    (line,) = [r for r in caplog.records if r.name == "baton.access"]
    assert line.getMessage().startswith("SOCKET socket_mode command /blocked 200 ")
    assert line.getMessage().endswith(f" team={payloads.TEAM['id']} user=U0CAI")


def test_the_worker_serves_healthz_and_metrics_on_its_port(
    live_standin: SlackStandIn, tmp_path: Path
) -> None:
    port = free_port()
    env = env_for(live_standin, f"sqlite:///{tmp_path / 'baton.db'}", port)
    worker = Baton(["worker", "--host", "127.0.0.1"], env, port)  # up once /healthz answers
    try:
        base = f"http://127.0.0.1:{port}"
        health = requests.get(f"{base}/healthz", timeout=5)
        assert health.status_code == 200 and health.json()["database"] == "reachable"
        metrics = requests.get(f"{base}/metrics", timeout=5)
        names = {f.name for f in text_string_to_metric_families(metrics.text)}
        assert {"baton_outbox_messages", "baton_slack_api_calls", "baton_messages_sent"} <= names
        assert requests.post(f"{base}/slack/events", timeout=5).status_code == 404
        second = Baton(["worker", "--host", "127.0.0.1"], env, None)  # the same port
        assert second.proc.wait(timeout=30) == 2
        last_line = second.output().strip().splitlines()[-1]
        assert last_line.startswith(f"baton: PORT: cannot listen on 127.0.0.1:{port}")
    finally:
        assert worker.stop() == 0
