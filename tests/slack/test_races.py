"""Races decided once, on PostgreSQL (SQLite serialises writers with BEGIN IMMEDIATE): many
first-time people submitting at once, and two people clicking opposite buttons at once. The
database, the message in Slack and both people's replies agree on who won."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import func, select

from bot.kernel.channel_roles import ChannelRoles
from bot.publishing.cards import prompt_key
from store import outbox
from store.models import ChannelGuardrail, Handoff, Publish
from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import GOOD_FORM, open_modal
from tests.publishing.test_publish_flow import FORM as PUBLISH_FORM
from tests.publishing.test_publish_flow import open_publish
from tests.slack.test_ack_path import unsettled

TRIES = 15


@pytest.fixture
def baton(baton_factory: Any, postgres_url: str) -> RunningBaton:
    running: RunningBaton = baton_factory(postgres_url)
    return running


def rendered(baton: RunningBaton, message: dict[str, Any]) -> str:
    return baton.standin.render(message.get("blocks") or [], message.get("text", ""))


def at_once(calls: list[Any]) -> list[Any]:
    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def test_fifty_first_time_people_submitting_at_once_are_all_stored_and_posted(
    baton: RunningBaton,
) -> None:
    people = [f"U1{n:04d}" for n in range(50)]
    for user in people:
        baton.standin.add_user(user, f"person{user}", tz="Europe/Paris")
    views = [open_modal(baton, text=f"item {n}", user=user) for n, user in enumerate(people)]
    driver = unsettled(baton)
    # Everyone hands off to someone Baton has never seen, all naming the same new backup.
    baton.standin.add_user("U0NEWBACKUP", "newbackup", tz="UTC")
    forms = [
        {
            **GOOD_FORM,
            "Work item": f"item {n}",
            "Next owner": people[(n + 1) % 50],
            "Backup owner": "U0NEWBACKUP",
        }
        for n in range(50)
    ]
    answers = at_once(
        [
            lambda v=view, f=form, u=user: driver.submit(v, f, user=u)
            for view, form, user in zip(views, forms, people, strict=True)
        ]
    )
    assert [(a.status_code, a.text) for a in answers] == [(200, "")] * 50
    assert baton.services.settle(timeout=30)
    with baton.services.db.read() as session:
        assert session.exec(select(func.count()).select_from(Handoff)).one() == 50
    posts = [m for m in baton.standin.messages("C0LAUNCH") if not m.get("thread_ts")]
    assert len(posts) == 50
    assert all(len(baton.standin.dms(user)) == 1 for user in people)


def publish_with_prompts(baton: RunningBaton) -> list[dict[str, Any]]:
    """TRIES publishes on consecutive days, each with its decision prompt in its thread."""
    for day in range(TRIES):
        start = 24 + day
        month_day = f"2026-11-{start}" if start <= 30 else f"2026-12-{start - 30:02d}"
        form = {
            **PUBLISH_FORM,
            "Name": f"launch {day}",
            "Posting window": f"{month_day} 12:00-14:00",
        }
        answer = baton.slack.submit(open_publish(baton, f"launch {day}"), form, user="U0ANA")
        assert answer.text == "", answer.text
    baton.clock.advance(timedelta(days=TRIES + 2))
    baton.sweep()
    prompts = [
        m
        for m in baton.standin.messages("C0LAUNCH")
        if m.get("thread_ts") and any(b.get("type") == "actions" for b in m.get("blocks") or [])
    ]
    assert len(prompts) == TRIES
    return prompts


def test_two_owners_deciding_at_once_get_one_decision_everywhere(baton: RunningBaton) -> None:
    prompts = publish_with_prompts(baton)
    driver = unsettled(baton)
    for prompt in prompts:
        at_once(
            [
                lambda p=prompt: driver.click(p, "Repeat", user="U0ANA", channel="C0LAUNCH"),
                lambda p=prompt: driver.click(p, "Stop", user="U0BEN", channel="C0LAUNCH"),
            ]
        )
    assert baton.services.settle(timeout=30)
    with baton.services.db.read() as session:
        by_prompt = {
            row.sent_ts: (publish.decision, publish.decided_by)
            for publish in session.exec(select(Publish))
            for row in [outbox.find(session, prompt_key(publish.id or 0))]
            if row is not None
        }
    shown = {m["ts"]: rendered(baton, m) for m in baton.standin.messages("C0LAUNCH")}
    for prompt in prompts:
        choice, by = by_prompt[prompt["ts"]]
        assert f"{str(choice).title()}, decided by <@{by}>" in shown[prompt["ts"]].replace(
            "@ana", "<@U0ANA>"
        ).replace("@ben", "<@U0BEN>")
    # Each try has one loser, told exactly who won; the winner is told nothing.
    won_by = {by for _, by in by_prompt.values()}
    assert won_by <= {"U0ANA", "U0BEN"}
    for loser, winner, choice in (("U0ANA", "U0BEN", "Stop"), ("U0BEN", "U0ANA", "Repeat")):
        told = [e["text"] for e in baton.standin.ephemerals(loser)]
        assert all(t.startswith(f"Already decided: {choice} by <@{winner}>") for t in told), told
        assert len(told) == sum(1 for _, by in by_prompt.values() if by == winner)


def guardrail_proposals(baton: RunningBaton) -> list[tuple[str, dict[str, Any]]]:
    """One proposal in each of TRIES channels (a failure declared twice in each)."""
    for n in range(TRIES):
        channel = f"C0RACE{n:02d}"
        baton.standin.add_channel(channel, f"race-{n}")
        for item in ("copy", "newsletter"):
            text = f'"{item}" on "metadata" because no UTM labels'
            assert baton.slack.command("/blocked", text, user="U0CAI", channel=channel).ok
        # ana and ben own every channel: they may decide its guardrails.
        roles = ChannelRoles(("U0ANA", "U0BEN"), None, None)
        baton.services.channel_settings.save(channel, roles, by="U0ANA", is_admin=True)
    baton.sweep()
    found = []
    for n in range(TRIES):
        channel = f"C0RACE{n:02d}"
        [proposal] = [
            m for m in baton.standin.messages(channel) if "happened twice" in rendered(baton, m)
        ]
        found.append((channel, proposal))
    return found


def test_enable_and_dismiss_at_once_decide_once_everywhere(baton: RunningBaton) -> None:
    proposals = guardrail_proposals(baton)
    driver = unsettled(baton)
    for channel, proposal in proposals:
        at_once(
            [
                lambda c=channel, p=proposal: driver.click(p, "Enable", user="U0BEN", channel=c),
                lambda c=channel, p=proposal: driver.click(p, "Dismiss", user="U0ANA", channel=c),
            ]
        )
    assert baton.services.settle(timeout=30)
    with baton.services.db.read() as session:
        rows = {g.channel_id: g for g in session.exec(select(ChannelGuardrail))}
    for channel, proposal in proposals:
        row = rows[channel]
        [message] = [m for m in baton.standin.messages(channel) if m["ts"] == proposal["ts"]]
        shown = rendered(baton, message)
        winner, loser = ("U0BEN", "U0ANA") if row.state == "enabled" else ("U0ANA", "U0BEN")
        assert row.decided_by == winner
        assert f"{row.state.title()} by @{baton.standin.name_of(winner)}" in shown, shown
        told = [e["text"] for e in baton.standin.ephemerals(loser) if e["channel"] == channel]
        assert len(told) == 1 and f"Already decided: {row.state}" in told[0], told
        assert f"<@{winner}>" in told[0]
        assert not [e for e in baton.standin.ephemerals(winner) if e["channel"] == channel]
