"""The decision-rule grammar and its evaluation: no Slack, no database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.decisions.kpis import METRICS
from bot.decisions.rules import Condition, Op, Rule, evaluate, parse_rules, render_rule

conditions = st.builds(
    Condition,
    metric=st.sampled_from(sorted(METRICS)),
    op=st.sampled_from(list(Op)),
    threshold=st.floats(allow_nan=False, allow_infinity=False),
)
actions = (
    st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=60)
    .map(lambda text: " ".join(text.split()))
    .filter(bool)
)
rules = st.builds(
    Rule, conditions=st.lists(conditions, min_size=1, max_size=4).map(tuple), action=actions
)


@given(rules)
def test_a_rendered_rule_parses_back_to_itself(rule: Rule) -> None:
    parsed, errors = parse_rules(render_rule(rule))
    assert errors == [] and parsed == [rule]


def test_a_table_reads_one_rule_per_line_skipping_blanks_and_bullets() -> None:
    text = (
        "engagement_rate < 0.02 -> rewrite the hook\n\n"
        "• reach >= 1000 AND clicks > 50 → repeat on Thursday\n"
        "- conversions = 0 -> stop the campaign"
    )
    parsed, errors = parse_rules(text)
    assert errors == []
    assert parsed == [
        Rule((Condition("engagement_rate", Op.LT, 0.02),), "rewrite the hook"),
        Rule(
            (Condition("reach", Op.GE, 1000), Condition("clicks", Op.GT, 50)),
            "repeat on Thursday",
        ),
        Rule((Condition("conversions", Op.EQ, 0),), "stop the campaign"),
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("reach > 100", "candidate action"),
        ("reach > 100 ->   ", "candidate action"),
        ("vibes > 3 -> celebrate", "unknown metric “vibes”"),
        ("reach >>= 5 -> repeat", "->"),
        ("reach > lots -> repeat", "must be a number"),
        ("-> repeat", "condition"),
        ("reach > 100 and -> repeat", "couldn't read"),
    ],
)
def test_a_bad_line_is_refused_with_its_number_and_the_fix(line: str, expected: str) -> None:
    parsed, errors = parse_rules(f"reach > 1 -> fine\n{line}")
    assert len(parsed) == 1
    assert [e.line for e in errors] == [2]
    assert expected in errors[0].message


def test_a_rule_triggers_only_when_every_condition_holds() -> None:
    rule = Rule(
        (Condition("engagement_rate", Op.LT, 0.02), Condition("reach", Op.GE, 1000)),
        "rewrite the hook",
    )
    assert evaluate([rule], {"engagement_rate": 0.012, "reach": 1500})[0].triggered
    assert not evaluate([rule], {"engagement_rate": 0.03, "reach": 1500})[0].triggered


def test_a_metric_without_reading_is_missing_not_false() -> None:
    rule = Rule(
        (Condition("engagement_rate", Op.LT, 0.02), Condition("click_through_rate", Op.LT, 0.01)),
        "fix the link",
    )
    [result] = evaluate([rule], {"engagement_rate": 0.01})
    assert not result.triggered
    assert result.missing == ("click_through_rate",)
    assert [c.holds for c in result.conditions] == [True, None]


@pytest.mark.parametrize(
    ("op", "value", "holds"),
    [
        (Op.LT, 1.0, False),
        (Op.LE, 1.0, True),
        (Op.GT, 1.0, False),
        (Op.GE, 1.0, True),
        (Op.EQ, 1.0, True),
        (Op.EQ, 0.1 + 0.2 - 0.2, True),  # float noise is still equal
        (Op.EQ, 1.01, False),
    ],
)
def test_each_operator_compares_against_the_threshold(op: Op, value: float, holds: bool) -> None:
    threshold = 0.1 if value == 0.1 + 0.2 - 0.2 else 1.0
    [result] = evaluate([Rule((Condition("reach", op, threshold),), "act")], {"reach": value})
    assert result.conditions[0].holds is holds
