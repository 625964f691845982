"""Decision rules: `<metric> <op> <threshold> [and ...] -> <candidate action>`, one per line.

A rule is a pre-committed decision: when its conditions hold on the latest readings, its
candidate action is on the table. A condition on a metric nobody logged neither holds nor
fails; it is reported missing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.decisions.kpis import METRICS, Metric

GRAMMAR = "<metric> <op> <threshold> [and <metric> <op> <threshold> ...] -> <candidate action>"
MAX_ACTION = 200
_ARROW = re.compile(r"->|→")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_BULLET = re.compile(r"^[-•*]\s+")
_CONDITION = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|==|<|>|=)\s*(\S+)$")


class Op(StrEnum):
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    EQ = "="

    def holds(self, value: float, threshold: float) -> bool:
        if self is Op.EQ:
            return math.isclose(value, threshold, rel_tol=1e-9, abs_tol=1e-12)
        return {
            Op.LT: value < threshold,
            Op.LE: value <= threshold,
            Op.GT: value > threshold,
            Op.GE: value >= threshold,
        }[self]


@dataclass(frozen=True)
class Condition:
    metric: str
    op: Op
    threshold: float


@dataclass(frozen=True)
class Rule:
    conditions: tuple[Condition, ...]
    action: str


@dataclass(frozen=True)
class RuleError:
    line: int
    message: str


def _number(value: float) -> str:
    """Shortest text that reads back as the same float."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def render_rule(rule: Rule) -> str:
    conditions = " and ".join(
        f"{c.metric} {c.op.value} {_number(c.threshold)}" for c in rule.conditions
    )
    return f"{conditions} -> {rule.action}"


def _parse_condition(text: str, metrics: Mapping[str, Metric]) -> Condition | str:
    match = _CONDITION.match(text.strip())
    if match is None:
        return f"couldn't read “{text.strip()}”. Write {GRAMMAR}, with op one of < <= > >= =."
    name, op, raw = match.groups()
    metric = name.lower()
    if metric not in metrics:
        return f"unknown metric “{name}”: use one of {', '.join(metrics)}."
    try:
        threshold = float(raw)
    except ValueError:
        return f"the threshold for {metric} must be a number, not “{raw}”."
    if not math.isfinite(threshold):
        return f"the threshold for {metric} must be a finite number."
    return Condition(metric, Op("=" if op == "==" else op), threshold)


def parse_rule(text: str, metrics: Mapping[str, Metric] = METRICS) -> Rule | str:
    line = _BULLET.sub("", text.strip())
    parts = _ARROW.split(line, maxsplit=1)
    if len(parts) < 2 or not parts[1].strip():
        return (
            "no candidate action: end the line with `-> <what you would do>` "
            "(no observation without a candidate action)."
        )
    action = " ".join(parts[1].split())
    if len(action) > MAX_ACTION:
        return f"keep the candidate action under {MAX_ACTION} characters."
    if not parts[0].strip():
        return f"name at least one condition before the action. Write {GRAMMAR}."
    conditions: list[Condition] = []
    for piece in _AND.split(parts[0].strip()):
        condition = _parse_condition(piece, metrics)
        if isinstance(condition, str):
            return condition
        conditions.append(condition)
    return Rule(tuple(conditions), action)


def parse_rules(
    text: str, metrics: Mapping[str, Metric] = METRICS
) -> tuple[list[Rule], list[RuleError]]:
    """Every non-blank line is a rule; errors carry 1-based line numbers."""
    rules: list[Rule] = []
    errors: list[RuleError] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parsed = parse_rule(line, metrics)
        if isinstance(parsed, str):
            errors.append(RuleError(number, parsed))
        else:
            rules.append(parsed)
    return rules, errors


@dataclass(frozen=True)
class ConditionResult:
    condition: Condition
    value: float | None
    holds: bool | None  # None: no reading


@dataclass(frozen=True)
class RuleResult:
    rule: Rule
    conditions: tuple[ConditionResult, ...]
    triggered: bool
    missing: tuple[str, ...]


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def evaluate(rules: Sequence[Rule], latest: Mapping[str, float]) -> list[RuleResult]:
    """A rule triggers when every condition holds on the latest readings."""
    results = []
    for rule in rules:
        outcomes = []
        for condition in rule.conditions:
            value = latest.get(condition.metric)
            holds = None if value is None else condition.op.holds(value, condition.threshold)
            outcomes.append(ConditionResult(condition, value, holds))
        results.append(
            RuleResult(
                rule=rule,
                conditions=tuple(outcomes),
                triggered=all(o.holds is True for o in outcomes),
                missing=_unique(o.condition.metric for o in outcomes if o.holds is None),
            )
        )
    return results
