"""The strategy owners' week, per surface: leading signals (what was published, which rules
fired) next to lagging ones (KPI medians and their trend), and what was decided.

No observation without a candidate action: each metric's line names the action the decision
tables commit to when they watch that metric, or says that no rule covers it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

from bot.decisions.cycles import ActionResult
from bot.decisions.rules import Condition
from bot.kernel.words import counted

NO_RULE = "no rule covers this: add one to the next decision table"


@dataclass(frozen=True)
class RuleOutcome:
    """One rule of one publish's decision table, and whether it fired."""

    metrics: tuple[str, ...]
    text: str  # its conditions, e.g. "reach < 1000"
    action: str
    triggered: bool
    conditions: tuple[Condition, ...] = ()  # for charts: each is a threshold line


@dataclass(frozen=True)
class PublishOutcome:
    surface: str
    name: str
    starts_at: datetime
    latest: Mapping[str, float]  # latest reading per metric, from the window on
    triggered_actions: tuple[str, ...]
    decision: str | None  # what was decided, e.g. "Revise: shorter opener"
    decision_actions: tuple[str, ...]
    decided_by: str | None = None
    rules: tuple[RuleOutcome, ...] = ()


@dataclass(frozen=True)
class Observation:
    """A metric's median on a surface, with what the decision tables say to do about it."""

    metric: str
    median: float
    trend: float | None  # this period's median / the baseline's; None: no baseline
    candidate: str  # the candidate action, or NO_RULE


@dataclass(frozen=True)
class SurfaceWeek:
    surface: str
    publishes: int
    medians: dict[str, float]
    trend: dict[str, float | None]  # this period's median / the baseline's; None: no baseline
    triggered: dict[str, int]  # candidate action -> publishes it triggered on
    decisions: dict[str, int]  # what was decided -> count
    decided_actions: tuple[str, ...]
    decided: tuple[tuple[str, str], ...] = ()  # (what was decided, by whom)
    observations: tuple[Observation, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Digest:
    surfaces: list[SurfaceWeek]
    actions: list[ActionResult]  # actions taken, and how the next cycle did

    def __bool__(self) -> bool:
        return bool(self.surfaces or self.actions)


def medians_of(outcomes: Sequence[PublishOutcome]) -> dict[str, float]:
    """Per metric, the median of the publishes' latest readings."""
    values: dict[str, list[float]] = {}
    for outcome in outcomes:
        for metric, value in outcome.latest.items():
            values.setdefault(metric, []).append(value)
    return {metric: float(median(v)) for metric, v in values.items()}


def _ratio(current: float, baseline: float | None) -> float | None:
    if baseline is None or baseline == 0:
        return None
    return current / baseline


def candidate_for(metric: str, surface: str, outcomes: Sequence[PublishOutcome]) -> str:
    """The rule on `metric` that fired most often in these publishes ("reach < 1000 in 3 of 4
    LinkedIn publishes → 'change posting time' (rule of 'spring launch')"); when none fired,
    the rule that watches it; NO_RULE when no decision table watches it."""
    watching = [(o, r) for o in outcomes for r in o.rules if metric in r.metrics]
    if not watching:
        return NO_RULE
    fired: Counter[tuple[str, str]] = Counter()
    first_of: dict[tuple[str, str], str] = {}
    for outcome, rule in watching:
        key = (rule.text, rule.action)
        first_of.setdefault(key, outcome.name)
        if rule.triggered:
            fired[key] += 1
    total = len({o.name for o, _ in watching})
    if fired:
        (text, action), count = max(fired.items(), key=lambda item: (item[1], item[0]))
        return (
            f"{text} in {count} of {total} {surface} publishes → “{action}” "
            f"(rule of “{first_of[(text, action)]}”)"
        )
    _, rule = watching[0]
    publishes = counted(total, f"{surface} publish", f"{surface} publishes")
    return (
        f"no rule on it fired in {publishes}: keep going (watched by “{rule.text} → {rule.action}”)"
    )


def summarise(
    this_week: Sequence[PublishOutcome], previous: Sequence[PublishOutcome]
) -> list[SurfaceWeek]:
    """One entry per surface published on this week, alphabetical."""
    weeks = []
    for surface in sorted({o.surface for o in this_week}, key=str.lower):
        current = [o for o in this_week if o.surface == surface]
        baseline = medians_of([o for o in previous if o.surface == surface])
        medians = medians_of(current)
        trend = {m: _ratio(v, baseline.get(m)) for m, v in medians.items()}
        triggered = Counter(a for o in current for a in dict.fromkeys(o.triggered_actions))
        decisions = Counter(o.decision for o in current if o.decision)
        decided = tuple(dict.fromkeys(a for o in current if o.decision for a in o.decision_actions))
        weeks.append(
            SurfaceWeek(
                surface=surface,
                publishes=len(current),
                medians=medians,
                trend=trend,
                triggered=dict(triggered),
                decisions=dict(decisions),
                decided_actions=decided,
                decided=tuple(
                    (o.decision, o.decided_by or "") for o in current if o.decision is not None
                ),
                observations=tuple(
                    Observation(
                        metric, value, trend[metric], candidate_for(metric, surface, current)
                    )
                    for metric, value in sorted(medians.items())
                ),
            )
        )
    return weeks
