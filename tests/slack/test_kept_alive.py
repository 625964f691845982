"""Baton's Web API clients keep their connections to Slack open: many calls, from many threads,
over a few connections (the stand-in counts the ones it accepts), with slack_sdk's answers,
errors and retries as before."""

from __future__ import annotations

import shutil
import ssl
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.container import delivery_client, web_client
from bot.observability.metrics import Metrics
from bot.reports.charts import cycle_spec, render
from bot.reports.cycle_time import WeekPoint
from bot.slack_standin import SlackStandIn
from bot.slack_standin.connections import self_signed_certificate
from bot.web_api import CONNECTIONS
from store import outbox
from store.db import Database
from tests.conftest import BOT_TOKEN, RunningBaton, make_settings
from tests.reports.test_charts import MONDAY, image

CHANNELS = ["C0LAUNCH", "C0TWO", "C0THREE"]


@pytest.fixture
def settings(standin: SlackStandIn, sqlite_url: str) -> Settings:
    return make_settings(standin, sqlite_url)


def errors(metrics: Metrics, method: str, error: str) -> float:
    labels = {"method": method, "error": error}
    return metrics.registry.get_sample_value("baton_slack_api_errors_total", labels) or 0.0


def test_calls_one_after_another_share_one_connection(
    standin: SlackStandIn, settings: Settings
) -> None:
    client = web_client(settings, Metrics())
    before = standin.accepted_connections()
    for n in range(30):
        client.chat_postMessage(channel="C0LAUNCH", text=f"m{n}")
        client.users_info(user="U0ANA")
    assert standin.accepted_connections() - before == 1
    assert len(standin.messages("C0LAUNCH")) == 30


def test_many_threads_share_no_more_connections_than_the_pool_holds(
    standin: SlackStandIn, settings: Settings
) -> None:
    client = delivery_client(web_client(settings, Metrics()), Metrics())
    before = standin.accepted_connections()
    with ThreadPoolExecutor(64) as threads:  # as many as the deliverer's workers
        done = list(
            threads.map(
                lambda n: client.chat_postMessage(channel="C0LAUNCH", text=f"m{n}")["ts"],
                range(300),
            )
        )
    assert len(set(done)) == 300 == len(standin.messages("C0LAUNCH"))
    assert 1 <= standin.accepted_connections() - before <= CONNECTIONS


def test_the_deliverer_sends_many_rows_over_a_few_connections(baton: RunningBaton) -> None:
    for channel in CHANNELS[1:]:
        baton.standin.add_channel(channel, channel.lower())
        baton.standin.invite_bot(channel)
    now = baton.clock.now()
    elsewhere = Database(baton.services.settings.database_url)  # another process: no prompt send
    with elsewhere.write() as session:
        for n in range(60):
            new = outbox.NewMessage(
                key=f"many:{n}", target=CHANNELS[n % 3], text=f"m{n}", blocks=[], due_at=now
            )
            outbox.enqueue(session, new, now=now)
    elsewhere.dispose()
    before = baton.standin.accepted_connections()
    while baton.services.deliverer.sweep():
        pass
    assert sum(len(baton.standin.messages(c)) for c in CHANNELS) == 60
    assert baton.standin.accepted_connections() - before <= 3  # one per channel at most


def test_a_429_is_waited_out_and_retried_by_the_retry_handler(
    standin: SlackStandIn, settings: Settings
) -> None:
    metrics = Metrics()
    client = web_client(settings, metrics)
    standin.fail_next(method="users.info", status=429, retry_after=1)
    assert client.users_info(user="U0ANA")["user"]["id"] == "U0ANA"
    assert [c.status for c in standin.calls_to("users.info")] == [429, 200]
    assert errors(metrics, "users.info", "ratelimited") == 1
    assert standin.accepted_connections() == 1  # the retry went over the same connection


