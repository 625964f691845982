"""Where a chain stands is visible: App Home names the step and what comes next; the export
lists each step sent."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.ops.export import export
from tests.conftest import START, RunningBaton
from tests.handoffs.test_lifecycle import home
from tests.policies.chains import (
    BACKUP,
    DEE,
    NEXT_OWNER,
    THREAD,
    click,
    made_under,
    policy,
    run_until,
)
from tests.publishing.test_publish_flow import command

H = timedelta(hours=1)


def handed_off_line(baton: RunningBaton) -> str:
    desk = home(baton, "U0CAI")
    return next(line for line in desk.splitlines() if "launch copy →" in line)


def test_app_home_shows_the_step_each_handoff_is_at_and_what_comes_next(
    baton_factory: Any,
) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H")
    made_under(baton, policy((0 * H, NEXT_OWNER), (H, BACKUP), (H, THREAD), repeat=2))
    assert handed_off_line(baton).endswith(
        "escalation: nothing sent yet · next: the next owner, 2026-11-24 11:00 UTC"
    )
    run_until(baton, START + 2 * H, tick=H)
    assert handed_off_line(baton).endswith(
        "escalation: step 2 of 7 (the backup) sent · next: the thread, 2026-11-24 13:00 UTC"
    )
    run_until(baton, START + timedelta(days=1), tick=H)
    assert handed_off_line(baton).endswith(
        "escalation: step 7 of 7 (the thread) sent, nothing more to come"
    )


def test_the_export_lists_each_step_sent(baton_factory: Any, tmp_path: Path) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H")
    made_under(baton, policy((0 * H, NEXT_OWNER), (H, BACKUP), (H, THREAD), repeat=1))
    run_until(baton, START + timedelta(days=1), tick=H)
    out = tmp_path / "out"
    export(baton.services.db, out, since=START - H, until=START + timedelta(days=2), fmt="jsonl")
    events = [json.loads(line) for line in (out / "handoff_events.jsonl").read_text().splitlines()]
    steps = [(e["event"], e["user_id"]) for e in events if e["event"].startswith("escalation")]
    reached = ["U0ANA", "U0BEN", "C0LAUNCH", "U0BEN", "C0LAUNCH"]  # repeat 1: no new nudge
    assert steps == [("escalation_step_sent", who) for who in reached]


def test_report_counts_handoffs_by_how_far_their_chains_went(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H")
    chain = policy((0 * H, NEXT_OWNER), (H, BACKUP), (H, THREAD))
    made_under(baton, chain)
    made_under(baton, chain, **{"Work item": "newsletter"})
    run_until(baton, START + H, tick=H)
    nudge = next(m for m in baton.standin.dms("U0ANA") if "newsletter" in m["text"])
    click(baton, nudge, "Done", "U0ANA")  # the newsletter's chain ends after its first step
    run_until(baton, START + timedelta(days=1), tick=H)
    said = command(baton, "/report", "", user="U0CAI")
    assert (
        "2 nudges, 1 escalation, 0 takeovers; escalation chains: 1 step in 1, 3 steps in 1" in said
    )


def test_app_home_of_someone_the_policy_asked_shows_the_ask(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H")
    made_under(baton, policy((0 * H, NEXT_OWNER), (H, DEE)))
    run_until(baton, START + 2 * H, tick=H)
    desk = home(baton, "U0DEE")
    assert "launch copy" in desk and "[ Take over ]" in desk, desk
