"""(b) Fair delivery: one busy channel and many quiet ones, delivered by Baton's Sweeper
against a stand-in that keeps Slack's 1 post/s per channel (see bench/sweep/__init__.py)."""

from __future__ import annotations

import statistics
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import col, func, select

from bench.common import verdict
from bot.clock import SystemClock
from bot.config import load_settings
from bot.container import build_services
from bot.delivery.sweeper import Sweeper
from bot.ids import MetadataEvent
from bot.slack_standin import SlackStandIn
from store import outbox
from store.db import Database
from store.migrate import upgrade
from store.models import OutboxMessage, OutboxStatus

TOKEN = "xoxb-bench"
SECRET = "bench-signing-secret"
RATE_TARGET = 0.9
QUIET_TARGET = 1.5  # a quiet channel's time against its own ideal


@dataclass
class FairResult:
    label: str
    counts: dict[str, int]  # channel -> messages
    done: dict[str, float]  # channel -> seconds from start to its last post, + its 1 s slot
    refused_429: int
    duplicates: int
    missing: int

    def quiet(self) -> dict[str, float]:
        """Each quiet channel's time against its ideal (n posts at 1/s take n seconds)."""
        busiest = max(self.counts.values())
        return {
            c: self.done.get(c, float("inf")) / n for c, n in self.counts.items() if n < busiest
        }

    @property
    def worst_quiet(self) -> float:
        return max(self.quiet().values(), default=0.0)

    @property
    def rate_share(self) -> float:
        """Achieved per-channel rates, summed, against the summed 1 msg/s per channel."""
        rates = [n / self.done[c] if c in self.done else 0.0 for c, n in self.counts.items()]
        return sum(rates) / len(self.counts)

    @property
    def met(self) -> bool:
        return (
            self.worst_quiet <= QUIET_TARGET
            and self.rate_share >= RATE_TARGET
            and self.duplicates == 0
            and self.missing == 0
        )


def bench_fair(
    *, busy: int, quiet_channels: int, quiet: int, db_url: str, sweepers: int, label: str
) -> FairResult:
    """One busy channel and many quiet ones, all due at once, delivered by Baton's Sweeper
    with default settings (BATON_SWEEP_INTERVAL 15 s) against a stand-in that refuses a
    second post to a channel within a second."""
    standin = SlackStandIn(bot_token=TOKEN)
    standin.per_channel_post_limit = 1.0
    counts = {"C0BUSY": busy} | {f"C0QUIET{i:03d}": quiet for i in range(quiet_channels)}
    for channel in counts:
        standin.add_channel(channel, channel.lower())
    api_url = standin.serve()
    settings = load_settings(
        env_file=None,
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=api_url,
        database_url=db_url,
    )
    db = Database(settings.database_url)
    upgrade(db)
    # One set of services per sweeper, as separate `baton serve` / `baton worker` processes
    # have: their own Deliverer, pacer, Web API client and engine, one outbox.
    everyone = [
        build_services(settings, SystemClock(), db=Database(settings.database_url))
        for _ in range(sweepers)
    ]
    now = datetime.now(UTC)
    with db.write() as session:
        # The busy channel's backlog first, as when it was written in a burst before the rest.
        index = 0
        for channel, n in counts.items():
            for k in range(n):
                index += 1
                outbox.enqueue(
                    session,
                    outbox.NewMessage(
                        key=f"bench:{channel}:{k}",
                        target=channel,
                        text=f"message {k} for {channel}",
                        blocks=[],
                        due_at=now - timedelta(seconds=1) + timedelta(microseconds=index),
                    ),
                    now=now,
                )
    total = sum(counts.values())

    def sent() -> int:
        with db.read() as session:
            query = select(func.count()).where(col(OutboxMessage.status) == OutboxStatus.SENT)
            return int(session.exec(query).one())

    running = [Sweeper(s.deliverer, settings.sweep_interval) for s in everyone]
    started = time.time()
    deadline = time.monotonic() + 3 * busy + 60
    try:
        for sweeper in running:
            sweeper.start()
        while sent() < total and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        for sweeper in running:
            sweeper.shutdown()
        for services in everyone:
            services.close()
        standin.stop()
        db.dispose()
    posts = standin.calls_to("chat.postMessage")
    done: dict[str, float] = {}
    for call in posts:
        if call.status == 200:
            channel = str(call.params.get("channel"))
            done[channel] = max(done.get(channel, 0.0), call.at - started + 1.0)
    keys: Counter[str] = Counter()
    for channel in counts:
        for message in standin.messages(channel):
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == MetadataEvent.OUTBOX:
                keys[metadata["event_payload"]["key"]] += 1
    expected = {f"bench:{c}:{k}" for c, n in counts.items() for k in range(n)}
    return FairResult(
        label=label,
        counts=counts,
        done=done,
        refused_429=sum(1 for call in posts if call.status == 429),
        duplicates=sum(n - 1 for n in keys.values() if n > 1),
        missing=len(expected - set(keys)),
    )


def report_fair(results: list[FairResult]) -> bool:
    if not results:
        return True
    first = results[0]
    busy = max(first.counts.values())
    quiet = min(first.counts.values())
    print(
        f"\n(b) fair delivery at 1 post/s/channel (429 + Retry-After: 1 over it), default "
        f"settings: 1 channel with {busy} messages, {len(first.counts) - 1} with {quiet}"
    )
    header = (
        f"{'setup':<26} {'quiet worst':>11} {'quiet p50':>9} {'busy':>6} {'rate':>6} "
        f"{'429s':>5} {'dupes':>5} {'missing':>7}  target"
    )
    print(header)
    print("-" * len(header))
    ok = True
    for r in results:
        ok &= r.met
        ratios = sorted(r.quiet().values())
        print(
            f"{r.label:<26} {r.worst_quiet:>10.2f}x {statistics.median(ratios):>8.2f}x "
            f"{r.done.get('C0BUSY', float('inf')):>5.0f}s {r.rate_share:>6.0%} "
            f"{r.refused_429:>5} {r.duplicates:>5} {r.missing:>7}  quiet <= {QUIET_TARGET}x "
            f"ideal, rate >= {RATE_TARGET:.0%}, 0 dupes: {verdict(r.met)}"
        )
    print(
        "    quiet: a quiet channel's last post (+ its 1 s slot) against its ideal "
        f"({quiet} s); busy: the same for the busy one (ideal {busy} s);\n    rate: each "
        "channel's achieved msg/s, summed, against 1 msg/s per channel"
    )
    return ok
