"""CPU per delivered message: the sweeper's own work (claim, post, mark sent), nothing else.

Standalone on purpose: it only uses what Baton has long had (build_services, outbox.enqueue,
Deliverer.sweep), so `bench.sweep` can run it against the code of an earlier commit (by
PYTHONPATH) in the same run. The Slack stand-in runs in a child process, unthrottled, so the
CPU time of this process is Baton's. Prints one JSON line.

    PYTHONPATH=. .venv/bin/python bench/delivery_cpu.py --messages 2000 --channels 40
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from multiprocessing.managers import BaseManager
from pathlib import Path
from typing import Any

from sqlmodel import col, func, select

if "--other-tree" in sys.argv:
    # Run against the tree on PYTHONPATH alone: the editable install's finder would otherwise
    # fill in, from this checkout, whatever modules that tree does not have.
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in (f.__module__ or "")]

from bot.clock import SystemClock
from bot.config import load_settings
from bot.slack_standin import SlackStandIn
from store import outbox
from store.db import Database
from store.migrate import upgrade
from store.models import OutboxMessage, OutboxStatus

try:
    from bot.container import build_services
except ImportError:  # the code before issue 21 kept it with the services
    from bot.services.container import build_services  # type: ignore[import-not-found,no-redef]

TOKEN = "xoxb-bench"


class StandInManager(BaseManager):
    """Hosts the stand-in in a child process, so its CPU is not counted."""


StandInManager.register("SlackStandIn", SlackStandIn)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--channels", type=int, default=40)
    parser.add_argument("--other-tree", action="store_true", help="PYTHONPATH's tree only")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth is 3"
    manager = StandInManager()
    manager.start()
    standin: Any = manager.SlackStandIn(bot_token=TOKEN)  # type: ignore[attr-defined]
    channels = [f"C0CPU{i:04d}" for i in range(args.channels)]
    for channel in channels:
        standin.add_channel(channel, channel.lower())
    api_url = standin.serve()
    try:
        with tempfile.TemporaryDirectory() as scratch:
            settings = load_settings(
                env_file=None,
                slack_bot_token=TOKEN,
                slack_api_url=api_url,
                database_url=f"sqlite:///{Path(scratch) / 'cpu.db'}",
            )
            db = Database(settings.database_url)
            upgrade(db)
            services = build_services(settings, SystemClock(), db=db)
            services.deliverer.pacer.interval = 0.0  # CPU, not Slack's limit, is measured
            now = datetime.now(UTC)
            # Written as another process would: a commit in this process sends its own rows at
            # once, and only the sweeper's work is measured here.
            writer = Database(settings.database_url)
            with writer.write() as session:
                for index in range(args.messages):
                    outbox.enqueue(
                        session,
                        outbox.NewMessage(
                            key=f"cpu:{index}",
                            target=channels[index % len(channels)],
                            text=f"message {index}",
                            blocks=[],
                            due_at=now - timedelta(seconds=1),
                        ),
                        now=now,
                    )
            writer.dispose()
            cpu, wall = time.process_time(), time.perf_counter()
            while True:
                if not services.deliverer.sweep():
                    break
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            with db.read() as session:
                sent = session.exec(
                    select(func.count()).where(col(OutboxMessage.status) == OutboxStatus.SENT)
                ).one()
            services.close()
    finally:
        standin.stop()
        manager.shutdown()
    print(
        json.dumps(
            {
                "messages": args.messages,
                "sent": int(sent),
                "cpu_ms_per_message": cpu / args.messages * 1e3,
                "wall_seconds": wall,
            }
        )
    )
    return 0 if sent == args.messages else 1


if __name__ == "__main__":
    sys.exit(main())
