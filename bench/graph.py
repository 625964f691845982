"""`/blocked <item>` and the channel-wide `/blocked` on a 10k-item, 50k-edge channel against a
100-item one, in one run.

Measured: what the /blocked listener does for `/blocked <item>` after its ack, called at the
service level (no HTTP, no Slack): GraphService.report (find the item, load everything
reachable through open hard edges with one recursive query, root_blockers, direct soft edges,
names) and views.report_message. On SQLite and PostgreSQL, each size in its own database.

Both channels hold the same project, item ids 1-100, and the item asked about is its top:
10 layers of 10 tasks, each depending on the next layer's task below it and its neighbour
(chains, and diamonds where two paths meet again), plus more edges into the next two layers,
500 edges in all; 85% hard, 10% of items done (mostly near the bottom), the chain below the
asked item open all the way: its root blockers sit 6-7 hard edges down. The large channel
adds 99 other projects built the same way (other seeds), whose tasks also depend on earlier
projects' tasks (including the measured one's), never the other way: what the asked item
reaches is identical in both channels and only the tables' size differs. The sizes alternate
(A B, B A, ...). Target: median(large) / median(small) <= 1.5 on each backend.

The channel-wide `/blocked` (GraphService.blocked_in_channel + views.channel_list) is timed
the same way: project 0's edges are the oldest, so the page (the 15 longest-waiting blocked
items, each with its root blockers) is the same in both channels; only the total differs.

    .venv/bin/python -m bench.graph [--reps 300] [--backends sqlite,postgresql]
    .venv/bin/python -m bench.graph --quick
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table

from bench.common import add_database_arguments, database, interleaved, median_ms, verdict
from bot.clock import ManualClock
from bot.graph.messages import channel_list, report_message
from bot.graph.rules import ItemReport
from bot.graph.service import GraphService
from bot.kernel.working_hours import WorkingHours
from store import graph, work_items
from store.db import Database
from store.models import Dependency, WorkItem

CHANNEL = "C0BENCH"
LAYERS, WIDTH = 10, 10  # a project: 100 items
PROJECT_EDGES = 500
CROSS_EDGES = 10  # of a filler project's 500: onto earlier projects' tasks
PROJECTS = 100  # in the large channel
TARGET = 1.5
ITEMS: Table = WorkItem.__table__  # type: ignore[attr-defined]
EDGES: Table = Dependency.__table__  # type: ignore[attr-defined]
ASKED = "project 0 task 0.0"


def _id(project: int, layer: int, slot: int) -> int:
    return project * LAYERS * WIDTH + layer * WIDTH + slot + 1


def project(p: int, now: datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Project p's items and edges (the same for the same p, whichever channel)."""
    rng = random.Random(1_000 + p)
    done_odds = [0.05] * (LAYERS - 2) + [0.2, 0.4]  # leaf work gets done first
    items = []
    for layer in range(LAYERS):
        for slot in range(WIDTH):
            name = f"project {p} task {layer}.{slot}"
            done = slot != 0 and rng.random() < done_odds[layer]  # slot 0: the open chain
            items.append(
                {
                    "id": _id(p, layer, slot),
                    "channel_id": CHANNEL,
                    "name": name,
                    "name_key": name.casefold(),
                    "owner_id": f"U{rng.randrange(40):04d}",
                    "state": "done" if done else "open",
                    "created_at": now - timedelta(days=10),
                    "done_at": now if done else None,
                    "done_by": "U0000" if done else None,
                }
            )
    pairs: dict[tuple[int, int], str] = {}
    for layer in range(LAYERS - 1):
        for slot in range(WIDTH):
            for below in (slot, (slot + 1) % WIDTH):  # chain + diamond
                # The asked item's chain (slot 0 down) is hard; the rest mostly.
                kind = "hard" if slot == 0 == below or rng.random() < 0.85 else "soft"
                if layer == slot == 0 and below:  # the top proceeds on one assumption
                    kind = "soft"
                pairs[(_id(p, layer, slot), _id(p, layer + 1, below))] = kind
    internal = PROJECT_EDGES - (CROSS_EDGES if p else 0)
    while len(pairs) < internal:
        layer = rng.randrange(LAYERS - 1)
        down = min(LAYERS - 1, layer + (2 if rng.random() < 0.1 else 1))  # few skips
        pair = (_id(p, layer, rng.randrange(WIDTH)), _id(p, down, rng.randrange(WIDTH)))
        pairs.setdefault(pair, "hard" if rng.random() < 0.85 else "soft")
    while len(pairs) < PROJECT_EDGES:  # later projects wait on earlier ones' tasks
        item = _id(p, rng.randrange(LAYERS), rng.randrange(WIDTH))
        other = rng.randrange(p)
        pairs.setdefault((item, _id(other, rng.randrange(LAYERS), rng.randrange(WIDTH))), "hard")
    edges = [
        {
            "channel_id": CHANNEL,
            "item_id": item,
            "dependency_id": dependency,
            "kind": kind,
            "reason": None,
            "declared_by": f"U{rng.randrange(40):04d}",
            # Project 0 waits longest: its blocked items are the channel list's first page
            # in both channels.
            "created_at": now
            - timedelta(minutes=rng.randrange(60, 7 * 24 * 60))
            - timedelta(days=0 if p else 30),
            "updated_at": now,
        }
        for (item, dependency), kind in pairs.items()
    ]
    return items, edges


