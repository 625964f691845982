"""What the rules recommend after a publish, and which button that makes primary: no Slack, no
database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.decisions.choices import (
    Choice,
    CountedReadings,
    Recommendation,
    choice_of,
    recommended,
)
from bot.decisions.messages import decision_buttons, decision_prompt
from bot.decisions.rules import evaluate, parse_rules
from bot.kernel.windows import Window
from bot.publishing.messages import PublishCard
from bot.slack_standin.blocks import check_blocks

AT = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("action", "choice"),
    [
        ("revise opening line", Choice.REVISE),
        ("shorter opener", Choice.REVISE),
        ("Stop the series", Choice.STOP),
        ("stop", Choice.STOP),
        ("repeat next week on X", Choice.REPEAT),
        ("stopgap copy for the landing page", Choice.REVISE),  # a word, not a prefix
        ("  ", Choice.REVISE),
    ],
)
def test_a_candidate_action_is_taken_up_with_its_own_button(action: str, choice: Choice) -> None:
    assert choice_of(action) is choice


def test_nothing_triggered_recommends_repeat() -> None:
    assert recommended([]) == Recommendation(Choice.REPEAT)


def test_the_strongest_triggered_call_wins_with_its_actions() -> None:
    assert recommended(["revise opening line"]) == Recommendation(
        Choice.REVISE, ("revise opening line",)
    )
    assert recommended(["repeat on X", "shorter opener", "shorter opener"]) == Recommendation(
        Choice.REVISE, ("shorter opener",)
    )
    assert recommended(["shorter opener", "stop the series"]) == Recommendation(
        Choice.STOP, ("stop the series",)
    )
    assert recommended(["repeat on X"]) == Recommendation(Choice.REPEAT, ("repeat on X",))


def prompt(rules: str, readings: dict[str, float]) -> tuple[str, dict[str, Any]]:
    parsed, errors = parse_rules(rules)
    assert errors == []
    card = PublishCard(
        id=7,
        name="spring launch",
        link="https://example.com/p",
        surface="LinkedIn",
        owner_id="U0ANA",
        backup_owner_id="U0BEN",
        window=Window(AT - timedelta(days=1), AT - timedelta(hours=22)),
        rules=tuple(parsed),
        created_by="U0ANA",
    )
    counted = CountedReadings({m: (v, AT) for m, v in readings.items()}, {})
    message = decision_prompt(card, evaluate(parsed, counted.values), counted)
    blocks = list(message.blocks)
    buttons = next(b for b in blocks if b["type"] == "actions")["elements"]
    styles = {b["text"]["text"]: b.get("style") for b in buttons}
    return blocks[0]["text"]["text"], styles


def test_the_recommended_button_is_the_one_primary_button() -> None:
    text, styles = prompt(
        "engagement_rate < 0.02 -> revise opening line", {"engagement_rate": 0.01}
    )
    assert "*Recommended:* Revise — revise opening line" in text
    assert "Triggered:" not in text
    assert styles == {"Repeat": None, "Revise": "primary", "Stop": "danger"}

    text, styles = prompt("engagement_rate < 0.02 -> revise opening line", {"engagement_rate": 0.5})
    assert "*Recommended:* Repeat — no rule triggered" in text
    assert styles == {"Repeat": "primary", "Revise": None, "Stop": "danger"}

    text, styles = prompt("reach < 100 -> stop the series", {"reach": 20})
    assert "*Recommended:* Stop — stop the series" in text
    assert styles == {"Repeat": None, "Revise": None, "Stop": "primary"}


def test_buttons_drawn_without_a_recommendation_have_no_primary() -> None:
    card = PublishCard(
        id=7,
        name="spring launch",
        link="https://example.com/p",
        surface="LinkedIn",
        owner_id="U0ANA",
        backup_owner_id="U0BEN",
        window=Window(AT - timedelta(days=1), AT - timedelta(hours=22)),
        rules=(),
        created_by="U0ANA",
    )
    styles = [b.get("style") for b in decision_buttons(card, 0).to_dict()["elements"]]
    assert styles == [None, None, "danger"]


def test_the_stand_in_refuses_a_button_style_slack_does_not_have() -> None:
    """Slack's button `style` is "primary" or "danger" (or absent); it recommends one primary
    per set but does not refuse two, so the stand-in refuses only other values."""
    button = {"type": "button", "text": {"type": "plain_text", "text": "Revise"}, "action_id": "a"}
    actions = {"type": "actions", "elements": [{**button, "style": "success"}]}
    assert any("primary or danger" in e for e in check_blocks([actions], limit=50))
    for style in ("primary", "danger"):
        fine = {"type": "actions", "elements": [{**button, "style": style}]}
        assert check_blocks([fine], limit=50) == []
