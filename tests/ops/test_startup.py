"""Start-up as operators expect, with `baton` run as a process against the stand-in: each
wrong setting stops it with one line naming the setting and exit 2; migrations started at once
all succeed; SIGTERM lets requests in flight finish, then exits 0."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from bot.slack_standin import SlackStandIn, payloads
from store.db import normalise_url
from store.migrate import MIGRATIONS_DIR
from tests.conftest import BOT_TOKEN, PEOPLE, SIGNING_SECRET
from tests.ops.test_processes import free_port
from tests.slack_driver import SlackDriver

HEAD = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head() or ""


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    standin = SlackStandIn(bot_token=BOT_TOKEN, bot_user_id="U0BATON")  # real time
    for user_id, (name, tz) in PEOPLE.items():
        standin.add_user(user_id, name, tz=tz)
    standin.add_channel("C0LAUNCH", "launch")
    standin.serve()
    yield standin
    standin.stop()


@pytest.fixture
def env(slack: SlackStandIn, tmp_path: Path) -> dict[str, str]:
    """Settings that work; each test breaks one of them."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "BATON_"))}
    return {
        **kept,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'baton.db'}",
        "PORT": str(free_port()),
        "BATON_WORKING_HOURS": "always",
    }


def run(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 60) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        cwd=cwd,  # no stray .env
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return done.returncode, done.stderr


def refused(args: list[str], env: dict[str, str], cwd: Path, setting: str) -> str:
    """Runs `baton` and checks it stopped with one line naming `setting` and exit 2."""
    code, stderr = run(args, env, cwd)
    lines = stderr.strip().splitlines()
    assert (code, len(lines)) == (2, 1), stderr
    assert lines[0].startswith(f"baton: {setting}: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


COMMANDS = [["serve", "--host", "127.0.0.1"], ["worker"]]


@pytest.mark.parametrize("args", COMMANDS)
@pytest.mark.parametrize("error", ["invalid_auth", "token_revoked", "account_inactive"])
def test_a_refused_bot_token_stops_it_naming_slack_bot_token(
    slack: SlackStandIn, env: dict[str, str], tmp_path: Path, args: list[str], error: str
) -> None:
    slack.revoke(BOT_TOKEN, error)
    line = refused(args, env, tmp_path, "SLACK_BOT_TOKEN")
    assert error in line


@pytest.mark.parametrize("args", COMMANDS)
def test_a_wrong_token_stops_it(env: dict[str, str], tmp_path: Path, args: list[str]) -> None:
    refused(args, {**env, "SLACK_BOT_TOKEN": "xoxb-not-ours"}, tmp_path, "SLACK_BOT_TOKEN")


@pytest.mark.parametrize("token", ["xoxp-1-user", "xapp-1-app", "xoxe.xoxp-1-rotating"])
def test_a_token_of_another_kind_stops_it(env: dict[str, str], tmp_path: Path, token: str) -> None:
    line = refused(COMMANDS[0], {**env, "SLACK_BOT_TOKEN": token}, tmp_path, "SLACK_BOT_TOKEN")
    assert "xoxb-" in line


def test_a_user_token_without_its_prefix_is_caught_by_auth_test(
    slack: SlackStandIn, env: dict[str, str], tmp_path: Path
) -> None:
    slack.add_token("custom-user-token", "user")
    line = refused(
        COMMANDS[1], {**env, "SLACK_BOT_TOKEN": "custom-user-token"}, tmp_path, "SLACK_BOT_TOKEN"
    )
    assert "not a bot token" in line


def test_an_unreachable_slack_api_stops_it(env: dict[str, str], tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}/api/"
    line = refused(COMMANDS[0], {**env, "SLACK_API_URL": closed}, tmp_path, "SLACK_API_URL")
    assert "cannot reach Slack" in line


def test_slack_failing_at_start_is_not_blamed_on_the_token(
    slack: SlackStandIn, env: dict[str, str], tmp_path: Path
) -> None:
    slack.fail_next(method="auth.test", status=503, times=5)
    refused(COMMANDS[0], env, tmp_path, "SLACK_API_URL")


MYSQL = "mysql://baton:secret@127.0.0.1/baton"


@pytest.mark.parametrize(
    ("args", "url"),
    [(COMMANDS[0], MYSQL), (COMMANDS[1], MYSQL), (["migrate"], MYSQL)]
    + [(COMMANDS[0], url) for url in ("mongodb://x", "::", "postgresql+asyncpg://h/db")],
)
def test_an_unsupported_database_url_stops_it(
    env: dict[str, str], tmp_path: Path, args: list[str], url: str
) -> None:
    line = refused(args, {**env, "DATABASE_URL": url}, tmp_path, "DATABASE_URL")
    assert "secret" not in line


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://baton:secret@127.0.0.1:1/baton",  # nothing listens on port 1
        "sqlite:////nonexistent/directory/baton.db",
    ],
)
def test_an_unreachable_database_stops_it(env: dict[str, str], tmp_path: Path, url: str) -> None:
    line = refused(COMMANDS[0], {**env, "DATABASE_URL": url}, tmp_path, "DATABASE_URL")
    assert "secret" not in line


