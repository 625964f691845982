"""`baton standin`: the Slack stand-in on its own, to smoke-test a `baton serve` against it.

It prints the settings that point Baton at it (test values, not secrets), then each Web API
call Baton makes, until Ctrl-C. `baton standin --send '/handoff launch'` asks the running
stand-in to deliver a slash command as Slack would: as an envelope over Baton's Socket Mode
connection when there is one, else as a signed HTTP request to Baton's /slack/events. It
prints Baton's answer and the Web API calls Baton made in response.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any

from slack_sdk.signature import SignatureVerifier

from bot.slack_standin import payloads
from bot.slack_standin.server import SlackStandIn
from bot.slack_standin.socket_mode import NotConnected

# Test values: the stand-in accepts them and nothing else does. Not secrets.
BOT_TOKEN = "xoxb-standin-not-a-secret"
APP_TOKEN = "xapp-standin-not-a-secret"
SIGNING_SECRET = "standin-signing-secret-not-a-secret"
PEOPLE = {"U0ANA": "ana", "U0BEN": "ben", "U0CAI": "cai"}
CHANNEL, CHANNEL_NAME = "C0LAUNCH", "launch"
SEND_PATH = "/standin/command"
QUIET_FOR = 0.5  # seconds without a new Web API call: Baton is done answering
ANSWER_WITHIN = 5.0  # seconds Baton has to finish what a command started

Payload = dict[str, Any]
StartResponse = Callable[..., Any]


def build(events_url: str) -> SlackStandIn:
    standin = SlackStandIn(bot_token=BOT_TOKEN)
    standin.add_token(APP_TOKEN, "app")
    for user_id, name in PEOPLE.items():
        standin.add_user(user_id, name)
    standin.add_channel(CHANNEL, CHANNEL_NAME, bot_member=True)
    standin.extra_routes[SEND_PATH] = _send_route(standin, events_url)
    return standin


def run(*, port: int, events_url: str, host: str = "127.0.0.1") -> int:
    standin = build(events_url)
    try:
        standin.serve(host, port)
    except OSError as error:
        print(
            f"baton: --port: cannot listen on {host}:{port} ({error.strerror or error})",
            file=sys.stderr,
        )
        return 2
    stop = threading.Event()
    # Before the banner: whoever reads it may press Ctrl-C (or send SIGTERM) at once.
    previous = {
        sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)
    }
    print(banner(standin.url, port, events_url), flush=True)
    shown = 0
    try:
        while not stop.wait(0.2):
            shown = _show_calls(standin, shown)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        standin.stop()
        _show_calls(standin, shown)
    print("stand-in stopped", flush=True)
    return 0


def _show_calls(standin: SlackStandIn, shown: int) -> int:
    """Prints the Web API calls after the first `shown`; how many are shown now."""
    calls = standin.calls[shown:]
    for call in calls:
        print(f"  {time.strftime('%H:%M:%S')}  {describe(call.method, call.response)}")
    sys.stdout.flush()
    return shown + len(calls)


def banner(api_url: str, port: int, events_url: str) -> str:
    people = ", ".join(f"{user_id} {name}" for user_id, name in PEOPLE.items())
    return "\n".join(
        [
            f"Slack stand-in listening at {api_url}",
            "The tokens and secret below are TEST VALUES, NOT SECRETS: only this stand-in",
            "accepts them. Point Baton at it:",
            "",
            f"  export SLACK_API_URL={api_url}",
            f"  export SLACK_BOT_TOKEN={BOT_TOKEN}",
            f"  export SLACK_SIGNING_SECRET={SIGNING_SECRET}",
            f"  export SLACK_APP_TOKEN={APP_TOKEN}   # Socket Mode; unset it for HTTP",
            "  baton serve",
            "",
            "Then, in another terminal, send a slash command as ana in #launch:",
            "",
            f"  baton standin --port {port} --send '/handoff launch copy'",
            "",
            "It goes over Socket Mode once Baton has opened a connection, else signed over HTTP",
            f"to {events_url} (--events-url).",
            f"People: {people}. Channel: {CHANNEL} #{CHANNEL_NAME}. Ctrl-C stops it.",
            "",
            "Web API calls:",
        ]
    )


def describe(method: str, response: Payload) -> str:
    if response.get("ok"):
        return f"{method} ok"
    return f"{method} error: {response.get('error')}"


# -- delivering a command -----------------------------------------------------------------------


def _send_route(standin: SlackStandIn, events_url: str) -> Callable[..., Iterable[bytes]]:
    def route(environ: Payload, start_response: StartResponse) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        try:
            asked = json.loads(environ["wsgi.input"].read(length) or b"{}")
            answer = deliver(standin, events_url, **asked)
            status = "200 OK"
        except (TypeError, ValueError) as error:
            answer, status = {"error": str(error)}, "400 Bad Request"
        start_response(status, [("Content-Type", "application/json")])
        return [json.dumps(answer).encode()]

    return route


def deliver(
    standin: SlackStandIn, events_url: str, *, command: str, text: str, user: str, channel: str
) -> Payload:
    """The command delivered to Baton as Slack would, with Baton's ack and what it then did."""
    if user not in PEOPLE or channel != CHANNEL:
        raise ValueError(f"the stand-in knows {', '.join(PEOPLE)} and {CHANNEL}")
    before = len(standin.calls)
    fields = payloads.command_fields(standin, command, text, user=user, channel=channel)
    answer: Payload
    # An app that asked for a Socket Mode link gets its commands there, as Slack does.
    if standin.calls_to("apps.connections.open"):
        try:
            standin.socket_mode.wait_for_connection(timeout=ANSWER_WITHIN)
            envelope = standin.socket_mode.send("slash_commands", fields)
        except NotConnected as error:
            return {"via": "Socket Mode", "acked": False, "error": str(error), "calls": []}
        answer = {"via": "Socket Mode", "acked": envelope.ack is not None, "ack": envelope.ack}
        if envelope.ack is None:
            answer["error"] = f"no ack within {standin.socket_mode.ack_timeout:g} s"
    else:
        answer = _post(events_url, fields)
    answer["calls"] = [describe(c.method, c.response) for c in _calls_after(standin, before)]
    return answer


