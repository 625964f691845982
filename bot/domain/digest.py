"""The strategy owners' week, per surface: leading signals (what was published, which rules
fired) next to lagging ones (KPI medians and their trend), and what was decided."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import median


@dataclass(frozen=True)
class PublishOutcome:
    surface: str
    name: str
    starts_at: datetime
    latest: Mapping[str, float]  # latest reading per metric
    triggered_actions: tuple[str, ...]
    decision: str | None  # repeat / revise / stop
    decision_actions: tuple[str, ...]


@dataclass(frozen=True)
class SurfaceWeek:
    surface: str
    publishes: int
    medians: dict[str, float]
    trend: dict[str, float | None]  # this period's median / the baseline's; None: no baseline
    triggered: dict[str, int]  # candidate action -> publishes it triggered on
    decisions: dict[str, int]  # choice -> count
    decided_actions: tuple[str, ...]


def _medians(outcomes: Sequence[PublishOutcome]) -> dict[str, float]:
    values: dict[str, list[float]] = {}
    for outcome in outcomes:
        for metric, value in outcome.latest.items():
            values.setdefault(metric, []).append(value)
    return {metric: float(median(v)) for metric, v in values.items()}


def _ratio(current: float, baseline: float | None) -> float | None:
    if baseline is None or baseline == 0:
        return None
    return current / baseline


def summarise(
    this_week: Sequence[PublishOutcome], previous: Sequence[PublishOutcome]
) -> list[SurfaceWeek]:
    """One entry per surface published on this week, alphabetical."""
    weeks = []
    for surface in sorted({o.surface for o in this_week}, key=str.lower):
        current = [o for o in this_week if o.surface == surface]
        baseline = _medians([o for o in previous if o.surface == surface])
        medians = _medians(current)
        triggered = Counter(a for o in current for a in dict.fromkeys(o.triggered_actions))
        decisions = Counter(o.decision for o in current if o.decision)
        decided = tuple(dict.fromkeys(a for o in current if o.decision for a in o.decision_actions))
        weeks.append(
            SurfaceWeek(
                surface=surface,
                publishes=len(current),
                medians=medians,
                trend={m: _ratio(v, baseline.get(m)) for m, v in medians.items()},
                triggered=dict(triggered),
                decisions=dict(decisions),
                decided_actions=decided,
            )
        )
    return weeks
