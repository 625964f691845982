"""The stand-in refuses what Slack refuses, so tests that pass against it mean something."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import requests
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import ManualClock
from bot.slack_standin import SlackStandIn
from tests.conftest import BOT_TOKEN


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token=BOT_TOKEN, base_url=standin.url)


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def modal(title: str, blocks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"type": "modal", "title": {"type": "plain_text", "text": title}, "blocks": blocks or []}


def error_of(call: Any) -> str:
    with pytest.raises(SlackApiError) as raised:
        call()
    return str(raised.value.response["error"])


def test_a_wrong_token_is_invalid_auth(standin: SlackStandIn) -> None:
    other = WebClient(token="xoxb-wrong", base_url=standin.url)
    assert error_of(lambda: other.auth_test()) == "invalid_auth"


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_messages_over_block_kit_limits_are_invalid_blocks(client: WebClient) -> None:
    too_many = [section(f"line {n}") for n in range(51)]
    assert error_of(lambda: client.chat_postMessage(channel="C0LAUNCH", blocks=too_many)) == (
        "invalid_blocks"
    )
    too_long = [section("x" * 3001)]
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C0LAUNCH", text="t", blocks=too_long)
    assert "json-pointer:/blocks/0/text/text" in str(raised.value.response["response_metadata"])
    assert error_of(lambda: client.chat_postMessage(channel="C0LAUNCH")) == "no_text"


def test_unknown_channels_users_and_threads_are_refused(client: WebClient) -> None:
    assert error_of(lambda: client.chat_postMessage(channel="C0NOPE", text="hi")) == (
        "channel_not_found"
    )
    assert error_of(lambda: client.users_info(user="U0NOBODY")) == "user_not_found"
    assert error_of(lambda: client.chat_postMessage(channel="U0GONE", text="hi")) == (
        "user_disabled"
    )
    assert error_of(lambda: client.conversations_open(users="U0BOT")) == "cannot_dm_bot"
    assert error_of(
        lambda: client.chat_postMessage(channel="C0LAUNCH", text="hi", thread_ts="1.000001")
    ) == ("message_not_found")


def test_metadata_must_have_an_event_type_and_payload(client: WebClient) -> None:
    bad = {"event_type": "", "event_payload": {}}
    assert error_of(
        lambda: client.chat_postMessage(channel="C0LAUNCH", text="hi", metadata=bad)
    ) == ("invalid_metadata_format")


def test_trigger_ids_are_single_use_and_expire_after_3_seconds(
    standin: SlackStandIn, client: WebClient, clock: ManualClock
) -> None:
    trigger = standin.issue_trigger_id()
    assert client.views_open(trigger_id=trigger, view=modal("Handoff"))["ok"]
    assert error_of(lambda: client.views_open(trigger_id=trigger, view=modal("Handoff"))) == (
        "invalid_trigger_id"
    )
    late = standin.issue_trigger_id()
    clock.advance(timedelta(seconds=3.5))
    assert error_of(lambda: client.views_open(trigger_id=late, view=modal("Handoff"))) == (
        "expired_trigger_id"
    )


def test_views_are_checked_against_modal_limits(standin: SlackStandIn, client: WebClient) -> None:
    long_title = modal("A title that is far too long")
    assert error_of(
        lambda: client.views_open(trigger_id=standin.issue_trigger_id(), view=long_title)
    ) == ("invalid_arguments")
    too_many = modal("Handoff", [section(str(n)) for n in range(101)])
    assert error_of(
        lambda: client.views_open(trigger_id=standin.issue_trigger_id(), view=too_many)
    ) == ("invalid_arguments")


def test_injected_429_carries_retry_after(standin: SlackStandIn) -> None:
    standin.fail_next(method="chat.postMessage", status=429, retry_after=7)
    response = requests.post(
        standin.url + "chat.postMessage",
        json={"channel": "C0LAUNCH", "text": "hi"},
        headers={"Authorization": f"Bearer {BOT_TOKEN}"},
        timeout=5,
    )
    assert response.status_code == 429 and response.headers["Retry-After"] == "7"
    assert standin.messages("C0LAUNCH") == []


def test_the_per_channel_rate_limit_answers_429(standin: SlackStandIn, client: WebClient) -> None:
    standin.per_channel_post_limit = 1.0
    client.chat_postMessage(channel="C0LAUNCH", text="first")
    assert error_of(lambda: client.chat_postMessage(channel="C0LAUNCH", text="second")) == (
        "ratelimited"
    )
    assert [m["text"] for m in standin.messages("C0LAUNCH")] == ["first"]


def test_history_returns_metadata_only_when_asked(client: WebClient) -> None:
    metadata = {"event_type": "baton_outbox", "event_payload": {"key": "k1"}}
    client.chat_postMessage(channel="C0LAUNCH", text="hi", metadata=metadata)
    plain = client.conversations_history(channel="C0LAUNCH")["messages"][0]
    assert "metadata" not in plain
    full = client.conversations_history(channel="C0LAUNCH", include_all_metadata=True)
    assert full["messages"][0]["metadata"] == metadata