def _post(events_url: str, fields: dict[str, str]) -> Payload:
    body = urllib.parse.urlencode(fields)
    stamp = str(int(time.time()))
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=stamp, body=body)
    request = urllib.request.Request(
        events_url,
        data=body.encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature or "",
        },
    )
    answer: Payload = {"via": f"HTTP {events_url}"}
    try:
        with urllib.request.urlopen(request, timeout=3) as response:  # Slack's 3 s
            status, raw = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read().decode()
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", None) or error
        return {**answer, "acked": False, "error": f"Baton did not answer ({reason})"}
    answer.update(acked=status == 200, status=status)
    try:
        answer["ack"] = json.loads(raw) if raw else {}
    except ValueError:
        answer["ack"] = {"text": raw}
    return answer


def _calls_after(standin: SlackStandIn, before: int) -> list[Any]:
    """The Web API calls made since `before`, once Baton has been quiet for a moment."""
    deadline = time.monotonic() + ANSWER_WITHIN
    seen, quiet_since = len(standin.calls), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - quiet_since < QUIET_FOR:
        time.sleep(0.05)
        if len(standin.calls) != seen:
            seen, quiet_since = len(standin.calls), time.monotonic()
    return standin.calls[before:seen]


# -- `baton standin --send` ---------------------------------------------------------------------


def send(line: str, *, port: int, user: str, channel: str) -> int:
    """Asks the stand-in on `port` to deliver `line` ('/command text'); prints what happened."""
    command, _, text = line.strip().partition(" ")
    if not command.startswith("/") or len(command) < 2:
        print(
            f"baton: --send: a slash command, e.g. '/handoff launch copy' (got {line!r})",
            file=sys.stderr,
        )
        return 2
    asked = {"command": command, "text": text.strip(), "user": user, "channel": channel}
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{SEND_PATH}",
        data=json.dumps(asked).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=ANSWER_WITHIN + 5) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as error:
        print(f"baton: --send: {json.loads(error.read()).get('error')}", file=sys.stderr)
        return 2
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", None) or error
        print(
            f"baton: --port: no stand-in at 127.0.0.1:{port} ({reason}); start `baton standin`",
            file=sys.stderr,
        )
        return 2
    print(f"{line.strip()} → Baton via {answer['via']}")
    if answer.get("error"):
        print(f"  not acked: {answer['error']}")
    else:
        print(f"  acked (status {answer.get('status', 'ok')}): {json.dumps(answer.get('ack'))}")
    for call in answer["calls"]:
        print(f"  then {call}")
    return 0 if answer.get("acked") else 1
