"""usergroups.list as Slack answers it: enabled groups by default, members on request."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.slack_standin import SlackStandIn
from tests.conftest import BOT_TOKEN


def test_usergroups_list_gives_handles_and_members_on_request(standin: SlackStandIn) -> None:
    client = WebClient(token=BOT_TOKEN, base_url=standin.url)
    standin.add_usergroup("S0LAUNCH", "launch-oncall", ["U0ANA", "U0BEN"])
    standin.add_usergroup("S0OLD", "old-team", ["U0CAI"], disabled=True)
    groups = client.usergroups_list()["usergroups"]
    assert [(g["id"], g["handle"], g["date_delete"]) for g in groups] == [
        ("S0LAUNCH", "launch-oncall", 0)
    ]
    assert "users" not in groups[0]
    everyone = client.usergroups_list(include_users=True, include_disabled=True)["usergroups"]
    assert {g["handle"]: g["users"] for g in everyone} == {
        "launch-oncall": ["U0ANA", "U0BEN"],
        "old-team": ["U0CAI"],
    }
