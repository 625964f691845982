"""Hostile input over real HTTP: unsigned, oversized, malformed or odd requests get a clear
4xx (never a 500, never a traceback in the log), and nothing acts twice on a retried event."""

from __future__ import annotations

import http.client
import json
import logging
import socket
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.slack_standin import payloads
from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import wait_for
from tests.publishing.test_publish_flow import INGEST_TOKEN, command, ingest, publish, reading

MIB = 1024 * 1024


AFTER_THE_READINGS = datetime(2026, 11, 24, 21, 0, tzinfo=UTC)  # reading() is at 20:00


@pytest.fixture
def ingesting(baton_factory: Any) -> RunningBaton:
    baton: RunningBaton = baton_factory(ingest_token=INGEST_TOKEN)
    return baton


def published_at_nine(baton: RunningBaton) -> None:
    """The publish the readings are for, then the clock past the readings' time."""
    assert publish(baton).status_code == 200
    wait_for(lambda: baton.standin.messages("C0LAUNCH"))
    baton.clock.set(AFTER_THE_READINGS)


def raw_post(baton: RunningBaton, path: str, body: bytes, headers: dict[str, Any]) -> int:
    """POST with header values sent byte for byte (requests would refuse some of them)."""
    url = urlparse(baton.slack.base_url)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=10)
    try:
        conn.putrequest("POST", path)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            conn.putheader(name, value)
        conn.endheaders(body)
        return conn.getresponse().status
    finally:
        conn.close()


# -- POST /slack/events: the signature first ----------------------------------------------------

UNSIGNED_BODIES = [b"[]", b"null", b"5", b"payload=[1,2]", b"\xff\xfe garbage \x00", b"{" * 10_000]


