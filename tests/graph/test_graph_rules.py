"""The dependency graph as pure rules: root blockers through hard edges, and cycles."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.graph.rules import Blocker, Edge, EdgeKind, cycle_through, root_blockers

HARD, SOFT = EdgeKind.HARD, EdgeKind.SOFT
T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
A, B, C, D, E, F = range(1, 7)

Graph = dict[int, list[Edge]]


def graph(*edges: tuple[int, int, EdgeKind]) -> Graph:
    """An adjacency map; the n-th edge was declared n hours after T0."""
    adjacency: Graph = {}
    for n, (item, dependency, kind) in enumerate(edges):
        adjacency.setdefault(item, []).append(Edge(item, dependency, kind, T0 + timedelta(hours=n)))
    return adjacency


def at(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)


def roots(
    item: int, edges: Mapping[int, Sequence[Edge]], done: set[int] | None = None
) -> list[int]:
    return [b.root for b in root_blockers(item, edges, done or set())]


# -- root blockers --------------------------------------------------------------------------


def test_nothing_blocks_an_item_without_dependencies() -> None:
    assert root_blockers(A, {}, set()) == []
    assert root_blockers(A, graph((B, C, HARD)), set()) == []


def test_a_direct_hard_dependency_is_the_root() -> None:
    assert root_blockers(A, graph((A, B, HARD)), set()) == [Blocker(B, (A, B), at(0))]


def test_a_chain_reports_only_its_end_with_the_chain_to_it() -> None:
    edges = graph((A, B, HARD), (B, C, HARD), (C, D, HARD))
    assert root_blockers(A, edges, set()) == [Blocker(D, (A, B, C, D), at(2))]
    assert root_blockers(B, edges, set()) == [Blocker(D, (B, C, D), at(2))]


def test_a_root_reached_by_two_paths_is_reported_once_by_the_shorter() -> None:
    #   A -> B -> D      and      A -> C -> E -> D
    edges = graph((A, C, HARD), (C, E, HARD), (E, D, HARD), (A, B, HARD), (B, D, HARD))
    assert root_blockers(A, edges, set()) == [Blocker(D, (A, B, D), at(4))]


def test_a_diamond_reports_its_bottom_once() -> None:
    edges = graph((A, B, HARD), (A, C, HARD), (B, D, HARD), (C, D, HARD))
    found = root_blockers(A, edges, set())
    assert [b.root for b in found] == [D]
    assert found[0].chain in ((A, B, D), (A, C, D))


def test_several_roots_come_oldest_first() -> None:
    edges = graph((A, B, HARD), (B, C, HARD), (A, D, HARD), (A, E, HARD))
    #                 0h          1h            2h            3h
    assert root_blockers(A, edges, set()) == [
        Blocker(C, (A, B, C), at(1)),
        Blocker(D, (A, D), at(2)),
        Blocker(E, (A, E), at(3)),
    ]


def test_soft_edges_never_block() -> None:
    assert roots(A, graph((A, B, SOFT))) == []
    # Nor do they lead anywhere: C sits behind a soft edge.
    assert roots(A, graph((A, B, HARD), (B, C, SOFT))) == [B]
    assert roots(A, graph((A, B, SOFT), (B, C, HARD))) == []


def test_a_hard_and_a_soft_way_to_the_same_item() -> None:
    edges = graph((A, B, SOFT), (A, C, HARD), (C, B, HARD))
    assert root_blockers(A, edges, set()) == [Blocker(B, (A, C, B), at(2))]


def test_done_items_do_not_block() -> None:
    assert roots(A, graph((A, B, HARD)), done={B}) == []
    # A done middle item does not pass on what it waited for.
    assert roots(A, graph((A, B, HARD), (B, C, HARD)), done={B}) == []
    # Once the bottom is done, the item above it is the root.
    assert root_blockers(A, graph((A, B, HARD), (B, C, HARD)), {C}) == [Blocker(B, (A, B), at(0))]


def test_done_branches_leave_the_open_ones() -> None:
    edges = graph((A, B, HARD), (B, C, HARD), (A, D, HARD), (D, E, HARD))
    assert roots(A, edges, done={C, D}) == [B]


def test_a_cycle_does_not_loop_forever() -> None:
    # Cycles are refused when declared; a graph that has one anyway must still answer.
    edges = graph((A, B, HARD), (B, C, HARD), (C, B, HARD), (A, D, HARD))
    assert roots(A, edges) == [D]
    assert roots(A, graph((A, B, HARD), (B, A, HARD))) == []


def test_the_limit_bounds_the_walk() -> None:
    chain = graph(*((n, n + 1, HARD) for n in range(1, 200)))
    assert roots(1, chain) == [200]
    assert root_blockers(1, chain, set(), limit=50) == []  # gave up before the bottom


# -- cycles ---------------------------------------------------------------------------------


def test_an_edge_closing_a_chain_names_the_cycle_in_order() -> None:
    edges = graph((A, B, HARD), (B, C, HARD))
    # Declaring C -> A would make C -> A -> B -> C.
    assert cycle_through(C, A, edges) == (C, A, B, C)


def test_an_edge_back_to_a_direct_dependency() -> None:
    assert cycle_through(B, A, graph((A, B, HARD))) == (B, A, B)


def test_an_item_waiting_on_itself_is_a_cycle() -> None:
    assert cycle_through(A, A, {}) == (A, A)


def test_no_cycle_when_the_dependency_cannot_reach_the_item() -> None:
    edges = graph((A, B, HARD), (B, C, HARD), (D, A, HARD))
    assert cycle_through(A, C, edges) is None  # a shortcut along the chain
    assert cycle_through(A, D, graph((A, B, HARD))) is None
    assert cycle_through(E, F, edges) is None


def test_soft_edges_and_done_items_still_make_cycles() -> None:
    # A cycle is a cycle whatever its edges: it would never resolve by itself.
    assert cycle_through(C, A, graph((A, B, SOFT), (B, C, HARD))) == (C, A, B, C)


def test_the_shortest_cycle_is_named() -> None:
    edges = graph((A, B, HARD), (B, C, HARD), (C, D, HARD), (A, D, HARD))
    assert cycle_through(D, A, edges) == (D, A, D)


# -- properties -----------------------------------------------------------------------------


@st.composite
def dags(draw: st.DrawFn) -> tuple[Graph, set[int]]:
    """A random DAG on 0..n-1 (edges go from lower to higher numbers), and a random done set
    (never 0, the item asked about)."""
    size = draw(st.integers(1, 12))
    pairs = draw(
        st.sets(
            st.tuples(st.integers(0, size - 1), st.integers(0, size - 1)).filter(
                lambda p: p[0] < p[1]
            ),
            max_size=30,
        )
    )
    edges: Graph = {}
    for n, (item, dependency) in enumerate(sorted(pairs)):
        kind = draw(st.sampled_from([HARD, HARD, SOFT]))
        since = T0 + timedelta(minutes=draw(st.integers(0, 10_000)), seconds=n)
        edges.setdefault(item, []).append(Edge(item, dependency, kind, since))
    done = draw(st.sets(st.integers(1, max(1, size - 1)), max_size=size))
    return edges, done - {0}


def _open_hard(node: int, edges: Graph, done: set[int]) -> list[Edge]:
    return [e for e in edges.get(node, []) if e.kind == HARD and e.dependency not in done]


def _distances(edges: Graph, done: set[int]) -> dict[int, int]:
    """Hard-edge hops from 0 through items not done."""
    distance = {0: 0}
    queue = deque([0])
    while queue:
        node = queue.popleft()
        for edge in _open_hard(node, edges, done):
            if edge.dependency not in distance:
                distance[edge.dependency] = distance[node] + 1
                queue.append(edge.dependency)
    return distance


@settings(max_examples=200, deadline=None)
@given(case=dags())
def test_root_blockers_are_exactly_the_open_hard_bottoms(case: tuple[Graph, set[int]]) -> None:
    edges, done = case
    found = root_blockers(0, edges, done)
    distance = _distances(edges, done)
    expected = {n for n in distance if n != 0 and not _open_hard(n, edges, done)}
    assert sorted(b.root for b in found) == sorted(expected)  # each one, once
    for blocker in found:
        assert blocker.chain[0] == 0 and blocker.chain[-1] == blocker.root
        assert len(blocker.chain) == distance[blocker.root] + 1  # a shortest chain
        links = list(pairwise(blocker.chain))
        for item, dependency in links:
            assert dependency not in done
            assert any(e.dependency == dependency for e in _open_hard(item, edges, done))
        last = next(e for e in edges[links[-1][0]] if e.dependency == blocker.root)
        assert blocker.since == last.since
    assert [(b.since, b.root) for b in found] == sorted((b.since, b.root) for b in found)


@st.composite
def graphs(draw: st.DrawFn) -> Graph:
    """A random graph on 0..7 with cycles allowed, mixed kinds."""
    pairs = draw(st.sets(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=20))
    edges: Graph = {}
    for n, (item, dependency) in enumerate(sorted(pairs)):
        kind = draw(st.sampled_from([HARD, SOFT]))
        edges.setdefault(item, []).append(Edge(item, dependency, kind, T0 + timedelta(hours=n)))
    return edges


def _reaches(start: int, goal: int, edges: Graph) -> bool:
    seen, stack = {start}, [start]
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        for edge in edges.get(node, []):
            if edge.dependency not in seen:
                seen.add(edge.dependency)
                stack.append(edge.dependency)
    return False


@settings(max_examples=200, deadline=None)
@given(edges=graphs(), item=st.integers(0, 7), dependency=st.integers(0, 7))
def test_cycle_through_finds_a_cycle_exactly_when_one_would_close(
    edges: Graph, item: int, dependency: int
) -> None:
    cycle = cycle_through(item, dependency, edges)
    assert (cycle is not None) == _reaches(dependency, item, edges)
    if cycle is None:
        return
    assert cycle[0] == cycle[-1] == item
    assert cycle[1] == dependency
    assert len(set(cycle[:-1])) == len(cycle) - 1  # a simple cycle: nothing named twice
    for node, then in pairwise(cycle[1:]):
        assert any(e.dependency == then for e in edges.get(node, []))
