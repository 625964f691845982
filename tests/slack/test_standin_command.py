"""`baton standin` as an operator runs it: a process that prints what to point Baton at, answers
the Web API there, delivers `--send` commands to a running `baton serve` (over Socket Mode or
signed HTTP), and stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from slack_sdk import WebClient

from tests.ops.test_processes import free_port

BATON = [sys.executable, "-m", "bot.cli"]


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "BATON_"))}


class StandIn:
    """A `baton standin` process and the settings it printed."""

    def __init__(self, port: int, cwd: Path, events_url: str | None = None) -> None:
        self.port = port
        extra = ["--events-url", events_url] if events_url else []
        self.process = subprocess.Popen(
            [*BATON, "standin", "--port", str(port), *extra],
            cwd=cwd,
            env=clean_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        try:
            self.printed = self.read_until("Web API calls:")
        except BaseException:
            self.kill()
            raise
        self.settings = dict(re.findall(r"export (\w+)=(\S+)", self.printed))

    def read_until(self, marker: str, timeout: float = 20) -> str:
        assert self.process.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                break
            if line is None:
                break
            lines.append(line)
            if marker in line:
                return "".join(lines)
        raise AssertionError(f"no {marker!r} in:\n{''.join(lines)}")

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def send(self, line: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*BATON, "standin", "--port", str(self.port), "--send", line],
            env=clean_env(),
            capture_output=True,
            text=True,
            timeout=30,
        )

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def interrupt(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=15)
        rest = []
        while (line := self.lines.get(timeout=5)) is not None:
            rest.append(line)
        return code, "".join(rest)


@pytest.fixture
def standin(tmp_path: Path) -> Iterator[StandIn]:
    running = StandIn(free_port(), tmp_path)
    yield running
    running.kill()


def test_it_prints_the_settings_answers_auth_test_and_stops_on_ctrl_c(standin: StandIn) -> None:
    url = standin.settings["SLACK_API_URL"]
    assert url == f"http://127.0.0.1:{standin.port}/api/"
    assert "NOT SECRETS" in standin.printed
    assert f"baton standin --port {standin.port} --send '/handoff" in standin.printed
    identity = WebClient(token=standin.settings["SLACK_BOT_TOKEN"], base_url=url).auth_test()
    assert identity["ok"] and identity["bot_id"]
    code, rest = standin.interrupt()
    assert code == 0
    assert "auth.test ok" in rest  # each call is shown as it happens
    assert rest.rstrip().endswith("stand-in stopped")


def test_a_busy_port_is_one_line_and_exit_2(standin: StandIn, tmp_path: Path) -> None:
    done = subprocess.run(
        [*BATON, "standin", "--port", str(standin.port)],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"baton: --port: cannot listen on 127.0.0.1:{standin.port} (Address already in use)"
    )


def test_send_without_a_standin_or_a_command_says_so(tmp_path: Path) -> None:
    nobody = StandIn.__new__(StandIn)
    nobody.port = free_port()
    missing = nobody.send("/handoff launch")
    assert missing.returncode == 2
    assert "start `baton standin`" in missing.stderr
    assert nobody.send("handoff launch").returncode == 2


@pytest.mark.parametrize("mode", ["socket mode", "http"])
def test_a_command_sent_through_it_reaches_a_running_baton(tmp_path: Path, mode: str) -> None:
    baton_port = free_port()
    standin = StandIn(free_port(), tmp_path, f"http://127.0.0.1:{baton_port}/slack/events")
    settings = dict(standin.settings)
    if mode == "http":
        del settings["SLACK_APP_TOKEN"]
    serve = subprocess.Popen(
        [*BATON, "serve", "--host", "127.0.0.1"],
        cwd=tmp_path,
        env={
            **clean_env(),
            **settings,
            "PORT": str(baton_port),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'baton.db'}",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_healthy(baton_port, serve)
        sent = standin.send("/handoff launch copy")
        assert sent.returncode == 0, sent.stdout + sent.stderr
        via = (
            "via Socket Mode"
            if mode == "socket mode"
            else f"via HTTP http://127.0.0.1:{baton_port}"
        )
        assert via in sent.stdout
        assert "then views.open ok" in sent.stdout  # the modal opened
    finally:
        serve.send_signal(signal.SIGTERM)
        try:
            _, serve_log = serve.communicate(timeout=30)
        finally:
            serve.kill()
            standin.kill()
    assert serve.returncode == 0, serve_log


def wait_healthy(port: int, process: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise AssertionError("baton serve did not become healthy")
