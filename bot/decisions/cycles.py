"""Publish cycles: a publish can follow an earlier one, so each cycle is judged against the
last, and an action taken is checked against how the next cycle turned out."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.decisions.rules import Op, Rule

_TRAILING_NUMBER = re.compile(r"^(.*\S)\s+#?(\d{1,4})$")
MAX_EARLIER = 5


def earlier_names(name: str) -> list[str]:
    """Names the cycle before “spring launch 3” would have, nearest first: “spring launch 2”,
    “spring launch 1”, “spring launch”. None for a name without a trailing number."""
    match = _TRAILING_NUMBER.match(" ".join(name.split()))
    if match is None:
        return []
    base, number = match.group(1), int(match.group(2))
    numbered = [f"{base} {n}" for n in range(number - 1, 0, -1)][: MAX_EARLIER - 1]
    return [*numbered, base]


@dataclass(frozen=True)
class Earlier:
    id: int
    name: str
    surface: str


def preselect(name: str, candidates: Sequence[Earlier]) -> Earlier | None:
    by_name = {c.name.casefold(): c for c in candidates}
    for wanted in earlier_names(name):
        if found := by_name.get(wanted.casefold()):
            return found
    return None


def better(op: Op, before: float, after: float) -> bool | None:
    """Did a metric move away from what triggered its rule? A rule firing on a low value
    (< or <=) wants it higher; on a high value (> or >=) lower. None: no direction (=), or
    no change."""
    if after == before or op is Op.EQ:
        return None
    return after > before if op in (Op.LT, Op.LE) else after < before


@dataclass(frozen=True)
class CycleComparison:
    metric: str
    before: float
    after: float


def compare(previous: Mapping[str, float], current: Mapping[str, float]) -> list[CycleComparison]:
    return [
        CycleComparison(m, previous[m], current[m]) for m in sorted(set(previous) & set(current))
    ]


@dataclass(frozen=True)
class ActionResult:
    """An action decided on one publish, and how the metric its rule watched did in the
    publish that followed."""

    publish: str
    action: str
    metric: str | None  # None: the action came from no rule
    before: float | None
    after: float | None
    improved: bool | None
    next_cycle: str | None  # None: no following cycle yet


def action_result(
    publish: str,
    action: str,
    rules: Sequence[Rule],
    kpis: Mapping[str, float],
    next_name: str | None,
    next_kpis: Mapping[str, float] | None,
) -> ActionResult:
    rule = next((r for r in rules if r.action == action), None)
    if rule is None or not rule.conditions:
        return ActionResult(publish, action, None, None, None, None, next_name)
    condition = rule.conditions[0]
    before = kpis.get(condition.metric)
    after = (next_kpis or {}).get(condition.metric)
    improved = (
        better(condition.op, before, after) if before is not None and after is not None else None
    )
    return ActionResult(publish, action, condition.metric, before, after, improved, next_name)
