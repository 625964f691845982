"""A view_submission's answer as Slack applies it: `push` stacks a modal (three at most) whose
Submit names the one under it, `update` replaces the submitted one; a malformed view is
refused."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient

from bot.slack_standin import SlackStandIn
from bot.slack_standin.server import SlackError
from tests.conftest import BOT_TOKEN


def modal(title: str) -> dict[str, Any]:
    return {"type": "modal", "title": {"type": "plain_text", "text": title}, "blocks": []}


def test_push_stacks_three_modals_at_most_and_update_replaces(standin: SlackStandIn) -> None:
    client = WebClient(token=BOT_TOKEN, base_url=standin.url)
    root = client.views_open(trigger_id=standin.issue_trigger_id(), view=modal("Form"))["view"]
    second = standin.answer_submission(root, {"response_action": "push", "view": modal("Check")})
    assert second is not None
    assert second["previous_view_id"] == root["id"] and second["root_view_id"] == root["id"]
    third = standin.answer_submission(second, {"response_action": "push", "view": modal("More")})
    assert third is not None and third["root_view_id"] == root["id"]
    with pytest.raises(SlackError, match="push_limit_reached"):
        standin.answer_submission(third, {"response_action": "push", "view": modal("Four")})
    updated = standin.answer_submission(
        second, {"response_action": "update", "view": modal("Checked")}
    )
    assert updated is not None and updated["id"] == second["id"]
    assert updated["title"]["text"] == "Checked"
    with pytest.raises(SlackError, match="invalid_arguments"):
        standin.answer_submission(root, {"response_action": "push", "view": {"type": "modal"}})
    assert standin.answer_submission(root, {"response_action": "clear"}) is None
