"""The typed dependency graph: hard edges block, soft edges proceed on an assumption.

Pure functions over an adjacency map; the store loads only the part of the graph a question
needs (everything reachable from one item), so these never see the whole channel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from store.vocabulary import Edge, EdgeKind

__all__ = ["Edge", "EdgeKind"]  # stored words, re-exported


@dataclass(frozen=True)
class Blocker:
    """A root blocker of some item, and the hard chain that leads to it."""

    root: int
    chain: tuple[int, ...]  # from the asking item down to the root, both included
    since: datetime  # when the last edge of the chain was declared: how long it has blocked


def root_blockers(
    item: int, edges: Mapping[int, Sequence[Edge]], done: set[int], *, limit: int = 10_000
) -> list[Blocker]:
    """Follow hard edges through items that are not done, to the items with nothing open
    beneath them. Each root is reported once, by its shortest chain; oldest first."""
    found: dict[int, Blocker] = {}
    frontier: list[tuple[int, tuple[int, ...], datetime | None]] = [(item, (item,), None)]
    visited = {item}
    while frontier and len(visited) <= limit:
        next_frontier: list[tuple[int, tuple[int, ...], datetime | None]] = []
        for node, chain, since in frontier:
            open_hard = [
                e
                for e in edges.get(node, ())
                if e.kind == EdgeKind.HARD and e.dependency not in done
            ]
            if not open_hard:
                if node != item and since is not None and node not in found:
                    found[node] = Blocker(root=node, chain=chain, since=since)
                continue
            for edge in open_hard:
                if edge.dependency in visited:
                    continue
                visited.add(edge.dependency)
                next_frontier.append((edge.dependency, (*chain, edge.dependency), edge.since))
        frontier = next_frontier
    return sorted(found.values(), key=lambda b: (b.since, b.root))


def cycle_through(
    item: int, dependency: int, edges: Mapping[int, Sequence[Edge]]
) -> tuple[int, ...] | None:
    """The cycle that `item -> dependency` would close, as item → … → item, or None."""
    if item == dependency:
        return (item, item)
    parents: dict[int, int] = {dependency: dependency}
    frontier = [dependency]
    while frontier:
        next_frontier = []
        for node in frontier:
            for edge in edges.get(node, ()):
                if edge.dependency in parents:
                    continue
                parents[edge.dependency] = node
                if edge.dependency == item:
                    path = [item]
                    while path[-1] != dependency:
                        path.append(parents[path[-1]])
                    return (item, *reversed(path))
                next_frontier.append(edge.dependency)
        frontier = next_frontier
    return None


@dataclass(frozen=True)
class ItemRef:
    """An item as people see it: its name and who owns it."""

    id: int
    name: str
    owner_id: str | None
    done: bool = False


@dataclass(frozen=True)
class BlockerLine:
    """One root blocker of an item, by name, with how long it has blocked."""

    root: ItemRef
    chain: list[str]
    since: datetime


@dataclass
class ItemReport:
    """What `/blocked <item>` answers: what it waits on that is ready (done), its root
    blockers, and soft dependencies apart."""

    item: ItemRef
    blockers: list[BlockerLine] = field(default_factory=list)
    soft: list[tuple[ItemRef, str | None]] = field(default_factory=list)
    ready: list[ItemRef] = field(default_factory=list)


@dataclass(frozen=True)
class Blocking:
    """An item of someone's that blocks other work: the chains that wait on it (names, from
    the waiting item down to it) and since when (its oldest hard edge from an open item)."""

    item: ItemRef
    channel_id: str
    chains: list[list[str]]
    since: datetime