def populate(db: Database, projects: int, now: datetime) -> tuple[int, int]:
    items: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    for p in range(projects):
        more_items, more_edges = project(p, now)
        items += more_items
        edges += more_edges
    rng = random.Random(5)
    rng.shuffle(edges)  # declared over time, projects interleaved: rows not in project order
    with db.engine.begin() as conn:
        for start in range(0, len(items), 5_000):
            conn.execute(ITEMS.insert(), items[start : start + 5_000])
        for start in range(0, len(edges), 10_000):
            conn.execute(EDGES.insert(), edges[start : start + 10_000])
    with db.write() as session:  # what migration 0006 and every change keep up to date
        graph.refresh_blocked_since(session, None)
    if db.dialect == "postgresql":  # as autovacuum would after a bulk load
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE work_item")
            conn.exec_driver_sql("ANALYZE dependency")
    return len(items), len(edges)


def ask(service: GraphService, now: datetime) -> tuple[float, ItemReport]:
    """What the listener does for `/blocked <item>` between its ack and its respond."""
    started = time.perf_counter()
    report = service.report(CHANNEL, ASKED)
    if report is None:
        raise RuntimeError(f"no item {ASKED!r}")
    report_message(report, now=now)
    return time.perf_counter() - started, report


def ask_channel(service: GraphService, now: datetime) -> tuple[float, list[Any], int]:
    """What the listener does for a bare `/blocked`: the page of 15 and the total."""
    started = time.perf_counter()
    reports, total = service.blocked_in_channel(CHANNEL)
    channel_list(reports, total, now=now)
    elapsed = time.perf_counter() - started
    return elapsed, [(r.item.name, shape(r)) for r in reports], total


def shape(report: ItemReport) -> list[tuple[str, int]]:
    """Root blockers and how many hard edges down each is (which of equally short chains
    is shown, and so the order, follows the order rows come back in)."""
    return sorted((line.root.name, len(line.chain) - 1) for line in report.blockers)


def bench(backend: str, *, reps: int, scratch: str, pg_url: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    hours = WorkingHours.parse("always")
    with (
        database(backend, scratch, pg_url, "graph-small") as small_db,
        database(backend, scratch, pg_url, "graph-large") as large_db,
    ):
        sizes = [populate(small_db, 1, now), populate(large_db, PROJECTS, now)]
        services = [
            GraphService(db, ManualClock(now), escalate_after=timedelta(hours=2), hours=hours)
            for db in (small_db, large_db)
        ]
        reports = [ask(service, now)[1] for service in services]
        with large_db.read() as session:
            asked = work_items.find(session, CHANNEL, ASKED)
            assert asked is not None and asked.id is not None
            reached = sum(
                map(len, graph.reachable(session, asked.id, hard_open_only=True).values())
            )
        if shape(reports[0]) != shape(reports[1]):
            raise RuntimeError("the asked item reaches different graphs in the two channels")
        small, large = interleaved(
            [lambda: ask(services[0], now)[0], lambda: ask(services[1], now)[0]], reps, warmup=20
        )
        pages = [ask_channel(service, now) for service in services]
        if pages[0][1] != pages[1][1] or len(pages[0][1]) != 15:
            raise RuntimeError("the channel list's first page differs between the channels")
        list_small, list_large = interleaved(
            [lambda: ask_channel(services[0], now)[0], lambda: ask_channel(services[1], now)[0]],
            max(reps // 5, 10),
            warmup=5,
        )
    depths = [depth for _, depth in shape(reports[0])]
    return {
        "sizes": sizes,
        "small": median_ms(small),
        "large": median_ms(large),
        "roots": len(depths),
        "depth": (min(depths), max(depths)) if depths else (0, 0),
        "soft": len(reports[0].soft),
        "reached": reached,
        "list_small": median_ms(list_small),
        "list_large": median_ms(list_large),
        "totals": (pages[0][2], pages[1][2]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=300, help="timed asks per size")
    add_database_arguments(parser)
    parser.add_argument("--quick", action="store_true", help="60 repetitions")
    args = parser.parse_args()
    if args.quick:
        args.reps = 60
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        for backend in args.backends.split(","):
            results.append(
                (backend, bench(backend, reps=args.reps, scratch=scratch, pg_url=args.pg_url))
            )
    first = results[0][1]
    (small_items, small_edges), (large_items, large_edges) = first["sizes"]
    print(
        f"/blocked {ASKED!r}: GraphService.report + report_message, service level; "
        f"median of {args.reps} per size, sizes alternated (ms)\n"
        f"channels: {small_items} items / {small_edges} edges vs {large_items} / {large_edges}; "
        f"answer (identical in both): {first['reached']} open hard edges reached, "
        f"{first['roots']} root blockers {first['depth'][0]}-{first['depth'][1]} hard edges "
        f"down, {first['soft']} soft dependency"
    )
    header = f"{'backend':<11} {'small':>8} {'large':>8} {'ratio':>6}  target"
    print(header)
    print("-" * len(header))
    met_all = True
    for backend, r in results:
        ratio = r["large"] / r["small"]
        met = ratio <= TARGET
        met_all &= met
        print(
            f"{backend:<11} {r['small']:>8.2f} {r['large']:>8.2f} {ratio:>6.2f}  "
            f"<= {TARGET}: {verdict(met)}"
        )
    totals = first["totals"]
    print(
        f"\n/blocked (the channel list): GraphService.blocked_in_channel + channel_list; the "
        f"same first page of 15 in both, of {totals[0]} vs {totals[1]} blocked items (ms)"
    )
    print(header)
    print("-" * len(header))
    for backend, r in results:
        ratio = r["list_large"] / r["list_small"]
        met = ratio <= TARGET
        met_all &= met
        print(
            f"{backend:<11} {r['list_small']:>8.2f} {r['list_large']:>8.2f} {ratio:>6.2f}  "
            f"<= {TARGET}: {verdict(met)}"
        )
    print(f"target (large / small <= {TARGET} on every backend, both):", verdict(met_all))
    return 0 if met_all else 1


if __name__ == "__main__":
    sys.exit(main())
