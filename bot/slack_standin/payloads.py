"""Requests as Slack sends them to an app: slash commands, modal submissions, button clicks.

Built from what the stand-in recorded (views it opened, messages it holds), so the demo and
the tests drive Baton the way a person in the Slack client would.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from bot.slack_standin.blocks import TIME_OF_DAY
from bot.slack_standin.server import SlackStandIn

TEAM = {"id": "T1", "domain": "acme"}


def typed(text: str) -> str:
    """A slash command's text as Slack sends what a person typed: `&`, `<` and `>` as
    entities (Slack's own tokens, a picked `<@U…|name>`, are added around this)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def command_body(standin: SlackStandIn, command: str, text: str, *, user: str, channel: str) -> str:
    return urlencode(command_fields(standin, command, text, user=user, channel=channel))


def command_fields(
    standin: SlackStandIn, command: str, text: str, *, user: str, channel: str
) -> dict[str, str]:
    """A slash command's fields: form-encoded over HTTP, a JSON payload over Socket Mode."""
    return {
        "token": "legacy",
        "team_id": TEAM["id"],
        "team_domain": TEAM["domain"],
        "channel_id": channel,
        "channel_name": standin.command_channel_name(channel),
        "user_id": user,
        "user_name": user.lower(),
        "command": command,
        "text": text,
        "api_app_id": "A1",
        "response_url": standin.response_url(channel, user),
        "trigger_id": standin.issue_trigger_id(),
    }


def payload_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def event_body(event: dict[str, Any]) -> str:
    """An Events API callback, as Slack posts it (a JSON body)."""
    return json.dumps(event_callback(event))


def event_callback(event: dict[str, Any]) -> dict[str, Any]:
    """An Events API callback: the body of an HTTP post, the payload of a Socket Mode
    envelope."""
    return {
        "token": "legacy",
        "team_id": TEAM["id"],
        "api_app_id": "A1",
        "type": "event_callback",
        "event_id": f"Ev{time.time_ns()}",
        "event_time": int(time.time()),
        "event": event,
    }


def last_opened_view(standin: SlackStandIn) -> dict[str, Any]:
    opened = standin.calls_to("views.open")
    if not opened:
        raise LookupError("no modal was opened")
    return standin.views[opened[-1].response["view"]["id"]]


def submission(
    standin: SlackStandIn, view: dict[str, Any], values: dict[str, Any], *, user: str
) -> dict[str, Any]:
    """A view_submission with inputs found by label text, as a person finds them."""
    state: dict[str, dict[str, Any]] = {}
    labels = set()
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        label = block["label"]["text"]
        labels.add(label)
        element = block["element"]
        state[block["block_id"]] = {element["action_id"]: _state(element, values.get(label))}
    unknown = set(values) - labels
    if unknown:
        raise LookupError(f"no input labelled {sorted(unknown)} in the modal")
    return {
        "type": "view_submission",
        "team": TEAM,
        "user": {"id": user, "team_id": TEAM["id"]},
        "api_app_id": "A1",
        "trigger_id": standin.issue_trigger_id(),
        "view": {**view, "state": {"values": state}},
    }


def picks(
    standin: SlackStandIn, view: dict[str, Any], values: dict[str, Any], *, user: str
) -> list[dict[str, Any]]:
    """The block_actions Slack sends while a person fills a modal: one for each person chosen
    in a user select whose input block sets `dispatch_action` (a multi-select sends one per
    person added, naming everyone chosen so far). Selects left as they opened send nothing."""
    sent: list[dict[str, Any]] = []
    for block in view["blocks"]:
        if block.get("type") != "input" or block.get("dispatch_action") is not True:
            continue
        element, label = block["element"], block["label"]["text"]
        if label not in values or element["type"] not in ("users_select", "multi_users_select"):
            continue
        chosen = values[label]
        if element["type"] == "users_select":
            actions = (
                [] if chosen in (None, element.get("initial_user")) else [{"selected_user": chosen}]
            )
        else:
            chosen = list(chosen or [])
            before = list(element.get("initial_users") or [])
            added = [uid for uid in chosen if uid not in before]
            actions = [{"selected_users": [*before, *added[: i + 1]]} for i in range(len(added))]
        for picked in actions:
            action = {
                "type": element["type"],
                "action_id": element["action_id"],
                "block_id": block["block_id"],
                "action_ts": f"{time.time():.6f}",
                **picked,
            }
            sent.append(_in_view(standin, view, user, action))
    return sent


def click(
    standin: SlackStandIn, message: dict[str, Any], button_text: str, *, user: str, channel: str
) -> dict[str, Any]:
    """A block_actions payload for the button with this text on a message Baton posted (or
    an ephemeral one: Slack then sends no `message`, and says so in the container)."""
    ephemeral = "bot_id" not in message
    for block in message.get("blocks") or []:
        if block.get("type") == "actions":
            elements = block.get("elements", [])
        elif block.get("type") == "section" and block.get("accessory"):
            elements = [block["accessory"]]
        else:
            continue
        for element in elements:
            if element.get("type") == "button" and element["text"]["text"] == button_text:
                container: dict[str, Any] = {"type": "message", "message_ts": message["ts"]}
                payload: dict[str, Any] = {
                    "type": "block_actions",
                    "team": TEAM,
                    "user": {"id": user, "team_id": TEAM["id"]},
                    "api_app_id": "A1",
                    "trigger_id": standin.issue_trigger_id(),
                    "channel": {"id": channel},
                    "container": container,
                    "response_url": standin.response_url(channel, user, message["ts"]),
                    "actions": [
                        {
                            "type": "button",
                            "action_id": element["action_id"],
                            "block_id": block.get("block_id", ""),
                            "value": element.get("value", ""),
                            "text": element["text"],
                            "action_ts": f"{time.time():.6f}",
                        }
                    ],
                }
                if ephemeral:
                    container["is_ephemeral"] = True
                else:
                    payload["message"] = message
                return payload
    raise LookupError(f"no button {button_text!r} on message {message.get('text')!r}")


def home_click(
    standin: SlackStandIn, view: dict[str, Any], button_text: str, *, user: str, near: str
) -> dict[str, Any]:
    """A block_actions payload for a button on a user's App Home: the button with this text in
    the first actions block after a section mentioning `near`. Slack sends the view, no
    channel and no response_url."""
    after_match = False
    for block in view.get("blocks") or []:
        text = (block.get("text") or {}).get("text", "") if block.get("type") == "section" else ""
        if text:
            after_match = near in text
        if block.get("type") != "actions" or not after_match:
            continue
        for element in block.get("elements", []):
            if element.get("type") == "button" and element["text"]["text"] == button_text:
                action = {
                    "type": "button",
                    "action_id": element["action_id"],
                    "block_id": block.get("block_id", ""),
                    "value": element.get("value", ""),
                    "text": element["text"],
                    "action_ts": f"{time.time():.6f}",
                }
                return _in_view(standin, view, user, action)
    raise LookupError(f"no button {button_text!r} near {near!r} on the home tab")


def _in_view(
    standin: SlackStandIn, view: dict[str, Any], user: str, action: dict[str, Any]
) -> dict[str, Any]:
    """A block_actions from a view (a modal or App Home): Slack sends the view, no channel
    and no response_url."""
    return {
        "type": "block_actions",
        "team": TEAM,
        "user": {"id": user, "team_id": TEAM["id"]},
        "api_app_id": "A1",
        "trigger_id": standin.issue_trigger_id(),
        "container": {"type": "view", "view_id": view["id"]},
        "view": view,
        "actions": [action],
    }


def _state(element: dict[str, Any], value: Any) -> dict[str, Any]:
    """What Slack sends for an input: the typed value, else the element's initial one."""
    kind = element["type"]
    if kind == "users_select":
        return {"type": kind, "selected_user": value or element.get("initial_user")}
    if kind == "multi_users_select":
        chosen = value if value is not None else element.get("initial_users") or []
        return {"type": kind, "selected_users": list(chosen)}
    if kind == "conversations_select":
        return {
            "type": kind,
            "selected_conversation": value or element.get("initial_conversation"),
        }
    if kind == "checkboxes":
        chosen = (
            value
            if value is not None
            else [o["value"] for o in element.get("initial_options") or []]
        )
        options = {o["value"]: o for o in element.get("options", [])}
        missing = [v for v in chosen if v not in options]
        if missing:
            raise LookupError(f"no checkbox {missing!r}")
        return {"type": kind, "selected_options": [options[v] for v in chosen]}
    if kind in ("static_select", "radio_buttons"):
        chosen = value or (element.get("initial_option") or {}).get("value")
        options = {o["value"]: o for o in element.get("options", [])}
        if chosen is not None and chosen not in options:
            raise LookupError(f"no option {chosen!r} in the select")
        return {"type": kind, "selected_option": options.get(chosen) if chosen else None}
    if kind == "datetimepicker":
        return {"type": kind, "selected_date_time": value or element.get("initial_date_time")}
    if kind == "timepicker":
        chosen = value if value is not None else element.get("initial_time")
        if chosen is not None and not TIME_OF_DAY.match(str(chosen)):
            raise LookupError(f"a timepicker takes HH:mm, not {chosen!r}")
        return {"type": kind, "selected_time": chosen}
    return {"type": kind, "value": value if value is not None else element.get("initial_value")}
