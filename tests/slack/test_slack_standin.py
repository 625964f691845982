"""The stand-in refuses what Slack refuses, so tests that pass against it mean something."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import requests
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import ManualClock
from bot.slack_standin import SlackStandIn, payloads
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
    client.conversations_join(channel="C0LAUNCH")
    client.chat_postMessage(channel="C0LAUNCH", text="hi", metadata=metadata)
    plain = client.conversations_history(channel="C0LAUNCH")["messages"][0]
    assert "metadata" not in plain
    full = client.conversations_history(channel="C0LAUNCH", include_all_metadata=True)
    assert full["messages"][0]["metadata"] == metadata


# -- membership, as Slack has it ---------------------------------------------------------


def test_a_bot_is_not_in_a_channel_until_it_joins(standin: SlackStandIn, client: WebClient) -> None:
    assert not standin.bot_is_member("C0LAUNCH")
    # chat:write.public posts in a public channel without joining it; reading needs membership.
    client.chat_postMessage(channel="C0LAUNCH", text="hi")
    assert error_of(lambda: client.conversations_history(channel="C0LAUNCH")) == "not_in_channel"
    ts = standin.messages("C0LAUNCH")[0]["ts"]
    assert error_of(lambda: client.conversations_replies(channel="C0LAUNCH", ts=ts)) == (
        "not_in_channel"
    )
    joined = client.conversations_join(channel="C0LAUNCH")
    assert joined["channel"]["is_member"] is True and "warning" not in joined.data
    assert standin.bot_is_member("C0LAUNCH")
    assert [m["text"] for m in client.conversations_history(channel="C0LAUNCH")["messages"]] == [
        "hi"
    ]
    assert client.conversations_replies(channel="C0LAUNCH", ts=ts)["messages"][0]["ts"] == ts


def test_joining_again_is_ok_with_a_warning(client: WebClient) -> None:
    client.conversations_join(channel="C0LAUNCH")
    again = client.conversations_join(channel="C0LAUNCH")
    assert again["ok"] and again["warning"] == "already_in_channel"
    assert again["response_metadata"]["warnings"] == ["already_in_channel"]


def test_without_chat_write_public_a_bot_posts_only_where_it_is_a_member(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.remove_scope("chat:write.public")
    assert error_of(lambda: client.chat_postMessage(channel="C0LAUNCH", text="hi")) == (
        "not_in_channel"
    )
    assert error_of(
        lambda: client.chat_postEphemeral(channel="C0LAUNCH", user="U0ANA", text="hi")
    ) == ("not_in_channel")
    client.conversations_join(channel="C0LAUNCH")
    client.chat_postMessage(channel="C0LAUNCH", text="hi")
    assert [m["text"] for m in standin.messages("C0LAUNCH")] == ["hi"]


def test_a_private_channel_the_bot_is_not_in_does_not_exist_for_it(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.add_channel("C0SECRET", "secret", is_private=True, members={"U0ANA"})
    calls = {
        "chat.postMessage": lambda: client.chat_postMessage(channel="C0SECRET", text="hi"),
        "chat.postEphemeral": lambda: client.chat_postEphemeral(
            channel="C0SECRET", user="U0ANA", text="hi"
        ),
        "chat.update": lambda: client.chat_update(channel="C0SECRET", ts="1.000001", text="x"),
        "chat.getPermalink": lambda: client.chat_getPermalink(
            channel="C0SECRET", message_ts="1.000001"
        ),
        "conversations.history": lambda: client.conversations_history(channel="C0SECRET"),
        "conversations.replies": lambda: client.conversations_replies(
            channel="C0SECRET", ts="1.000001"
        ),
    }
    assert {method: error_of(call) for method, call in calls.items()} == dict.fromkeys(
        calls, "channel_not_found"
    )
    # Slack's answer to joining a private channel: it takes an invitation.
    assert error_of(lambda: client.conversations_join(channel="C0SECRET")) == (
        "method_not_supported_for_channel_type"
    )
    assert standin.command_channel_name("C0SECRET") == "privategroup"
    standin.invite_bot("C0SECRET")  # /invite @Baton
    assert standin.command_channel_name("C0SECRET") == "secret"
    client.chat_postMessage(channel="C0SECRET", text="hi")
    assert client.conversations_history(channel="C0SECRET")["messages"][0]["text"] == "hi"


def test_a_group_dm_the_bot_is_not_in_is_a_privategroup_too(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.add_channel("G0TRIO", "mpdm-ana--ben--cai-1", is_mpim=True)
    assert standin.command_channel_name("G0TRIO") == "privategroup"
    assert error_of(lambda: client.chat_postMessage(channel="G0TRIO", text="hi")) == (
        "channel_not_found"
    )
    assert error_of(lambda: client.conversations_join(channel="G0TRIO")) == (
        "method_not_supported_for_channel_type"
    )


def test_a_dm_the_bot_opens_is_one_it_is_in(client: WebClient) -> None:
    dm = client.conversations_open(users="U0ANA")["channel"]["id"]
    client.chat_postMessage(channel=dm, text="hi")
    assert client.conversations_history(channel=dm)["messages"][0]["text"] == "hi"
    assert error_of(lambda: client.conversations_join(channel=dm)) == (
        "method_not_supported_for_channel_type"
    )


def test_ephemerals_go_only_to_members_of_the_channel(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.add_channel("C0TEAM", "team", members={"U0ANA"}, bot_member=True)
    client.chat_postEphemeral(channel="C0TEAM", user="U0ANA", text="for ana")
    assert error_of(
        lambda: client.chat_postEphemeral(channel="C0TEAM", user="U0BEN", text="for ben")
    ) == ("user_not_in_channel")
    assert [e["text"] for e in standin.ephemerals("U0ANA")] == ["for ana"]
    assert standin.ephemerals("U0BEN") == []


# -- scopes ------------------------------------------------------------------------------


def missing_scope(call: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as raised:
        call()
    response: dict[str, Any] = raised.value.response.data  # type: ignore[assignment]
    assert response["error"] == "missing_scope"
    return response


@pytest.mark.parametrize(
    ("scope", "method", "call"),
    [
        ("channels:join", "conversations.join", lambda c: c.conversations_join(channel="C0LAUNCH")),
        ("users:read", "users.info", lambda c: c.users_info(user="U0ANA")),
        (
            "users.profile:read",
            "users.profile.get",
            lambda c: c.users_profile_get(user="U0ANA"),
        ),
        ("dnd:read", "dnd.info", lambda c: c.dnd_info(user="U0ANA")),
        (
            "chat:write",
            "chat.postMessage",
            lambda c: c.chat_postMessage(channel="C0LAUNCH", text="x"),
        ),
        (
            "chat:write",
            "chat.postEphemeral",
            lambda c: c.chat_postEphemeral(channel="C0LAUNCH", user="U0ANA", text="x"),
        ),
        ("im:write", "conversations.open", lambda c: c.conversations_open(users="U0ANA")),
        ("usergroups:read", "usergroups.list", lambda c: c.usergroups_list()),
    ],
)
def test_each_method_needs_its_scope(
    standin: SlackStandIn, client: WebClient, scope: str, method: str, call: Any
) -> None:
    standin.remove_scope(scope)
    answer = missing_scope(lambda: call(client))
    assert scope in answer["needed"].split(",")
    assert scope not in answer["provided"].split(",")
    assert "commands" in answer["provided"].split(",")
    assert standin.calls_to(method)[-1].response["error"] == "missing_scope"


# -- status and Do Not Disturb --------------------------------------------------------------


def test_a_status_is_in_the_profile_until_it_expires(
    standin: SlackStandIn, client: WebClient, clock: ManualClock
) -> None:
    assert client.users_profile_get(user="U0ANA")["profile"]["status_text"] == ""
    back = clock.timestamp() + 3600
    standin.set_status("U0ANA", "Out of office", ":palm_tree:", expiration=back)
    profile = client.users_profile_get(user="U0ANA")["profile"]
    assert (profile["status_text"], profile["status_emoji"]) == ("Out of office", ":palm_tree:")
    assert profile["status_expiration"] == int(back)
    assert profile["display_name"] == "ana"
    clock.advance(timedelta(hours=1))
    cleared = client.users_profile_get(user="U0ANA")["profile"]
    assert (cleared["status_text"], cleared["status_emoji"], cleared["status_expiration"]) == (
        "",
        "",
        0,
    )


def test_a_status_without_expiry_stays(
    standin: SlackStandIn, client: WebClient, clock: ManualClock
) -> None:
    standin.set_status("U0ANA", "OOO")
    clock.advance(timedelta(days=30))
    profile = client.users_profile_get(user="U0ANA")["profile"]
    assert (profile["status_text"], profile["status_expiration"]) == ("OOO", 0)


def test_profile_and_dnd_of_someone_slack_does_not_know(client: WebClient) -> None:
    for call in (client.users_profile_get, client.dnd_info):
        with pytest.raises(SlackApiError) as raised:
            call(user="U0NOBODY")
        assert raised.value.response["error"] == "user_not_found"


def test_a_snooze_shows_only_to_the_snoozing_users_own_token(
    standin: SlackStandIn, client: WebClient, clock: ManualClock
) -> None:
    # docs.slack.dev/reference/methods/dnd.info: "All of the snooze_* properties will only be
    # visible if the user being queried is also the current user."
    standin.add_user("U0BATON", "baton", is_bot=True)
    until = clock.timestamp() + 600
    standin.snooze("U0ANA", until)
    standin.snooze("U0BATON", until)
    other = client.dnd_info(user="U0ANA").data
    assert isinstance(other, dict) and other["dnd_enabled"] is False
    assert not [key for key in other if key.startswith("snooze")]
    own = client.dnd_info().data
    assert isinstance(own, dict)
    assert (own["snooze_enabled"], own["snooze_endtime"], own["snooze_remaining"]) == (
        True,
        int(until),
        600,
    )
    clock.advance(timedelta(minutes=10))
    ended = client.dnd_info(user="U0BATON").data
    assert isinstance(ended, dict) and ended["snooze_enabled"] is False
    assert "snooze_endtime" not in ended


def test_history_needs_the_scope_of_the_conversations_kind(
    standin: SlackStandIn, client: WebClient
) -> None:
    client.conversations_join(channel="C0LAUNCH")
    standin.add_channel("C0SECRET", "secret", is_private=True, bot_member=True)
    dm = client.conversations_open(users="U0ANA")["channel"]["id"]
    standin.remove_scope("channels:history")
    assert missing_scope(lambda: client.conversations_history(channel="C0LAUNCH"))["needed"] == (
        "channels:history"
    )
    assert client.conversations_history(channel="C0SECRET")["ok"]
    standin.remove_scope("groups:history")
    standin.remove_scope("im:history")
    assert missing_scope(lambda: client.conversations_history(channel="C0SECRET"))["needed"] == (
        "groups:history"
    )
    assert missing_scope(lambda: client.conversations_history(channel=dm))["needed"] == (
        "im:history"
    )


# -- Block Kit that Slack rejects --------------------------------------------------------


def option(text: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text}, "value": text}


def button(text: str, action_id: str) -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": text}, "action_id": action_id}


def input_block(block_id: str, element: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": block_id},
        "element": element,
    }


def refused_message(client: WebClient, blocks: list[dict[str, Any]]) -> str:
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C0LAUNCH", text="t", blocks=blocks)
    assert raised.value.response["error"] == "invalid_blocks"
    return str(raised.value.response["response_metadata"]["messages"])


def refused_view(standin: SlackStandIn, client: WebClient, blocks: list[dict[str, Any]]) -> str:
    view = {**modal("Form", blocks), "submit": {"type": "plain_text", "text": "Save"}}
    with pytest.raises(SlackApiError) as raised:
        client.views_open(trigger_id=standin.issue_trigger_id(), view=view)
    assert raised.value.response["error"] == "invalid_arguments"
    return str(raised.value.response["response_metadata"]["messages"])


def test_unknown_element_types_are_refused(standin: SlackStandIn, client: WebClient) -> None:
    blocks = [{"type": "actions", "elements": [{"type": "fancy_button", "action_id": "a"}]}]
    assert "json-pointer:/blocks/0/elements/0/type" in refused_message(client, blocks)
    accessory = {**section("hi"), "accessory": {"type": "slider", "action_id": "s"}}
    assert "json-pointer:/blocks/0/accessory/type" in refused_message(client, [accessory])
    form = [input_block("b", {"type": "text_area", "action_id": "v"})]
    assert "json-pointer:/view/blocks/0/element/type" in refused_view(standin, client, form)
    # A button is an element, but not one an input block takes.
    form = [input_block("b", button("Go", "v"))]
    assert "json-pointer:/view/blocks/0/element" in refused_view(standin, client, form)


def test_a_select_without_options_is_refused(standin: SlackStandIn, client: WebClient) -> None:
    bare = {"type": "static_select", "action_id": "v"}
    assert "json-pointer:/view/blocks/0" in refused_view(standin, client, [input_block("b", bare)])
    empty = [{"type": "actions", "elements": [{**bare, "options": []}]}]
    assert "options or option_groups" in refused_message(client, empty)
    multi = {"type": "multi_static_select", "action_id": "v"}
    refused_view(standin, client, [input_block("b", multi)])
    stray = {**bare, "options": [option("a")], "initial_option": option("b")}
    assert "initial_option" in refused_view(standin, client, [input_block("b", stray)])
    # What Slack takes: options, or option groups.
    grouped = {
        **bare,
        "option_groups": [{"label": {"type": "plain_text", "text": "g"}, "options": [option("a")]}],
    }
    fine = [input_block("b", {**bare, "options": [option("a")]}), input_block("c", grouped)]
    view = {**modal("Form", fine), "submit": {"type": "plain_text", "text": "Save"}}
    assert client.views_open(trigger_id=standin.issue_trigger_id(), view=view)["ok"]


def test_checkboxes_and_timepickers_as_slack_takes_them(
    standin: SlackStandIn, client: WebClient
) -> None:
    days = [option(d) for d in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")]
    boxes = {"type": "checkboxes", "action_id": "v", "options": days}
    # At most 10 options; initial_options one or more, each exactly one of the options.
    too_many = {**boxes, "options": [option(str(n)) for n in range(11)]}
    assert "no more than 10" in refused_view(standin, client, [input_block("b", too_many)])
    stray = {**boxes, "initial_options": [option("Mon"), option("Someday")]}
    assert "initial_options/1" in refused_view(standin, client, [input_block("b", stray)])
    none = {**boxes, "initial_options": []}
    assert "at least 1 item" in refused_view(standin, client, [input_block("b", none)])
    # A timepicker's initial_time is HH:mm, 24-hour, with leading zeros.
    for wrong in ("9:00", "24:00", "09:60", "9am"):
        picker = {"type": "timepicker", "action_id": "v", "initial_time": wrong}
        assert "initial_time" in refused_view(standin, client, [input_block("b", picker)])
    fine = [
        input_block("b", {**boxes, "initial_options": [days[0], days[4]]}),
        input_block("c", {"type": "timepicker", "action_id": "v", "initial_time": "09:00"}),
        input_block("d", {"type": "timepicker", "action_id": "v", "initial_time": "23:59"}),
    ]
    view = {**modal("Form", fine), "submit": {"type": "plain_text", "text": "Save"}}
    assert client.views_open(trigger_id=standin.issue_trigger_id(), view=view)["ok"]


def test_duplicate_action_ids_within_a_block_are_refused(
    standin: SlackStandIn, client: WebClient
) -> None:
    twice = [{"type": "actions", "elements": [button("Yes", "go"), button("No", "go")]}]
    assert "json-pointer:/blocks/0/elements/1/action_id" in refused_message(client, twice)
    # The same action_id in different blocks is fine (every Baton form input uses one).
    apart = [
        {"type": "actions", "block_id": "one", "elements": [button("Yes", "go")]},
        {"type": "actions", "block_id": "two", "elements": [button("No", "go")]},
    ]
    assert client.chat_postMessage(channel="C0LAUNCH", text="t", blocks=apart)["ok"]


def test_an_image_without_a_url_is_refused(client: WebClient) -> None:
    block = [{"type": "image", "alt_text": "chart"}]
    assert "image_url or slack_file" in refused_message(client, block)
    element = [{"type": "context", "elements": [{"type": "image", "alt_text": "chart"}]}]
    assert "json-pointer:/blocks/0/elements/0" in refused_message(client, element)
    no_alt = [{"type": "image", "image_url": "https://example.com/chart.png"}]
    assert "alt_text" in refused_message(client, no_alt)
    fine = [{"type": "image", "image_url": "https://example.com/c.png", "alt_text": "chart"}]
    assert client.chat_postMessage(channel="C0LAUNCH", text="t", blocks=fine)["ok"]


# -- who is in a conversation: conversations.info and conversations.members -------------------


def test_members_of_a_public_channel_are_listed_whether_or_not_the_bot_is_in_it(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.add_channel("C0TEAM", "team", members={"U0ANA", "U0BEN"})
    info = client.conversations_info(channel="C0TEAM")["channel"]
    assert (info["is_channel"], info["is_private"], info["is_member"]) == (True, False, False)
    assert client.conversations_members(channel="C0TEAM")["members"] == ["U0ANA", "U0BEN"]
    first = client.conversations_members(channel="C0TEAM", limit=1)
    assert first["members"] == ["U0ANA"]
    cursor = first["response_metadata"]["next_cursor"]
    rest = client.conversations_members(channel="C0TEAM", limit=1, cursor=cursor)
    assert rest["members"] == ["U0BEN"] and rest["response_metadata"]["next_cursor"] == ""


def test_a_private_channel_tells_its_members_only_once_the_bot_is_in_it(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.add_channel("C0SECRET", "secret", is_private=True, members={"U0ANA"})
    assert error_of(lambda: client.conversations_info(channel="C0SECRET")) == "channel_not_found"
    assert error_of(lambda: client.conversations_members(channel="C0SECRET")) == (
        "channel_not_found"
    )
    standin.invite_bot("C0SECRET")
    assert client.conversations_info(channel="C0SECRET")["channel"]["is_private"] is True
    assert client.conversations_members(channel="C0SECRET")["members"] == ["U0ANA", "U0BATON"]


def test_info_and_members_need_the_read_scope_of_the_conversations_kind(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.add_channel("C0SECRET", "secret", is_private=True, bot_member=True)
    standin.remove_scope("channels:read")
    assert missing_scope(lambda: client.conversations_info(channel="C0LAUNCH"))["needed"] == (
        "channels:read"
    )
    assert client.conversations_members(channel="C0SECRET")["ok"]
    standin.remove_scope("groups:read")
    assert missing_scope(lambda: client.conversations_members(channel="C0SECRET"))["needed"] == (
        "groups:read"
    )


def test_plain_text_shows_as_typed_mrkdwn_is_parsed(standin: SlackStandIn) -> None:
    typed = "*launch* <#C0LAUNCH> <@U0ANA>"
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": typed}},
        {"type": "section", "text": {"type": "mrkdwn", "text": typed}},
    ]
    assert standin.render(blocks).splitlines() == [typed, "launch #launch @ana"]


def test_dispatch_action_is_a_boolean_and_only_text_inputs_configure_it(
    standin: SlackStandIn, client: WebClient
) -> None:
    person = {"type": "users_select", "action_id": "value"}
    not_a_boolean = {**input_block("owner", person), "dispatch_action": "yes"}
    assert "must be a boolean" in refused_view(standin, client, [not_a_boolean])
    configured = {**person, "dispatch_action_config": {"trigger_actions_on": ["on_enter_pressed"]}}
    assert "only for text inputs" in refused_view(
        standin, client, [{**input_block("owner", configured), "dispatch_action": True}]
    )
    picked = {**input_block("owner", person), "dispatch_action": True}
    view = {**modal("Form", [picked]), "submit": {"type": "plain_text", "text": "Save"}}
    assert client.views_open(trigger_id=standin.issue_trigger_id(), view=view)["ok"]


def test_a_person_picked_where_the_block_dispatches_is_a_block_actions(
    standin: SlackStandIn,
) -> None:
    quiet = input_block("backup", {"type": "users_select", "action_id": "value"})
    picked = {**input_block("owner", {"type": "users_select", "action_id": "value"})}
    view = {
        "id": "V1",
        "blocks": [{**picked, "dispatch_action": True}, quiet],
    }
    [pick] = payloads.picks(standin, view, {"owner": "U0ANA", "backup": "U0BEN"}, user="U0CAI")
    assert pick["container"] == {"type": "view", "view_id": "V1"}
    assert pick["actions"][0]["selected_user"] == "U0ANA"
    assert pick["actions"][0]["block_id"] == "owner"
