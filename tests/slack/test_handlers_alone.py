"""Handlers are plain functions: called here with a fake ack, respond and client, no HTTP, as
Slack's Bolt templates test their listeners. The HTTP flow tests beside these stay."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.container import Services, build_services
from bot.graph.command import blocked
from bot.handoffs.form import submit_handoff
from bot.handoffs.modal import handoff_modal
from bot.ids import HandoffBlock
from bot.slack.modal_context import ModalContext
from bot.slack_standin import SlackStandIn, payloads
from store.db import Database
from store.migrate import upgrade
from tests.conftest import ManualClock, make_settings


class FakeAck:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **answer: Any) -> None:
        self.calls.append(answer)


class FakeRespond:
    def __init__(self) -> None:
        self.said: list[dict[str, Any]] = []

    def __call__(self, **message: Any) -> None:
        self.said.append(message)


@pytest.fixture
def services(standin: SlackStandIn, clock: ManualClock, sqlite_url: str) -> Iterator[Services]:
    settings = make_settings(standin, sqlite_url)
    db = Database(settings.database_url)
    upgrade(db)
    built = build_services(settings, clock, db=db)
    yield built
    built.close()


def handoff_view(values: dict[str, Any], standin: SlackStandIn) -> dict[str, Any]:
    view = handoff_modal(
        context=ModalContext(channel_id="C0LAUNCH"), work_item="launch copy", hint="Left empty."
    )
    view = {**view, "id": "V0UNIT", "hash": "h"}
    return payloads.submission(standin, view, values, user="U0CAI")["view"]


def test_a_handoff_without_a_next_action_is_refused_at_that_field(
    services: Services, standin: SlackStandIn
) -> None:
    ack = FakeAck()
    view = handoff_view(
        {
            "Work item": "launch copy",
            "Status": "Copy ready",
            "Done": "Drafted launch copy in https://docs.example.com/copy",
            "Open": "Instrumentation metadata missing",
            "Next owner": "U0ANA",
        },
        standin,
    )
    services.people.learn(["U0ANA", "U0BEN"])  # what picking them in the modal does
    submit_handoff(services, ack, {"user": {"id": "U0CAI"}}, view)

    [answer] = ack.calls
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {HandoffBlock.NEXT_ACTION}
    assert standin.calls_to("chat.postMessage") == []  # refused: nothing said in Slack


def test_a_complete_handoff_is_acked_with_nothing_to_fix(
    services: Services, standin: SlackStandIn
) -> None:
    ack = FakeAck()
    view = handoff_view(
        {
            "Work item": "launch copy",
            "Status": "Copy ready",
            "Done": "Drafted launch copy in https://docs.example.com/copy",
            "Open": "Instrumentation metadata missing",
            "Next owner": "U0ANA",
            "Next action": "Publish the copy on LinkedIn",
        },
        standin,
    )
    services.people.learn(["U0ANA", "U0BEN"])  # what picking them in the modal does
    submit_handoff(services, ack, {"user": {"id": "U0CAI"}}, view)
    assert ack.calls == [{}]
    services.settle()
    assert any("launch copy" in m["text"] for m in standin.messages("C0LAUNCH"))


def test_blocked_with_words_it_cannot_read_answers_with_its_usage(services: Services) -> None:
    respond = FakeRespond()
    client = WebClient(token="unused")  # /blocked answers through respond, never the client
    command = {"channel_id": "C0LAUNCH", "user_id": "U0CAI", "text": "launch on"}
    # acked_first: the ack goes at once, the work after it.
    ack = FakeAck()
    blocked(
        ack=ack,
        services=services,
        body=command,
        client=client,
        respond=respond,
        context={},
        payload=command,
        command=command,
        action={},
        event={},
    )
    assert ack.calls == [{}]
    assert services.settle()
    [answer] = respond.said
    assert answer["response_type"] == "ephemeral"
    assert "/blocked" in answer["text"]
