"""/baton settings: roles per channel. The owners guard the settings, the decision delay moves
the prompt, and the weekly digest goes to each channel's strategy channel, never empty."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import wait_for
from tests.publishing.test_publish_flow import (
    FORM,
    advance_to,
    baton,
    command,
    errors_of,
    open_publish,
    posts_in,
    thread,
)

__all__ = ["baton"]
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def open_settings(baton: RunningBaton, user: str = "U0ANA") -> dict[str, Any]:
    opened = len(baton.standin.calls_to("views.open"))
    assert baton.slack.command("/baton", "settings", user=user).status_code == 200
    wait_for(lambda: baton.standin.calls_to("views.open"), count=opened + 1)
    return baton.slack.last_view()


def save_settings(baton: RunningBaton, form: dict[str, Any]) -> requests.Response:
    return baton.slack.submit(open_settings(baton), form, user="U0ANA")


def publish_in(baton: RunningBaton, channel: str, **changes: Any) -> None:
    opened = len(baton.standin.calls_to("views.open"))
    baton.slack.command("/publish", "", user="U0ANA", channel=channel)
    wait_for(lambda: baton.standin.calls_to("views.open"), count=opened + 1)
    answer = baton.slack.submit(baton.slack.last_view(), {**FORM, **changes}, user="U0ANA")
    assert answer.text == "", answer.text


def test_settings_are_the_owners_to_change(baton: RunningBaton) -> None:
    view = open_settings(baton)
    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    assert labels == [
        "Channel owners",
        "Strategy channel",
        "Decision delay",
        "Backup rotation",
        "Rotation changes",
        "Rotation change hour",
        "Rotation time zone",
        "Escalation policy",
    ]
    bad = errors_of(baton.slack.submit(view, {"Decision delay": "soon"}, user="U0ANA"))
    assert "24h" in bad["decision_delay"]
    baton.standin.add_channel("C0PRODUCT", "product")
    saved = save_settings(
        baton,
        {"Channel owners": ["U0ANA"], "Strategy channel": "C0PRODUCT", "Decision delay": "2h"},
    )
    assert saved.text == ""
    wait_for(lambda: baton.standin.ephemerals("U0ANA"))
    confirmed = baton.standin.ephemerals("U0ANA")[-1]["text"]
    assert "owners <@U0ANA>" in confirmed and "<#C0PRODUCT>" in confirmed and "2h" in confirmed
    again = open_settings(baton)
    owners = next(b for b in again["blocks"] if b.get("block_id") == "owners")
    assert owners["element"]["initial_users"] == ["U0ANA"]
    refused = command(baton, "/baton", "settings", user="U0CAI")
    assert "Only this channel's owners (@ana) or a workspace admin" in refused
    assert "Usage: `/baton settings`" in command(baton, "/baton", "", user="U0CAI")


def test_the_channel_decision_delay_moves_the_prompt(baton: RunningBaton) -> None:
    assert save_settings(baton, {"Decision delay": "2h"}).text == ""
    assert baton.slack.submit(open_publish(baton), FORM, user="U0ANA").text == ""
    opens = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
    advance_to(baton, opens + timedelta(hours=1, minutes=59))
    assert thread(baton) == []
    advance_to(baton, opens + timedelta(hours=2))
    assert len(thread(baton)) == 1
    # The reminder keeps the channel's pace too: two hours after the prompt, not 24.
    advance_to(baton, opens + timedelta(hours=4))
    reminders = [
        m for m in baton.standin.dms("U0ANA") if "needs a Repeat / Revise / Stop" in m["text"]
    ]
    assert len(reminders) == 1


def test_each_digest_goes_to_its_strategy_channel_and_never_empty(baton: RunningBaton) -> None:
    baton.standin.add_channel("C0PRODUCT", "product")
    baton.standin.add_channel("C0OTHER", "other")
    assert save_settings(baton, {"Strategy channel": "C0PRODUCT"}).text == ""
    publish_in(baton, "C0LAUNCH")
    publish_in(baton, "C0OTHER", Name="other launch", Surface="X")
    advance_to(baton, MONDAY)
    to_product = [baton.standin.render(m["blocks"]) for m in posts_in(baton, "C0PRODUCT")]
    to_default = [baton.standin.render(m["blocks"]) for m in posts_in(baton, "C0STRATEGY")]
    assert len(to_product) == 1 and "LinkedIn: 1 publish" in to_product[0]
    assert "X:" not in to_product[0]
    assert len(to_default) == 1 and "X: 1 publish" in to_default[0]
    assert "LinkedIn" not in to_default[0]
    advance_to(baton, MONDAY + timedelta(weeks=1))  # nothing published that week
    assert len(posts_in(baton, "C0PRODUCT")) == 1
    assert len(posts_in(baton, "C0STRATEGY")) == 1