def test_the_deliverers_client_hands_a_429_back_with_its_retry_after(
    standin: SlackStandIn, settings: Settings
) -> None:
    client = delivery_client(web_client(settings, Metrics()), Metrics())
    standin.fail_next(method="chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as failed:
        client.chat_postMessage(channel="C0LAUNCH", text="hello")
    response = failed.value.response
    assert response.status_code == 429 and response["error"] == "ratelimited"
    assert response.headers["Retry-After"] == response.headers["retry-after"] == "7"
    assert len(standin.calls_to("chat.postMessage")) == 1


def test_ok_false_raises_slack_api_error_as_before(
    standin: SlackStandIn, settings: Settings
) -> None:
    metrics = Metrics()
    client = web_client(settings, metrics)
    with pytest.raises(SlackApiError, match="channel_not_found") as failed:
        client.chat_postMessage(channel="C0NOWHERE", text="hello")
    assert failed.value.response.status_code == 200
    assert failed.value.response["ok"] is False
    standin.fail_next(method="chat.postMessage", status=503, error="service_unavailable")
    with pytest.raises(SlackApiError) as failed:
        client.chat_postMessage(channel="C0LAUNCH", text="hello")
    assert failed.value.response.status_code == 503
    assert errors(metrics, "chat.postMessage", "channel_not_found") == 1
    assert errors(metrics, "chat.postMessage", "service_unavailable") == 1
    other = WebClient(token="xoxb-wrong", base_url=standin.url)
    wrong = delivery_client(other, Metrics())  # the token a client is given is the one sent
    with pytest.raises(SlackApiError, match="invalid_auth"):
        wrong.auth_test()


def test_a_refused_connection_is_an_os_error_as_before(settings: Settings) -> None:
    metrics = Metrics()
    closed = settings.model_copy(update={"slack_api_url": "http://127.0.0.1:9/api/"})
    client = delivery_client(web_client(closed, metrics), metrics)
    with pytest.raises(OSError):  # the deliverer retries these later as connection errors
        client.chat_postMessage(channel="C0LAUNCH", text="hello")
    assert errors(metrics, "chat.postMessage", "connection_error") == 1


def test_a_chart_upload_goes_through_files_upload_v2(
    standin: SlackStandIn, settings: Settings
) -> None:
    client = delivery_client(web_client(settings, Metrics()), Metrics())
    chart = render(cycle_spec([WeekPoint(MONDAY, 1.0, 3.0, None, None)]))
    assert image(chart)
    posted = client.chat_postMessage(channel="C0LAUNCH", text="digest")
    sent = client.files_upload_v2(
        channel="C0LAUNCH",
        thread_ts=posted["ts"],
        file=chart,
        filename="cycle.png",
        title="Cycle time",
        alt_txt="ack p50 (h): 11-02 1",
    )
    assert sent["file"]["title"] == "Cycle time"
    [shared] = standin.uploaded_files()
    assert shared["data"] == chart and shared["thread_ts"] == posted["ts"]
    assert shared["alt_txt"] == "ack p50 (h): 11-02 1"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_over_tls_the_client_trusts_the_context_it_is_given(
    tmp_path: Path, sqlite_url: str
) -> None:
    cert, key = self_signed_certificate(tmp_path)
    slack = SlackStandIn(bot_token=BOT_TOKEN)
    slack.add_channel("C0LAUNCH", "launch")
    url = slack.serve(certfile=str(cert), keyfile=str(key))
    try:
        assert url.startswith("https://")
        settings = make_settings(slack, sqlite_url)
        with pytest.raises(OSError, match="CERTIFICATE_VERIFY_FAILED"):
            web_client(settings, Metrics()).auth_test()  # the system's authorities: refused
        trust = ssl.create_default_context(cafile=str(cert))
        client = delivery_client(web_client(settings, Metrics(), ssl=trust), Metrics())
        before = slack.accepted_connections()
        for n in range(20):
            client.chat_postMessage(channel="C0LAUNCH", text=f"m{n}")
        assert len(slack.messages("C0LAUNCH")) == 20
        assert slack.accepted_connections() - before == 1
    finally:
        slack.stop()
