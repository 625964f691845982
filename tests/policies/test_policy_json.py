"""A policy frozen on a handoff reads back as it was written."""

from __future__ import annotations

from datetime import timedelta

from bot.policies.policy import Policy, Step, Target, TargetKind


def test_a_policy_survives_json_as_it_was() -> None:
    policy = Policy(
        steps=(
            Step(timedelta(0), Target(TargetKind.NEXT_OWNER)),
            Step(timedelta(hours=2), Target(TargetKind.BACKUP)),
            Step(timedelta(days=1), Target(TargetKind.GROUP, "S0ONCALL", "launch-oncall")),
            Step(timedelta(seconds=30), Target(TargetKind.THREAD)),
        ),
        repeat=2,
    )
    assert Policy.from_json(policy.to_json()) == policy