def test_a_busy_port_stops_it_naming_port(env: dict[str, str], tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        line = refused(COMMANDS[0], {**env, "PORT": str(port)}, tmp_path, "PORT")
    assert str(port) in line


@pytest.mark.parametrize(
    ("app_token", "why"),
    [
        ("xapp-1-ours", "WebSocket"),  # Slack hands out a URL where nothing listens
        ("xapp-1-unknown", "invalid_auth"),
        ("xapp-1-noscope", "missing_scope"),  # an app-level token without connections:write
        ("xoxb-not-an-app-token", "xapp-"),
    ],
)
def test_a_failed_socket_mode_connection_stops_it(
    slack: SlackStandIn, env: dict[str, str], tmp_path: Path, app_token: str, why: str
) -> None:
    slack.add_token("xapp-1-ours", "app")
    slack.add_token("xapp-1-noscope", "app", app_scopes=())
    slack.socket_mode_url = f"ws://127.0.0.1:{free_port()}/link/"
    line = refused(COMMANDS[0], {**env, "SLACK_APP_TOKEN": app_token}, tmp_path, "SLACK_APP_TOKEN")
    assert why in line


@pytest.mark.parametrize("hours", ["09:00-09:00", "00:00-00:00 Mon-Fri", "", "nine to five"])
def test_working_hours_with_no_open_time_are_refused(
    env: dict[str, str], tmp_path: Path, hours: str
) -> None:
    refused(COMMANDS[0], {**env, "BATON_WORKING_HOURS": hours}, tmp_path, "BATON_WORKING_HOURS")


# -- migrations started at once ----------------------------------------------------------------


def _migrate_at_once(env: dict[str, str], cwd: Path, n: int = 4) -> None:
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "migrate"],
            env=env,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(n)
    ]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in processes]
    assert [code for code, _ in results] == [0] * n, results
    engine = create_engine(normalise_url(env["DATABASE_URL"]))
    try:
        with engine.connect() as conn:
            version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars()
            assert [v[:4] for v in version] == [HEAD]
        assert {"handoff", "outbox", "work_item", "channel_guardrail"} <= set(
            inspect(engine).get_table_names()
        )
    finally:
        engine.dispose()


def test_four_migrations_at_once_on_a_fresh_sqlite_file(
    env: dict[str, str], tmp_path: Path
) -> None:
    _migrate_at_once(env, tmp_path)


def test_four_migrations_at_once_on_a_fresh_postgresql_database(
    env: dict[str, str], tmp_path: Path, postgres_url: str
) -> None:
    _migrate_at_once({**env, "DATABASE_URL": postgres_url}, tmp_path)


def test_serve_and_workers_started_together_all_come_up(
    env: dict[str, str], tmp_path: Path, database_url: str
) -> None:
    env = {**env, "DATABASE_URL": database_url}  # fresh, as every database_url is
    port = int(env["PORT"])
    # Each process answers /healthz on a port of its own.
    ports = [port, _free_port(), _free_port()]
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *args, "--host", "127.0.0.1"],
            env={**env, "PORT": str(own_port)},
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args, own_port in zip((["serve"], ["worker"], ["worker"]), ports, strict=True)
    ]
    try:
        assert all(_healthy(own_port) for own_port in ports), "not all came up"
        time.sleep(1)
        assert [p.poll() for p in started] == [None, None, None]
    finally:
        for process in started:
            process.send_signal(signal.SIGTERM)
        codes = [p.wait(timeout=30) for p in started]
    assert codes == [0, 0, 0], [p.stderr.read() if p.stderr else "" for p in started]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(port: int, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                return True
        except requests.ConnectionError:
            time.sleep(0.05)
    return False


# -- SIGTERM ------------------------------------------------------------------------------------


def test_sigterm_lets_a_request_in_flight_finish_then_exits_0(
    slack: SlackStandIn, env: dict[str, str], tmp_path: Path
) -> None:
    port = int(env["PORT"])
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert _healthy(port), "serve did not come up"
        driver = SlackDriver(f"http://127.0.0.1:{port}", SIGNING_SECRET, slack)
        body = payloads.command_body(slack, "/blocked", "", user="U0ANA", channel="C0LAUNCH")
        head, tail = body[: len(body) // 2], body[len(body) // 2 :]
        # A request in flight: its headers and half its body sent, the rest two seconds later
        # (a slow client is in flight however Baton handles the request itself).
        with socket.create_connection(("127.0.0.1", port), timeout=15) as conn:
            headers = driver.signed_headers(body)
            request = (
                f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Content-Length: {len(body.encode())}\r\n"
                + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
                + "\r\n"
            )
            conn.sendall(request.encode() + head.encode())
            time.sleep(0.3)
            process.send_signal(signal.SIGTERM)
            time.sleep(1.0)
            with pytest.raises(requests.ConnectionError):  # no new connections meanwhile
                requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            time.sleep(1.0)
            assert process.poll() is None, "exited with a request in flight"
            conn.sendall(tail.encode())
            answer = _read_response(conn)
        assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    stderr = process.stderr.read() if process.stderr else ""
    assert "Traceback" not in stderr, stderr


def _read_response(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data
