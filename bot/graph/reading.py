"""Reading the graph for people: one item's report, the channel's /blocked list, App Home."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.graph.rules import (
    BlockerLine,
    Blocking,
    Edge,
    EdgeKind,
    ItemRef,
    ItemReport,
    root_blockers,
)
from store import graph, work_items
from store.db import Database
from store.models import Dependency, ItemState, WorkItem
from store.types import as_utc

LIST_PAGE = 15


def ref_of(item: WorkItem) -> ItemRef:
    assert item.id is not None
    return ItemRef(
        id=item.id, name=item.name, owner_id=item.owner_id, done=item.state == ItemState.DONE
    )


def report_of(session: Session, item: WorkItem) -> ItemReport:
    assert item.id is not None
    hard = graph.reachable(session, item.id, hard_open_only=True)
    direct = graph.direct_dependencies(session, item.id)
    return reports_of(session, [item], hard, {item.id: direct})[0]


def reports_of(
    session: Session,
    items: list[WorkItem],
    hard: dict[int, list[Edge]],
    direct: dict[int, list[Dependency]],
) -> list[ItemReport]:
    """Reports for these items from the open hard edges they reach (one map for all)
    and their direct edges: one names query for all."""
    blockers = {
        item.id: root_blockers(item.id, hard, done=set()) for item in items if item.id is not None
    }
    named = graph.items(
        session,
        [i for found in blockers.values() for b in found for i in b.chain]
        + [d.dependency_id for rows in direct.values() for d in rows],
    )
    reports = []
    for item in items:
        assert item.id is not None
        report = ItemReport(item=ref_of(item))
        for blocker in blockers[item.id]:
            report.blockers.append(
                BlockerLine(
                    root=ref_of(named[blocker.root]),
                    chain=[named[i].name for i in blocker.chain],
                    since=blocker.since,
                )
            )
        for row in direct.get(item.id, []):
            dependency = named[row.dependency_id]
            if dependency.state == ItemState.DONE:
                report.ready.append(ref_of(dependency))
            elif row.kind == EdgeKind.SOFT:
                report.soft.append((ref_of(dependency), row.reason))
        reports.append(report)
    return reports


def chain_ids_up(session: Session, root_id: int, limit: int = 10) -> list[list[int]]:
    """What the root blocks: chains from each top item down to the root (a few)."""
    chains: list[list[int]] = []
    frontier: list[list[int]] = [[root_id]]
    seen = {root_id}
    while frontier and len(chains) < limit:
        path = frontier.pop(0)
        ups = [e for e in graph.dependents(session, path[0]) if e.kind == EdgeKind.HARD]
        ups = [e for e in ups if e.item_id not in seen]
        open_ups = []
        for e in ups:
            up = session.get(WorkItem, e.item_id)
            if up is not None and up.state == ItemState.OPEN:
                open_ups.append(e.item_id)
        if not open_ups and len(path) > 1:
            chains.append(path)
        for up_id in open_ups:
            seen.add(up_id)
            frontier.append([up_id, *path])
    return chains


def chains_up(session: Session, root_id: int, limit: int = 10) -> list[list[str]]:
    """What the root blocks: chains of names from each top item down to the root."""
    chains = chain_ids_up(session, root_id, limit)
    named = graph.items(session, [i for c in chains for i in c])
    return [[named[i].name for i in chain] for chain in chains]


def blocking_since(session: Session, item_id: int) -> datetime | None:
    """When the oldest hard edge from an open item onto this one was declared."""
    hard = [e for e in graph.dependents(session, item_id) if e.kind == EdgeKind.HARD]
    open_ids = {
        i
        for i, w in graph.items(session, [e.item_id for e in hard]).items()
        if w.state == ItemState.OPEN
    }
    found = [as_utc(e.created_at) for e in hard if e.item_id in open_ids]
    return min(found) if found else None


class GraphReader:
    def __init__(self, db: Database) -> None:
        self.db = db

    def report(self, channel_id: str, item_name: str) -> ItemReport | None:
        with self.db.read() as session:
            item = work_items.find(session, channel_id, item_name)
            if item is None:
                return None
            return report_of(session, item)

    def blocked_in_channel(self, channel_id: str) -> tuple[list[ItemReport], int]:
        """The channel's longest-waiting blocked items (a page) and how many there are: a
        fixed number of queries, whatever the size of the channel."""
        with self.db.read() as session:
            rows, total = graph.blocked_items(session, channel_id, limit=LIST_PAGE)
            items = [item for item, _ in rows]
            ids = [item.id for item in items if item.id is not None]
            hard = graph.reachable(session, ids, hard_open_only=True)
            direct = graph.direct_dependencies_of(session, ids)
            return reports_of(session, items, hard, direct), total

    def home_for(self, user_id: str) -> tuple[list[Blocking], list[ItemReport]]:
        """What the user's items block (with chains, and since when), and what the user's
        items wait on."""
        blocking: list[Blocking] = []
        waiting: list[ItemReport] = []
        with self.db.read() as session:
            for item in graph.owned_open_items(session, user_id):
                assert item.id is not None
                report = report_of(session, item)
                if report.blockers:
                    waiting.append(report)
                else:
                    chains = chains_up(session, item.id)
                    since = blocking_since(session, item.id)
                    if chains and since is not None:
                        blocking.append(Blocking(ref_of(item), item.channel_id, chains, since))
        return blocking, waiting
