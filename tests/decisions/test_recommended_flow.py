"""The decision prompt's recommended action is the primary button, over signed HTTP against
the stand-in; the weekly digest recommends the same."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import wait_for
from tests.publishing.test_publish_flow import (
    DECISION_DUE,
    FORM,
    advance_to,
    baton,
    log_in_window,
    posts_in,
    publish,
    thread,
)

__all__ = ["baton"]


def published_with(baton: RunningBaton, rules: str) -> None:
    response = publish(baton, **{"Decision rules": rules})
    assert response.status_code == 200 and "errors" not in response.text
    wait_for(lambda: baton.standin.messages("C0LAUNCH"))


def prompt_after(baton: RunningBaton, readings: str) -> tuple[str, dict[str, Any]]:
    log_in_window(baton, readings)
    advance_to(baton, DECISION_DUE)
    [prompt] = thread(baton)
    [buttons] = [b for b in prompt["blocks"] if b["type"] == "actions"]
    styles = {b["text"]["text"]: b.get("style") for b in buttons["elements"]}
    return baton.standin.render(prompt["blocks"], prompt["text"]), styles


def test_a_triggered_rule_makes_its_action_the_primary_button(baton: RunningBaton) -> None:
    published_with(
        baton, "engagement_rate < 0.02 -> revise opening line\nreach < 100 -> stop the series"
    )
    text, styles = prompt_after(baton, "reach=1500 engagement_rate=0.012")
    assert "Recommended: Revise — revise opening line" in text
    assert "Triggered:" not in text
    assert styles == {"Repeat": None, "Revise": "primary", "Stop": "danger"}
    # The same in the weekly digest, over the surface's week.
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    advance_to(baton, monday)
    advance_to(baton, monday + timedelta(hours=1))
    [digest] = posts_in(baton, "C0STRATEGY")
    said = baton.standin.render(digest["blocks"], digest["text"])
    assert "• Recommended: Revise — revise opening line ×1" in said


def test_nothing_triggered_keeps_repeat_primary(baton: RunningBaton) -> None:
    published_with(baton, FORM["Decision rules"])
    text, styles = prompt_after(baton, "reach=500 engagement_rate=0.05 click_through_rate=0.02")
    assert "Recommended: Repeat — no rule triggered" in text
    assert styles == {"Repeat": "primary", "Revise": None, "Stop": "danger"}


def test_a_triggered_stop_is_the_one_primary_button(baton: RunningBaton) -> None:
    published_with(
        baton, "reach < 100 -> stop the series\nengagement_rate < 0.02 -> shorter opener"
    )
    text, styles = prompt_after(baton, "reach=50 engagement_rate=0.01")
    assert "Recommended: Stop — stop the series" in text
    assert styles == {"Repeat": None, "Revise": None, "Stop": "primary"}