@pytest.mark.parametrize("body", UNSIGNED_BODIES)
@pytest.mark.parametrize(
    "content_type", ["application/json", "application/x-www-form-urlencoded", None]
)
def test_an_unsigned_request_gets_401_whatever_its_body(
    baton: RunningBaton, body: bytes, content_type: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    assert raw_post(baton, "/slack/events", body, headers) == 401
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def _headers_variants(baton: RunningBaton, body: str) -> list[dict[str, Any]]:
    good = baton.slack.signed_headers(body)
    now = int(time.time())
    return [
        {},
        {"X-Slack-Signature": good["X-Slack-Signature"]},  # no timestamp
        {"X-Slack-Request-Timestamp": good["X-Slack-Request-Timestamp"]},  # no signature
        {**good, "X-Slack-Request-Timestamp": "soon"},
        {**good, "X-Slack-Request-Timestamp": ""},
        {**good, "X-Slack-Request-Timestamp": "-1"},
        {**good, "X-Slack-Request-Timestamp": f"{now}.5"},
        {**good, "X-Slack-Request-Timestamp": "\uff11\uff12\uff13"},  # fullwidth digits
        {**good, "X-Slack-Request-Timestamp": "9" * 40},
        baton.slack.signed_headers(body, timestamp=now - 6 * 60),  # stale
        baton.slack.signed_headers(body, timestamp=now + 6 * 60),  # from the future
        {**good, "X-Slack-Signature": "v0=" + "0" * 64},
        {**good, "X-Slack-Signature": "v0=é"},
        {**good, "X-Slack-Signature": ""},
    ]


@pytest.mark.parametrize("variant", range(14))
def test_missing_odd_or_stale_signature_headers_get_401(
    baton: RunningBaton, variant: int, caplog: pytest.LogCaptureFixture
) -> None:
    body = payloads.command_body(baton.standin, "/handoff", "", user="U0ANA", channel="C0LAUNCH")
    headers = _headers_variants(baton, body)[variant]
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    encoded = {k: v.encode() for k, v in headers.items()}
    assert raw_post(baton, "/slack/events", body.encode(), encoded) == 401
    assert baton.standin.calls_to("views.open") == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


SIGNED_MALFORMED = [
    ("[]", "application/json"),
    ("null", "application/json"),
    ("5", "application/json"),
    ('"text"', "application/json"),
    ("{not json", "application/json"),
    ("[" * 100_000 + "]" * 100_000, "application/json"),
    ("payload=[1,2]", "application/x-www-form-urlencoded"),
    ("payload=%7Bnot-json", "application/x-www-form-urlencoded"),
    ("payload=null", "application/x-www-form-urlencoded"),
    ("", "application/x-www-form-urlencoded"),
    ('{"type": "event_callback", "event": null}', "application/json"),
    ('{"type": "event_callback", "event": []}', "application/json"),
    ('{"type": ["event_callback"]}', "application/json"),
    ('{"type": "block_actions", "user": "U0ANA", "actions": []}', "application/json"),
    ('{"type": "block_actions", "user": {"id": 5}, "actions": [{}]}', "application/json"),
    ('{"type": "view_submission", "user": {"id": "U0ANA"}, "view": []}', "application/json"),
    (  # a view without its type: Bolt reads view["type"]
        '{"type": "view_submission", "user": {"id": "U0ANA"}, '
        '"view": {"id": "V1", "callback_id": "handoff_modal", "state": {"values": {}}}}',
        "application/json",
    ),
    (  # a view without its id: the handoff form claims it
        '{"type": "view_submission", "user": {"id": "U0ANA"}, '
        '"view": {"type": "modal", "callback_id": "handoff_modal", "state": {"values": {}}}}',
        "application/json",
    ),
    ('{"response_urls": null}', "application/json"),
    ('{"authorizations": ["x"]}', "application/json"),
    ("command=/kpi&user_id=U0ANA", "application/x-www-form-urlencoded"),  # no channel
]


@pytest.mark.parametrize(("body", "content_type"), SIGNED_MALFORMED)
def test_a_signed_but_malformed_body_gets_400_and_no_traceback(
    baton: RunningBaton, body: str, content_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    response = baton.slack.post(body, baton.slack.signed_headers(body, content_type=content_type))
    assert response.status_code == 400
    time.sleep(0.05)  # anything a listener thread would log
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert "blocked" in command(baton, "/blocked", "")  # still serving


def test_a_body_over_2_mib_gets_413_unread(baton: RunningBaton) -> None:
    url = urlparse(baton.slack.base_url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        # Headers only: a server that read the 3 MiB body first would never answer.
        sock.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\n" + f"Content-Length: {3 * MIB}\r\n\r\n".encode()
        )
        sock.sendall(b"[" * 1024)
        answer = sock.recv(200)
    assert answer.startswith(b"HTTP/1.1 413")


def test_a_3_mib_body_sent_whole_gets_413(baton: RunningBaton) -> None:
    try:
        response = requests.post(f"{baton.slack.base_url}/kpi", data=b"[" * (3 * MIB), timeout=10)
    except requests.ConnectionError:
        pytest.fail("the server dropped the connection instead of answering 413")
    assert response.status_code == 413


def test_bodies_within_the_limit_are_read(ingesting: RunningBaton) -> None:
    published_at_nine(ingesting)
    padded = [reading(source="x" * 60) for _ in range(1000)]
    assert len(json.dumps(padded)) > 150_000
    assert ingest(ingesting, padded).status_code == 201


# -- POST /kpi ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        b"",
        b"Bearer",
        b"Bearer ",
        b"bearer " + INGEST_TOKEN.encode(),
        b"Basic " + INGEST_TOKEN.encode(),
        b"Token " + INGEST_TOKEN.encode(),
        b"Bearer  " + INGEST_TOKEN.encode(),
        b"Bearer " + INGEST_TOKEN.encode() + b"x",
        b"Bearer " + INGEST_TOKEN.encode()[:-1],
        b"Bearer \xe9\xe8",  # latin-1 bytes
        "Bearer ingest-sécret".encode(),  # UTF-8, non-ASCII
        "Bearer 🔑".encode(),
        INGEST_TOKEN.encode(),
    ],
)
def test_any_authorization_but_the_bearer_token_gets_401(
    ingesting: RunningBaton, authorization: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    body = json.dumps(reading()).encode()
    headers = {"Content-Type": "application/json", "Authorization": authorization}
    assert raw_post(ingesting, "/kpi", body, headers) == 401
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_the_bearer_token_exactly_is_let_in(ingesting: RunningBaton) -> None:
    published_at_nine(ingesting)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {INGEST_TOKEN}"}
    assert raw_post(ingesting, "/kpi", json.dumps(reading()).encode(), headers) == 201


def _errors(response: requests.Response) -> set[tuple[int | None, str]]:
    assert response.status_code == 422, response.text
    return {(e.get("index"), e["field"]) for e in response.json()["errors"]}


@pytest.mark.parametrize(
    "observed_at",
    [
        "0001-01-01T00:00+05:00",
        "0001-01-01T00:00:00-05:00",
        "9999-12-31T23:59:59-14:00",
        "1999-12-31T23:59:59Z",
        "2100-01-01T00:00:00Z",
    ],
)
def test_observed_times_outside_2000_to_2100_are_refused_at_the_field(
    ingesting: RunningBaton, observed_at: str
) -> None:
    published_at_nine(ingesting)
    assert _errors(ingest(ingesting, [reading(), reading(observed_at=observed_at)])) == {
        (1, "observed_at")
    }


def test_nesting_deeper_than_20_is_refused(ingesting: RunningBaton) -> None:
    nested: Any = reading()
    for _ in range(20):
        nested = {"channel": nested}
    response = ingest(ingesting, nested)
    assert response.status_code == 422 and "deeper than 20" in response.text


def test_json_nested_100000_deep_is_refused_not_a_500(
    ingesting: RunningBaton, caplog: pytest.LogCaptureFixture
) -> None:
    for body in (b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 100_000 + b"1" + b"}" * 100_000):
        response = requests.post(
            f"{ingesting.slack.base_url}/kpi",
            data=body,
            headers={"Authorization": f"Bearer {INGEST_TOKEN}"},
            timeout=10,
        )
        assert response.status_code == 422 and "deeper than 20" in response.text
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize(
    "field", ["channel", "publish", "metric", "value", "observed_at", "source"]
)
def test_nul_characters_are_refused_naming_the_field(
    baton_factory: Any, database_url: str, field: str
) -> None:
    baton: RunningBaton = baton_factory(database_url, ingest_token=INGEST_TOKEN)
    published_at_nine(baton)
    value = str(reading()[field]) + "\x00"
    assert _errors(ingest(baton, [reading(), reading(**{field: value})])) == {(1, field)}
    assert ingest(baton, reading()).status_code == 201  # and the service is fine


def test_kpi_command_with_an_impossible_time_gets_an_answer(ingesting: RunningBaton) -> None:
    published_at_nine(ingesting)
    said = command(ingesting, "/kpi", '"spring launch" reach=10 at=0001-01-01T00:00+05:00')
    assert "Nothing was logged" in said and "between 2000 and 2100" in said


# -- retried events -----------------------------------------------------------------------------


def test_a_retried_event_is_answered_200_and_acted_on_once(baton: RunningBaton) -> None:
    body = payloads.event_body(
        {"type": "app_home_opened", "user": "U0ANA", "channel": "DU0ANA", "tab": "home"}
    )
    first = baton.slack.post(
        body, baton.slack.signed_headers(body, content_type="application/json")
    )
    assert first.status_code == 200
    wait_for(lambda: baton.standin.calls_to("views.publish"))
    for attempt in (1, 2):
        headers = baton.slack.signed_headers(body, content_type="application/json")
        headers |= {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_timeout"}
        assert baton.slack.post(body, headers).status_code == 200
    time.sleep(0.3)
    assert len(baton.standin.calls_to("views.publish")) == 1
    other = payloads.event_body({"type": "app_home_opened", "user": "U0ANA", "tab": "home"})
    baton.slack.post(other, baton.slack.signed_headers(other, content_type="application/json"))
    wait_for(lambda: baton.standin.calls_to("views.publish"), count=2)  # a new event acts


def test_seen_events_are_bounded_and_forgotten_after_a_while() -> None:
    from bot.event_retries import SeenEvents

    now = [0.0]
    seen = SeenEvents(remember_for=60, limit=3, monotonic=lambda: now[0])
    assert seen.first_time("a") and not seen.first_time("a")
    for event_id in ("b", "c", "d"):
        assert seen.first_time(event_id)
    assert seen.first_time("a")  # pushed out by the limit
    now[0] = 61
    assert seen.first_time("d")  # forgotten after remember_for


# -- signed bodies of any shape -----------------------------------------------------------------

SLACK_KEYS = (
    "type", "team", "team_id", "enterprise", "enterprise_id", "user", "user_id", "channel",
    "channel_id", "event", "event_id", "view", "container", "message", "actions", "state",
    "authorizations", "is_enterprise_install", "is_ext_shared_channel", "response_url",
    "response_urls", "function_data", "bot_access_token", "trigger_id", "command", "text",
    "callback_id", "action_id", "block_id", "values", "value", "private_metadata", "id", "tab",
    "thread_ts", "challenge", "item", "previous_message", "function_execution_id", "inputs",
)  # fmt: skip
SLACK_TYPES = (
    "event_callback", "url_verification", "block_actions", "view_submission", "view_closed",
    "shortcut", "message_action", "block_suggestion", "app_home_opened", "message",
)  # fmt: skip
leaves = st.none() | st.booleans() | st.integers(-2, 2) | st.text(max_size=4)
leaves |= st.sampled_from(SLACK_TYPES) | st.sampled_from(["U0ANA", "C0LAUNCH", "/blocked"])
values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(SLACK_KEYS), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=st.dictionaries(st.sampled_from(SLACK_KEYS), values, max_size=7), form=st.booleans())
def test_no_signed_body_gets_a_500_or_a_traceback(
    baton: RunningBaton, caplog: pytest.LogCaptureFixture, body: dict[str, Any], form: bool
) -> None:
    if form:
        raw = payloads.payload_body(body)
        headers = baton.slack.signed_headers(raw)
    else:
        raw = json.dumps(body)
        headers = baton.slack.signed_headers(raw, content_type="application/json")
    caplog.clear()
    response = baton.slack.post(raw, headers)
    assert response.status_code < 500
    time.sleep(0.01)  # what a listener thread would log
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
