"""Socket Mode against the stand-in: the protocol as Slack speaks it (single-use links, hello,
envelopes acked within 3 s, disconnect), and Baton's handoff loop over it, reconnects included.
Baton connects exactly as `baton serve` does with SLACK_APP_TOKEN (runtime.connect_socket_mode).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from bot.app import build_app
from bot.clock import ManualClock
from bot.container import Services, build_services
from bot.runtime import connect_socket_mode
from bot.slack_standin import SlackStandIn
from store.db import Database
from store.migrate import upgrade
from tests.conftest import BOT_TOKEN, make_settings
from tests.handoffs.test_handoff_flow import GOOD_FORM
from tests.socket_driver import SocketDriver

APP_TOKEN = "xapp-1-A1-socket"


def open_link(standin: SlackStandIn, token: str = APP_TOKEN) -> str:
    url: str = WebClient(base_url=standin.url).apps_connections_open(app_token=token)["url"]
    return url


# -- the protocol -----------------------------------------------------------------------------


def test_apps_connections_open_takes_an_app_token_with_connections_write(
    standin: SlackStandIn,
) -> None:
    standin.add_token(APP_TOKEN, "app")
    standin.add_token("xapp-1-A1-noscope", "app", app_scopes=())
    assert open_link(standin).startswith("ws://127.0.0.1:")
    with pytest.raises(SlackApiError) as bot_token:
        open_link(standin, BOT_TOKEN)
    assert bot_token.value.response["error"] == "not_allowed_token_type"
    with pytest.raises(SlackApiError) as no_scope:
        open_link(standin, "xapp-1-A1-noscope")
    assert no_scope.value.response["error"] == "missing_scope"
    assert no_scope.value.response["needed"] == "connections:write"


def test_a_link_says_hello_and_is_good_for_one_connection(standin: SlackStandIn) -> None:
    standin.add_token(APP_TOKEN, "app")
    url = open_link(standin)
    with connect(url) as ws:
        hello = json.loads(ws.recv(timeout=5))
        assert hello["type"] == "hello"
        assert hello["num_connections"] == 1
        assert hello["connection_info"] == {"app_id": "A1"}
        with pytest.raises(InvalidStatus):  # the ticket is spent
            connect(url).close()


def envelope_on(ws: Any) -> dict[str, Any]:
    ws.recv(timeout=5)  # hello
    message: dict[str, Any] = json.loads(ws.recv(timeout=5))
    return message


def test_an_envelope_acked_in_time_carries_its_payload_back(standin: SlackStandIn) -> None:
    standin.add_token(APP_TOKEN, "app")
    with connect(open_link(standin)) as ws:
        standin.socket_mode.wait_for_connection()

        def app() -> None:
            envelope = envelope_on(ws)
            assert envelope["type"] == "slash_commands"
            assert envelope["accepts_response_payload"] is True
            assert envelope["payload"] == {"command": "/handoff"}
            reply = {"envelope_id": envelope["envelope_id"], "payload": {"text": "ok"}}
            ws.send(json.dumps(reply))

        answering = threading.Thread(target=app)
        answering.start()
        sent = standin.socket_mode.send("slash_commands", {"command": "/handoff"})
        answering.join()
    assert sent.ack == {"text": "ok"}
    assert standin.socket_mode.failures == []


def test_a_missing_or_late_ack_is_a_failure_a_test_sees(standin: SlackStandIn) -> None:
    standin.add_token(APP_TOKEN, "app")
    standin.socket_mode.ack_timeout = 0.3  # Slack's 3 s, shortened to keep the test quick
    with connect(open_link(standin)) as ws:
        standin.socket_mode.wait_for_connection()
        sent = standin.socket_mode.send("events_api", {"event": {"type": "app_home_opened"}})
        [failure] = standin.socket_mode.failures
        assert (failure.envelope_id, failure.reason) == (sent.envelope_id, "no ack within 0.3 s")
        envelope = envelope_on(ws)
        assert envelope["accepts_response_payload"] is False  # events take no answer
        ws.send(json.dumps({"envelope_id": envelope["envelope_id"]}))
        assert sent.acked.wait(5)
    assert failure.reason.startswith("acked after ")


# -- Baton over Socket Mode -------------------------------------------------------------------


@dataclass
class SocketBaton:
    slack: SocketDriver
    services: Services
    standin: SlackStandIn


@pytest.fixture
def socket_baton(
    standin: SlackStandIn, clock: ManualClock, sqlite_url: str
) -> Iterator[SocketBaton]:
    standin.add_token(APP_TOKEN, "app")
    settings = make_settings(standin, sqlite_url, slack_app_token=APP_TOKEN)
    db = Database(settings.database_url)
    upgrade(db)
    services = build_services(settings, clock, db=db)
    services.deliverer.pacer.interval = 0.0
    handler = connect_socket_mode(build_app(services, socket_mode=True), APP_TOKEN)
    try:
        standin.socket_mode.wait_for_connection()
        yield SocketBaton(SocketDriver(standin, settle=services.settle), services, standin)
    finally:
        handler.close()
        services.close()


def hand_off(baton: SocketBaton) -> None:
    command = baton.slack.command("/handoff", "launch copy", user="U0CAI")
    assert command.ack == {}  # acked, nothing to show: the modal opens instead
    view = baton.slack.last_view()
    submitted = baton.slack.submit(view, GOOD_FORM, user="U0CAI")
    assert submitted.ack == {}  # the modal closes


def test_the_handoff_loop_runs_over_socket_mode(socket_baton: SocketBaton) -> None:
    hand_off(socket_baton)
    slack = socket_baton.standin
    [post] = slack.messages("C0LAUNCH")
    assert "launch copy" in slack.render(post["blocks"], post["text"])
    [dm] = slack.dms("U0ANA")
    assert "Acknowledge" in json.dumps(dm["blocks"])
    assert slack.socket_mode.failures == []


def test_a_bad_form_is_answered_in_the_ack(socket_baton: SocketBaton) -> None:
    socket_baton.slack.command("/handoff", "launch copy", user="U0CAI")
    view = socket_baton.slack.last_view()
    bad = {**GOOD_FORM, "Next owner": "U0BOT"}  # a bot cannot take work
    submitted = socket_baton.slack.submit(view, bad, user="U0CAI")
    assert submitted.ack is not None
    assert submitted.ack["response_action"] == "errors"
    assert socket_baton.standin.messages("C0LAUNCH") == []


def reconnects_and_works(baton: SocketBaton, *, within: float) -> None:
    started = time.monotonic()
    baton.standin.socket_mode.wait_for_connection(opened=2, timeout=within)
    took = time.monotonic() - started
    assert len(baton.standin.calls_to("apps.connections.open")) == 2, took
    hand_off(baton)
    assert len(baton.standin.dms("U0ANA")) == 1
    assert baton.standin.socket_mode.failures == []


def test_after_slack_says_disconnect_baton_reconnects(socket_baton: SocketBaton) -> None:
    socket_baton.standin.socket_mode.disconnect("refresh_requested")
    reconnects_and_works(socket_baton, within=3)


def test_after_slack_closes_the_link_baton_reconnects_within_seconds(
    socket_baton: SocketBaton,
) -> None:
    socket_baton.standin.socket_mode.close_links()
    reconnects_and_works(socket_baton, within=5)


def test_after_the_network_drops_the_link_baton_reconnects(socket_baton: SocketBaton) -> None:
    socket_baton.standin.socket_mode.cut()
    reconnects_and_works(socket_baton, within=30)
