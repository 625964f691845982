"""Kept-alive connections to Slack: the connections the sender opens and its CPU per delivered
message, against the stand-in served over TLS (a self-signed certificate made here, trusted by
the clients through an SSL context), with slack_sdk's plain `WebClient` (a new connection, so
a new TLS handshake, per call) and with the client Baton builds (`bot.container`), in the same
run, alternated.

The stand-in (and its TLS end) runs in a child process, so this process's CPU time is the
sender's: the deliverer's claim, post and mark sent. The stand-in counts the TCP connections
it accepts. Targets: <= 10 connections per 1,000 messages, CPU per message <= 0.5x the plain
client's. Exits non-zero when either is missed.

    .venv/bin/python -m bench.keepalive [--quick] [--messages 2000] [--channels 40]
"""

from __future__ import annotations

import argparse
import json
import logging
import ssl
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.managers import BaseManager
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from sqlmodel import col, func, select

from bench.common import verdict
from bot.clock import SystemClock
from bot.config import load_settings
from bot.container import delivery_client, web_client
from bot.delivery.deliverer import Deliverer
from bot.observability.metrics import Metrics
from bot.slack_standin import SlackStandIn
from bot.slack_standin.connections import self_signed_certificate
from bot.web_api import KeptAliveWebClient
from store import outbox
from store.db import Database
from store.migrate import upgrade
from store.models import OutboxMessage, OutboxStatus

TOKEN = "xoxb-bench"
CONNECTIONS_PER_1000 = 10.0
CPU_TARGET = 0.5


class StandInManager(BaseManager):
    """Hosts the stand-in in a child process, so its CPU (TLS included) is not counted."""


StandInManager.register("SlackStandIn", SlackStandIn)


@dataclass
class Round:
    sent: int
    connections: int
    cpu_ms_per_message: float
    wall_seconds: float


@contextmanager
def tls_standin(channels: list[str], cert: Path, key: Path) -> Iterator[tuple[Any, str]]:
    manager = StandInManager()
    manager.start()
    standin: Any = manager.SlackStandIn(bot_token=TOKEN)  # type: ignore[attr-defined]
    for channel in channels:
        standin.add_channel(channel, channel.lower())
    try:
        yield standin, standin.serve(certfile=str(cert), keyfile=str(key))
    finally:
        standin.stop()
        manager.shutdown()


def plain_client(api_url: str, trust: ssl.SSLContext, metrics: Metrics) -> WebClient:
    """slack_sdk's WebClient as it comes: urllib, a new connection per call."""
    return WebClient(token=TOKEN, base_url=api_url, timeout=10, ssl=trust)


def baton_client(api_url: str, trust: ssl.SSLContext, metrics: Metrics) -> WebClient:
    """The deliverer's client as bot.container builds it."""
    settings = load_settings(env_file=None, slack_bot_token=TOKEN, slack_api_url=api_url)
    return delivery_client(web_client(settings, metrics, ssl=trust), metrics)


def one_round(
    make_client: Callable[[str, ssl.SSLContext, Metrics], WebClient],
    standin: Any,
    api_url: str,
    trust: ssl.SSLContext,
    *,
    scratch: Path,
    name: str,
    messages: int,
    channels: list[str],
) -> Round:
    url = f"sqlite:///{scratch / name}.db"
    db = Database(url)
    upgrade(db)
    now = datetime.now(UTC)
    writer = Database(url)  # as another process writes: only the sweeper's work is measured
    with writer.write() as session:
        for index in range(messages):
            new = outbox.NewMessage(
                key=f"{name}:{index}",
                target=channels[index % len(channels)],
                text=f"message {index}",
                blocks=[],
                due_at=now - timedelta(seconds=1),
            )
            outbox.enqueue(session, new, now=now)
    writer.dispose()
    metrics = Metrics()
    client = make_client(api_url, trust, metrics)
    deliverer = Deliverer(db, client, SystemClock(), metrics=metrics)
    deliverer.pacer.interval = 0.0  # CPU, not Slack's limit, is measured
    opened = standin.accepted_connections()
    cpu, wall = time.process_time(), time.perf_counter()
    while deliverer.sweep():
        pass
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    opened = standin.accepted_connections() - opened
    deliverer.close()
    if isinstance(client, KeptAliveWebClient):
        client.close()
    with db.read() as session:
        sent = session.exec(
            select(func.count()).where(col(OutboxMessage.status) == OutboxStatus.SENT)
        ).one()
    db.dispose()
    return Round(int(sent), opened, cpu / messages * 1e3, wall)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000, help="per round")
    parser.add_argument("--channels", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3, help="of each client, alternated")
    parser.add_argument("--quick", action="store_true", help="1,000 messages, 1 round each")
    args = parser.parse_args()
    if args.quick:
        args.messages, args.rounds = 1000, 1
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    channels = [f"C0KA{i:04d}" for i in range(args.channels)]
    clients = {"plain WebClient": plain_client, "Baton's client": baton_client}
    results: dict[str, list[Round]] = {name: [] for name in clients}
    with tempfile.TemporaryDirectory() as directory:
        scratch = Path(directory)
        cert, key = self_signed_certificate(scratch)
        trust = ssl.create_default_context(cafile=str(cert))
        with tls_standin(channels, cert, key) as (standin, api_url):
            order = list(clients)
            for index in range(args.rounds + 1):  # round 0 warms both up, untimed
                for which in order if index % 2 == 0 else reversed(order):
                    measured = one_round(
                        clients[which],
                        standin,
                        api_url,
                        trust,
                        scratch=scratch,
                        name=f"r{index}{'ab'[order.index(which)]}",
                        messages=args.messages if index else min(args.messages, 200),
                        channels=channels,
                    )
                    if index:
                        results[which].append(measured)
    return report(results, args.messages, args.channels)


def report(results: dict[str, list[Round]], messages: int, channels: int) -> int:
    plain, ours = results["plain WebClient"], results["Baton's client"]
    lost = sum(messages - r.sent for r in plain + ours)

    def cpu(rounds: list[Round]) -> float:
        return statistics.median(r.cpu_ms_per_message for r in rounds)

    def per_1000(rounds: list[Round]) -> float:
        return max(r.connections for r in rounds) / messages * 1000

    ratio = cpu(ours) / cpu(plain)
    connections_met = per_1000(ours) <= CONNECTIONS_PER_1000
    cpu_met = ratio <= CPU_TARGET
    print(
        f"\nKept-alive connections: {messages} messages over {channels} channels per round, "
        f"the stand-in over TLS in another process, {len(ours)} round(s) of each client:\n"
        f"    connections opened: plain WebClient {per_1000(plain):.0f} per 1,000 messages, "
        f"Baton's client {per_1000(ours):.1f} per 1,000 "
        f"(<= {CONNECTIONS_PER_1000:.0f}: {verdict(connections_met)})\n"
        f"    CPU per delivered message: Baton's client {cpu(ours):.2f} ms, plain WebClient "
        f"{cpu(plain):.2f} ms: x{ratio:.2f}  (<= {CPU_TARGET}: {verdict(cpu_met)})"
        + (f"\n    {lost} message(s) not sent" if lost else "")
    )
    print(
        json.dumps(
            {
                name: [vars(r) for r in rounds]
                for name, rounds in (("plain", plain), ("baton", ours))
            }
        )
    )
    return 0 if connections_met and cpu_met and not lost else 1


if __name__ == "__main__":
    sys.exit(main())
