"""usergroups.users.list as Slack answers it: a group's members now, refused without the scope
or for a group that does not exist (or is disabled, unless asked to include those)."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack_standin import SlackStandIn
from tests.conftest import BOT_TOKEN


def error_of(client: WebClient, **params: object) -> str:
    with pytest.raises(SlackApiError) as raised:
        client.usergroups_users_list(**params)
    return str(raised.value.response["error"])


def test_usergroups_users_list_gives_the_members_as_they_are_now(standin: SlackStandIn) -> None:
    client = WebClient(token=BOT_TOKEN, base_url=standin.url)
    standin.add_usergroup("S0ONCALL", "launch-oncall", ["U0ANA", "U0BEN"])
    assert client.usergroups_users_list(usergroup="S0ONCALL")["users"] == ["U0ANA", "U0BEN"]
    standin.add_usergroup("S0ONCALL", "launch-oncall", ["U0DEE"])
    assert client.usergroups_users_list(usergroup="S0ONCALL")["users"] == ["U0DEE"]


def test_unknown_or_disabled_groups_and_a_missing_scope_are_refused(
    standin: SlackStandIn,
) -> None:
    client = WebClient(token=BOT_TOKEN, base_url=standin.url)
    standin.add_usergroup("S0OLD", "old-team", ["U0CAI"], disabled=True)
    assert error_of(client, usergroup="S0NONE") == "no_such_subteam"
    assert error_of(client, usergroup="S0OLD") == "no_such_subteam"
    assert client.usergroups_users_list(usergroup="S0OLD", include_disabled=True)["users"] == [
        "U0CAI"
    ]
    standin.remove_scope("usergroups:read")
    assert error_of(client, usergroup="S0OLD") == "missing_scope"
