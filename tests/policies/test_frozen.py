"""Each handoff keeps the escalation policy it was made under."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import select

from bot.policies.policy import Policy, Step, Target, TargetKind
from store import channel_settings
from store.models import Handoff
from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import GOOD_FORM, open_modal

FIRST = Policy((Step(timedelta(0), Target(TargetKind.NEXT_OWNER)),))
SECOND = Policy(
    (
        Step(timedelta(0), Target(TargetKind.NEXT_OWNER)),
        Step(timedelta(hours=2), Target(TargetKind.OWNERS)),
    ),
    repeat=1,
)


def set_policy(baton: RunningBaton, policy: Policy | None) -> None:
    with baton.services.db.write() as session:
        channel_settings.save_policy(
            session,
            "C0LAUNCH",
            policy.to_json() if policy else None,
            by="U0CAI",
            now=baton.clock.now(),
        )


def hand_off(baton: RunningBaton, item: str) -> None:
    view = open_modal(baton, text=item)
    assert baton.slack.submit(view, {**GOOD_FORM, "Work item": item}, user="U0CAI").text == ""


def frozen(baton: RunningBaton) -> list[dict[str, Any] | None]:
    with baton.services.db.read() as session:
        rows = session.exec(select(Handoff).order_by(Handoff.id)).all()  # type: ignore[arg-type]
        return [row.escalation_policy for row in rows]


def test_a_handoff_keeps_its_policy_when_the_channel_changes_it(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory()
    hand_off(baton, "before any policy")
    set_policy(baton, FIRST)
    hand_off(baton, "launch copy")
    set_policy(baton, SECOND)
    hand_off(baton, "newsletter")
    assert frozen(baton) == [None, FIRST.to_json(), SECOND.to_json()]
