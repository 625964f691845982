"""Cycle rules: which earlier publish a numbered name follows, and which way is better."""

from __future__ import annotations

from bot.decisions.cycles import Earlier, better, earlier_names, preselect
from bot.decisions.rules import Op


def test_a_trailing_number_points_at_the_cycle_before() -> None:
    assert earlier_names("spring launch 2") == ["spring launch 1", "spring launch"]
    assert earlier_names("spring  launch #3")[:2] == ["spring launch 2", "spring launch 1"]
    assert earlier_names("spring launch") == []
    launches = [Earlier(1, "Spring Launch", "LinkedIn"), Earlier(2, "spring launch 2", "X")]
    assert preselect("spring launch 3", launches) == launches[1]
    assert preselect("spring launch 2", launches) == launches[0]
    assert preselect("autumn 2", launches) is None


def test_better_means_away_from_what_triggered_the_rule() -> None:
    assert better(Op.LT, 0.011, 0.019) is True  # fired on low: higher is better
    assert better(Op.GE, 500.0, 400.0) is True  # fired on high: lower is better
    assert better(Op.LE, 10.0, 5.0) is False
    assert better(Op.EQ, 1.0, 2.0) is None and better(Op.LT, 1.0, 1.0) is None
