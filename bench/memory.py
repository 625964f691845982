"""`baton serve`'s memory after many handoffs across many conversations.

A child process builds what `baton serve` runs (bot.runtime.prepare: migrated database and
services; the Bolt app; the sweeper; the waitress server) and creates handoffs through the
same calls the modal submission makes after its checks (People.lookup_many, HandoffService.
create, whose commit sends the post and DM), from 4 threads, as waitress would. Each goes to one of
`--conversations` conversations (half channels, half next owners' DMs, round-robin), so the
per-channel pacer, the user cache and the delivery path all see every conversation. The
Slack stand-in runs in this process. After 1k handoffs, and again after `--handoffs`
(100k), the child waits for the outbox to drain, collects garbage and reads its RSS
(/proc/self/status VmRSS), with what SQLite and glibc's malloc say they hold (in use, free,
mmapped). The child caps malloc's arenas first and freezes its start-up objects, as `baton
serve` does; its sweeper hands free pages back every minute, as in `baton serve`. Target:
RSS(100k) <= 1.2 x RSS(1k).

    .venv/bin/python -m bench.memory [--handoffs 100000] [--conversations 20000]
    .venv/bin/python -m bench.memory --quick        # 10k handoffs across 4k conversations
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

TOKEN = "xoxb-bench"
SECRET = "bench-signing-secret"
TARGET = 1.2
FIRST = 1_000


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def where_memory_is() -> dict[str, float]:
    """RSS split by who holds it: SQLite's own allocations, glibc's heap in use and free."""
    mb = 1024 * 1024
    found: dict[str, float] = {}
    try:
        sqlite = ctypes.CDLL("libsqlite3.so.0")
        sqlite.sqlite3_memory_used.restype = ctypes.c_int64
        found["sqlite_mb"] = sqlite.sqlite3_memory_used() / mb
    except OSError:
        pass
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _MallInfo2
        info = libc.mallinfo2()
        found["malloc_used_mb"] = info.uordblks / mb
        found["malloc_free_mb"] = info.fordblks / mb
        found["malloc_mmap_mb"] = info.hblkhd / mb
    except (OSError, AttributeError):
        pass
    return found


def child(handoffs: int, conversations: int) -> int:
    """Runs in the child: `baton serve`'s parts, driven through the service layer."""
    from sqlmodel import col, func, select
    from waitress.server import create_server

    from bot import allocator, collector
    from bot.app import build_app
    from bot.config import load_settings
    from bot.delivery.sweeper import Sweeper
    from bot.handoffs.contract import HandoffDraft
    from bot.runtime import prepare
    from bot.web import handler_for
    from store.models import OutboxMessage, OutboxStatus

    logging.basicConfig(level=logging.WARNING)
    allocator.cap_arenas()  # as `baton serve` does first
    settings = load_settings(env_file=None)
    services = prepare(settings)
    app = build_app(services, socket_mode=False)
    server = create_server(
        handler_for(app, services), host="127.0.0.1", port=0, threads=8, ident="baton"
    )
    collector.freeze_startup_objects()  # as `baton serve` does before serving
    sweeper = Sweeper(services.deliverer, settings.sweep_interval, plan=services.plan)
    sweeper.start()
    half = conversations // 2

    def one(n: int) -> None:
        owner, channel = f"U{n % half:06d}", f"C{n % half:06d}"
        people = services.people.lookup_many([owner, "U0AUTHOR"])
        services.guardrails.enabled(channel)
        now = services.clock.now()
        draft = HandoffDraft(
            work_item=f"item {n}",
            status="drafted",
            done=["copy in https://example.com/doc"],
            open=["legal review"],
            next_owner_id=owner,
            next_action="publish",
            backup_owner_id=None,
            act_by=now + timedelta(hours=4),
        )
        created = services.handoffs.create(
            draft, author_id="U0AUTHOR", channel_id=channel, people=people
        )
        assert created is not None  # no view: never a second submission (its commit sends it)

    def drained() -> None:
        while True:
            with services.db.read() as session:
                due = session.exec(
                    select(func.count()).where(
                        col(OutboxMessage.status).in_([OutboxStatus.SENDING]),
                    )
                ).one()
            if not due:
                return
            time.sleep(0.2)

    def checkpoint(done: int) -> None:
        drained()
        gc.collect()
        print(
            json.dumps(
                {
                    "handoffs": done,
                    "rss_mb": rss_mb(),
                    "pacer": len(services.deliverer.pacer),
                    **where_memory_is(),
                }
            ),
            flush=True,
        )

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(one, range(FIRST)))
        checkpoint(FIRST)
        # A slice at a time: Executor.map would hold a future for every handoff at once.
        for start in range(FIRST, handoffs, FIRST):
            list(pool.map(one, range(start, min(start + FIRST, handoffs))))
    checkpoint(handoffs)
    print(json.dumps({"seconds": time.perf_counter() - started}), flush=True)
    sweeper.shutdown()
    server.close()
    services.close()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--handoffs", type=int, default=100_000)
    parser.add_argument("--conversations", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="10k handoffs, 4k conversations")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.handoffs, args.conversations = 10_000, 4_000
    if args.child:
        return child(args.handoffs, args.conversations)

    from bot.slack_standin import SlackStandIn

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    standin = SlackStandIn(bot_token=TOKEN)
    half = args.conversations // 2
    standin.add_user("U0AUTHOR", "author", tz="Europe/Berlin")
    for n in range(half):
        standin.add_user(f"U{n:06d}", f"user{n}", tz="America/New_York")
        standin.add_channel(f"C{n:06d}", f"channel-{n}")
    api_url = standin.serve()
    lines: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as scratch:
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": api_url,
            "DATABASE_URL": f"sqlite:///{Path(scratch) / 'memory.db'}",
            "BATON_WORKING_HOURS": "always",
        }
        env.pop("SLACK_APP_TOKEN", None)
        command = [sys.executable, "-m", "bench.memory", "--child"]
        command += ["--handoffs", str(args.handoffs), "--conversations", str(args.conversations)]
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        finally:
            standin.stop()
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    points = [line for line in lines if "rss_mb" in line]
    if done.returncode != 0 or len(points) != 2:
        print(done.stderr[-3000:], file=sys.stderr)
        print("the child failed", file=sys.stderr)
        return 1
    first, last = points
    held = ("sqlite_mb", "malloc_used_mb", "malloc_free_mb", "malloc_mmap_mb")

    def split(point: dict[str, float]) -> str:
        parts = [f"{name.removesuffix('_mb')} {point[name]:.1f}" for name in held if name in point]
        return f"; of it {', '.join(parts)}" if parts else ""

    seconds = next((line["seconds"] for line in lines if "seconds" in line), float("nan"))
    ratio = last["rss_mb"] / first["rss_mb"]
    met = ratio <= TARGET
    print(
        f"`baton serve` (its parts, in a child) RSS after handoffs across "
        f"{args.conversations} conversations, driven through the service layer "
        f"({seconds:.0f} s):\n"
        f"    after {int(first['handoffs']):>7,}: {first['rss_mb']:.1f} MB "
        f"(pacer remembers {int(first['pacer'])} conversations{split(first)})\n"
        f"    after {int(last['handoffs']):>7,}: {last['rss_mb']:.1f} MB "
        f"(pacer remembers {int(last['pacer'])} conversations{split(last)})\n"
        f"    ratio {ratio:.2f}  (<= {TARGET}: {'met' if met else 'NOT met'})"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
