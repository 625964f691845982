"""/handoff ack latency: `baton serve` against a Bolt app that only acks, in one run.

Both are separate processes behind the same WSGI server, sent the same signed requests at 1 and
8 concurrent clients; reports p50/p99 and Baton's ratio to the baseline.
Target: p50 ratio <= 1.5 and p99 ratio <= 2.

    .venv/bin/python -m bench.ack [--requests 400]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import requests
from slack_sdk.signature import SignatureVerifier

from bot.slack_standin import SlackStandIn

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {port}")


@contextmanager
def process(args: list[str], env: dict[str, str], port: int) -> Iterator[None]:
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def measure(url: str, standin: SlackStandIn, *, count: int, clients: int) -> list[float]:
    verifier = SignatureVerifier(SECRET)

    def one(_: int) -> float:
        body = urlencode(
            {
                "command": "/handoff",
                "text": "launch copy",
                "user_id": "U_ANA",
                "channel_id": "C_LAUNCH",
                "team_id": "T1",
                "trigger_id": standin.issue_trigger_id(),
                "response_url": standin.response_url("C_LAUNCH", "U_ANA"),
            }
        )
        ts = str(int(time.time()))
        headers = {
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": verifier.generate_signature(timestamp=ts, body=body),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        started = time.perf_counter()
        response = requests.post(url, data=body, headers=headers, timeout=10)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return elapsed

    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(one, range(min(50, count))))  # warm-up
        return list(pool.map(one, range(count)))


def percentile(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[int(q) - 1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()

    standin = SlackStandIn(bot_token=TOKEN)
    standin.add_user("U_ANA", "ana", tz="Europe/Berlin")
    standin.add_channel("C_LAUNCH", "launch")
    api_url = standin.serve()
    baton_port, noop_port = free_port(), free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": api_url,
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.db'}",
            "PORT": str(baton_port),
        }
        baton = [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1"]
        noop = [
            sys.executable,
            "-m",
            "bench.noop_app",
            "--port",
            str(noop_port),
            "--signing-secret",
            SECRET,
        ]
        rows = []
        with process(baton, env, baton_port), process(noop, env, noop_port):
            for clients in (1, 8):
                # Interleave the two so machine noise lands on both alike.
                ours = measure(
                    f"http://127.0.0.1:{baton_port}/slack/events",
                    standin,
                    count=args.requests,
                    clients=clients,
                )
                base = measure(
                    f"http://127.0.0.1:{noop_port}/slack/events",
                    standin,
                    count=args.requests,
                    clients=clients,
                )
                rows.append((clients, ours, base))
    standin.stop()

    print(f"/handoff ack latency, {args.requests} requests per run (ms)")
    print(
        f"{'clients':>7} {'baton p50':>10} {'noop p50':>9} {'ratio':>6} "
        f"{'baton p99':>10} {'noop p99':>9} {'ratio':>6}"
    )
    ok = True
    for clients, ours, base in rows:
        p50, b50 = percentile(ours, 50) * 1e3, percentile(base, 50) * 1e3
        p99, b99 = percentile(ours, 99) * 1e3, percentile(base, 99) * 1e3
        ok &= p50 / b50 <= 1.5 and p99 / b99 <= 2.0
        print(
            f"{clients:>7} {p50:>10.2f} {b50:>9.2f} {p50 / b50:>6.2f} "
            f"{p99:>10.2f} {b99:>9.2f} {p99 / b99:>6.2f}"
        )
    print("target (p50 <= 1.5x, p99 <= 2x):", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
