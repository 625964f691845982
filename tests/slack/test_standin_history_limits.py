"""The stand-in reads history as Slack does: within `oldest`/`latest`, and, switched on, with
the limits of a commercially distributed app outside the Marketplace (1 request a minute per
method and workspace, pages of at most 15)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import ManualClock
from bot.slack_standin import SlackStandIn
from tests.conftest import BOT_TOKEN


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    client = WebClient(token=BOT_TOKEN, base_url=standin.url)
    client.conversations_join(channel="C0LAUNCH")
    return client


def post(client: WebClient, count: int, thread_ts: str | None = None) -> list[str]:
    return [
        str(client.chat_postMessage(channel="C0LAUNCH", text=f"m{n}", thread_ts=thread_ts)["ts"])
        for n in range(count)
    ]


def history_status(standin: SlackStandIn, method: str = "conversations.history") -> int:
    response = requests.post(
        standin.url + method,
        data={"channel": "C0LAUNCH", "ts": standin.messages("C0LAUNCH")[0]["ts"]},
        headers={"Authorization": f"Bearer {BOT_TOKEN}"},
        timeout=5,
    )
    if response.status_code == 429:
        return int(response.headers["Retry-After"]) * 1000 + 429
    return response.status_code


def test_without_limits_history_is_tier_3(standin: SlackStandIn, client: WebClient) -> None:
    post(client, 40)
    assert len(client.conversations_history(channel="C0LAUNCH", limit=200)["messages"]) == 40
    assert client.conversations_history(channel="C0LAUNCH")["ok"]


def test_limited_history_answers_once_a_minute_per_method(
    standin: SlackStandIn, client: WebClient, clock: ManualClock
) -> None:
    parent = post(client, 1)[0]
    post(client, 2, thread_ts=parent)
    standin.set_history_limits(True)
    assert history_status(standin) == 200
    clock.advance(timedelta(seconds=20))
    assert history_status(standin) == 40 * 1000 + 429  # 429, Retry-After: 40
    # Each method has its own minute.
    assert history_status(standin, "conversations.replies") == 200
    assert history_status(standin, "conversations.replies") == 60 * 1000 + 429
    clock.advance(timedelta(seconds=40))
    assert history_status(standin) == 200
    with pytest.raises(SlackApiError) as refused:
        client.conversations_history(channel="C0LAUNCH")
    assert refused.value.response.status_code == 429
    assert refused.value.response["error"] == "ratelimited"


def test_limited_pages_hold_at_most_15_messages(
    standin: SlackStandIn, client: WebClient, clock: ManualClock
) -> None:
    post(client, 20)
    standin.set_history_limits(True)
    page = client.conversations_history(channel="C0LAUNCH", limit=200)
    assert len(page["messages"]) == 15 and page["has_more"]
    clock.advance(timedelta(minutes=1))
    assert len(client.conversations_history(channel="C0LAUNCH")["messages"]) == 15  # default


def test_history_and_replies_keep_to_oldest_and_latest(
    client: WebClient, clock: ManualClock
) -> None:
    first = post(client, 1)[0]
    clock.advance(timedelta(seconds=10))
    middle = post(client, 2, thread_ts=first) + post(client, 1)
    clock.advance(timedelta(seconds=10))
    post(client, 1)

    def texts(method: str, **bounds: object) -> list[str]:
        call = getattr(client, method)
        return [m["text"] for m in call(channel="C0LAUNCH", **bounds)["messages"]]

    window = {"oldest": middle[0], "latest": middle[-1]}
    assert texts("conversations_history", **window) == []  # neither bound counts by default
    assert texts("conversations_history", inclusive=True, **window) == ["m0"]  # newest first
    assert texts("conversations_replies", ts=first, inclusive=True, **window) == [
        "m0",  # the parent comes first
        "m0",
        "m1",
    ]
    assert texts("conversations_replies", ts=first, oldest=middle[0], latest=middle[1]) == ["m0"]
