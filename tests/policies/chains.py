"""Helpers for the chain flow tests: a policy set, a handoff made over signed HTTP, and every
escalation step Slack received, with when (the stand-in stamps messages with the clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.ids import MetadataEvent
from bot.kernel.channel_roles import ChannelRoles
from bot.policies.policy import Policy, Step, Target, TargetKind
from store import channel_settings
from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import GOOD_FORM, open_modal, wait_for
from tests.policies.test_frozen import set_policy

CHANNEL = "C0LAUNCH"
NAMES = {"U0ANA": "ana", "U0BEN": "ben", "U0CAI": "cai", "U0DEE": "dee"}
NEXT_OWNER = Target(TargetKind.NEXT_OWNER)
BACKUP = Target(TargetKind.BACKUP)
OWNERS = Target(TargetKind.OWNERS)
THREAD = Target(TargetKind.THREAD)
ONCALL = Target(TargetKind.GROUP, "S0ONCALL", "launch-oncall")
DEE = Target(TargetKind.PERSON, "U0DEE", "dee")


def policy(*steps: tuple[timedelta, Target], repeat: int = 0) -> Policy:
    return Policy(tuple(Step(delay, target) for delay, target in steps), repeat=repeat)


def set_owners(baton: RunningBaton, *owners: str) -> None:
    with baton.services.db.write() as session:
        roles = ChannelRoles(tuple(owners), None, None)
        channel_settings.save(session, CHANNEL, roles, by="U0CAI", now=baton.clock.now())


def made_under(baton: RunningBaton, chain: Policy, **changes: Any) -> None:
    """The channel's policy set to `chain`, then a handoff made with the form (and changes)."""
    set_policy(baton, chain)
    dms = len(baton.standin.dms("U0ANA"))
    view = open_modal(baton)
    form = {**GOOD_FORM, **changes}
    answer = baton.slack.submit(
        view, {k: v for k, v in form.items() if v is not None}, user="U0CAI"
    )
    assert answer.status_code == 200 and "errors" not in answer.text, answer.text
    wait_for(lambda: baton.standin.dms("U0ANA"), count=dms + 1)


def key_of(message: dict[str, Any]) -> str:
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != MetadataEvent.OUTBOX:
        return ""
    return str(metadata["event_payload"]["key"])


def steps_heard(baton: RunningBaton) -> list[tuple[datetime, str, dict[str, Any]]]:
    """Every escalation step Slack received: when, to whom (a name, or "thread"), the message."""
    found: list[tuple[datetime, str, dict[str, Any]]] = []
    places = [(name, baton.standin.dms(user)) for user, name in NAMES.items()]
    places.append(("thread", baton.standin.messages(CHANNEL)))
    for where, messages in places:
        for message in messages:
            if ":step:" in key_of(message):
                at = datetime.fromtimestamp(int(message["ts"].split(".")[0]), UTC)
                found.append((at, where, message))
    return sorted(found, key=lambda heard: (heard[0], heard[2]["ts"]))


def timeline(baton: RunningBaton) -> list[tuple[datetime, str]]:
    return [(at, where) for at, where, _ in steps_heard(baton)]


def run_until(baton: RunningBaton, end: datetime, tick: timedelta = timedelta(minutes=30)) -> None:
    while baton.clock.now() < end:
        baton.clock.advance(min(tick, end - baton.clock.now()))
        baton.sweep()


def shown(baton: RunningBaton, message: dict[str, Any]) -> str:
    return baton.standin.render(message.get("blocks") or [], message.get("text", ""))


def said_to(baton: RunningBaton, where: str) -> list[str]:
    return [shown(baton, m) for _, w, m in steps_heard(baton) if w == where]


def click(baton: RunningBaton, message: dict[str, Any], button: str, user: str) -> None:
    answer = baton.slack.click(message, button, user=user, channel=message["channel"])
    assert answer.status_code == 200
