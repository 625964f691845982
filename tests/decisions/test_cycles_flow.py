"""Each cycle learns from the last, over two weekly cycles with a manual clock: the next
publish follows the first, shows its decision, compares KPIs in its prompt, and the digest
says whether the action taken improved the metric its rule watched."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

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
    revise,
)

__all__ = ["baton"]


def replies(baton: RunningBaton) -> list[dict[str, Any]]:
    return [m for m in baton.standin.messages("C0LAUNCH") if m.get("thread_ts")]


def posts(baton: RunningBaton) -> list[str]:
    return [
        baton.standin.render(m["blocks"], m["text"])
        for m in baton.standin.messages("C0LAUNCH")
        if not m.get("thread_ts")
    ]


def test_the_next_cycle_follows_compares_and_the_digest_judges_the_action(
    baton: RunningBaton,
) -> None:
    assert baton.slack.submit(open_publish(baton), FORM, user="U0ANA").text == ""
    baton.clock.set(datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
    command(baton, "/kpi", '"spring launch" engagement_rate=0.011 reach=800')
    advance_to(baton, datetime(2026, 11, 25, 11, 0, tzinfo=UTC))
    assert revise(baton, replies(baton)[0], "U0ANA", {"Action": "rewrite the hook"}).text == ""

    view = open_publish(baton, "spring launch 2")
    follows = next(b for b in view["blocks"] if b.get("label", {}).get("text") == "Follows")
    assert follows["element"]["initial_option"]["text"]["text"] == "spring launch (LinkedIn)"
    second = {**FORM, "Name": "spring launch 2", "Posting window": "2026-12-01 12:00-14:00"}
    wrong = errors_of(baton.slack.submit(view, {**second, "Surface": "X"}, user="U0ANA"))
    assert "same surface" in wrong["follows"]
    assert baton.slack.submit(view, second, user="U0ANA").text == ""
    wait_for(lambda: posts(baton), count=2)
    assert "Follows: spring launch: Revise: rewrite the hook, decided by @ana" in posts(baton)[1]

    baton.clock.set(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    command(baton, "/kpi", '"spring launch 2" engagement_rate=0.019 reach=900')
    advance_to(baton, datetime(2026, 12, 2, 11, 0, tzinfo=UTC))
    prompt = baton.standin.render(replies(baton)[-1]["blocks"])
    assert (
        "Since the last cycle (spring launch): engagement_rate 0.011 → 0.019, reach 800 → 900 "
        "after “rewrite the hook”"
    ) in prompt

    advance_to(baton, datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    digests = posts_in(baton, "C0STRATEGY")
    digest = baton.standin.render(digests[-1]["blocks"], digests[-1]["text"])
    assert (
        "“rewrite the hook” on spring launch: engagement_rate 0.011 → 0.019 in "
        "spring launch 2 (improved)"
    ) in digest
