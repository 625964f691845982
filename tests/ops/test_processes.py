"""Real processes: `baton serve` killed with SIGKILL mid-send, and several sweepers on PostgreSQL.

Second-scale settings; every due message must reach Slack exactly once.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from bot.ids import MetadataEvent
from bot.slack_standin import SlackStandIn
from tests.conftest import BOT_TOKEN, PEOPLE, SIGNING_SECRET
from tests.slack_driver import SlackDriver

PAIRS = [("U0ANA", "U0BEN"), ("U0BEN", "U0CAI"), ("U0CAI", "U0DEE"), ("U0DEE", "U0ANA")]
EXPECTED_KINDS = ("post", "dm", "nudge", "escalate-dm", "escalate-thread")


@pytest.fixture
def live_standin() -> Iterator[SlackStandIn]:
    slack = SlackStandIn(bot_token=BOT_TOKEN, bot_user_id="U0BATON")  # real time
    for user_id, (name, tz) in PEOPLE.items():
        slack.add_user(user_id, name, tz=tz)
    slack.add_channel("C0LAUNCH", "launch")
    slack.serve()
    yield slack
    slack.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Baton:
    def __init__(self, args: list[str], env: dict[str, str], port: int | None) -> None:
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the process
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        if port is not None:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                        return
                except requests.ConnectionError:
                    time.sleep(0.05)
            self.stop()
            raise AssertionError(f"baton serve did not come up:\n{self.output()}")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]

    def said(self, text: str) -> bool:
        """Whether the process logged `text` (anywhere in its log)."""
        self.log.seek(0)
        return text in self.log.read().decode(errors="replace")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=20)


def env_for(slack: SlackStandIn, database_url: str, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.url,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "BATON_ACT_WITHIN": "1",
        "BATON_ESCALATE_AFTER": "1",
        "BATON_SWEEP_INTERVAL": "0.2",
        "BATON_DELIVERY_LEASE": "3",
        "BATON_WORKING_HOURS": "always",
    }


def keys_posted(slack: SlackStandIn) -> Counter[str]:
    seen: Counter[str] = Counter()
    conversations = [slack.messages("C0LAUNCH")] + [slack.dms(u) for u in PEOPLE]
    for messages in conversations:
        for message in messages:
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == MetadataEvent.OUTBOX:
                seen[metadata["event_payload"]["key"]] += 1
    return seen


def create_handoffs(slack: SlackStandIn, port: int) -> None:
    driver = SlackDriver(f"http://127.0.0.1:{port}", SIGNING_SECRET, slack)
    for n, (next_owner, backup) in enumerate(PAIRS):
        opened = len(slack.calls_to("views.open"))
        author = "U0DEE" if next_owner == "U0ANA" else "U0ANA"  # never to oneself
        assert driver.command("/handoff", f"item {n}", user=author).status_code == 200
        deadline = time.monotonic() + 5
        while len(slack.calls_to("views.open")) == opened and time.monotonic() < deadline:
            time.sleep(0.01)
        form: dict[str, Any] = {
            "Status": "Copy ready",
            "Done": f"Copy for item {n} approved by legal",
            "Nothing open": ["nothing_open"],
            "Next owner": next_owner,
            "Next action": f"Publish item {n}",
            "Backup owner": backup,
        }
        response = driver.submit(driver.last_view(), form, user=author)
        assert response.status_code == 200 and "errors" not in response.text


def wait_for_all(slack: SlackStandIn, expected: set[str], timeout: float = 60) -> Counter[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = keys_posted(slack)
        if expected <= set(seen):
            time.sleep(1.5)  # anything duplicated would show up now
            return keys_posted(slack)
        time.sleep(0.1)
    raise AssertionError(f"missing: {sorted(expected - set(keys_posted(slack)))}")


def expected_keys() -> set[str]:
    return {f"handoff:{n}:{kind}" for n in range(1, len(PAIRS) + 1) for kind in EXPECTED_KINDS}


def test_sigkill_mid_send_then_restart_delivers_each_message_once(
    live_standin: SlackStandIn, tmp_path: Path
) -> None:
    slack = live_standin
    slack.set_delay("chat.postMessage", 0.2)
    assert not slack.bot_is_member("C0LAUNCH")  # Baton has never been in the channel
    port = free_port()
    env = env_for(slack, f"sqlite:///{tmp_path / 'baton.db'}", port)
    first = Baton(["serve", "--host", "127.0.0.1"], env, port)
    try:
        create_handoffs(slack, port)
        deadline = time.monotonic() + 30
        while sum(keys_posted(slack).values()) < 10 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        first.kill()
    assert sum(keys_posted(slack).values()) < len(expected_keys()), "killed too late to matter"

    second = Baton(["serve", "--host", "127.0.0.1"], env, port)
    try:
        seen = wait_for_all(slack, expected_keys())
    finally:
        assert second.stop() == 0
    duplicates = {key: n for key, n in seen.items() if n > 1}
    assert duplicates == {}
    assert slack.bot_is_member("C0LAUNCH")  # joined before posting, so it could read back


def test_several_sweepers_on_postgresql_deliver_each_message_once(
    live_standin: SlackStandIn, postgres_url: str
) -> None:
    slack = live_standin
    port = free_port()
    env = env_for(slack, postgres_url, port)
    serve = Baton(["serve", "--host", "127.0.0.1", "--no-scheduler"], env, port)
    # Each worker serves /healthz and /metrics on a port of its own.
    workers = [Baton(["worker"], {**env, "PORT": str(free_port())}, None) for _ in range(2)]
    try:
        create_handoffs(slack, port)
        seen = wait_for_all(slack, expected_keys())
    finally:
        for process in [serve, *workers]:
            assert process.stop() == 0
    assert {key: n for key, n in seen.items() if n > 1} == {}
    # The web instance runs no sweeper, and still gives its freed memory back.
    assert all(p.said("handing free memory back") for p in [serve, *workers])
