"""The decision loop: plan the prompt after the window, chase an open decision, record
(and change) what the owner or backup owner decided."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.clock import Clock
from bot.decisions import messages as views
from bot.decisions.choices import Choice, CountedReadings, Decision, may_decide, revision
from bot.decisions.rules import RuleResult, evaluate
from bot.guardrails.recording import Failure, FailureRecorder
from bot.kernel.channel_roles import MIN_DELAY
from bot.kernel.mrkdwn import md
from bot.kernel.text import Message
from bot.kernel.working_hours import WorkingHours
from bot.outbox import intents, messages
from bot.people.hours import hours_for
from bot.publishing.cards import card_of, decision_of, decision_to_json, earlier_decisions, post_key
from bot.publishing.messages import PublishCard
from bot.publishing.posts import previous_cycle
from store import outbox, publishes
from store.db import Database
from store.models import OutboxOp, Publish
from store.types import as_utc


@dataclass(frozen=True)
class Decided:
    card: PublishCard
    decision: Decision
    send_now: list[str]
    changed_from: Decision | None  # the decision this one replaced


@dataclass(frozen=True)
class AlreadyDecided:
    """The click came from a message that was out of date, or repeats the decision."""

    decision: Decision


@dataclass(frozen=True)
class NotAllowed:
    card: PublishCard


@dataclass(frozen=True)
class ReviseOptions:
    card: PublishCard
    triggered: tuple[str, ...]
    revision: int


def _readings(session: Session, publish: Publish, until: datetime) -> CountedReadings:
    assert publish.id is not None
    start = as_utc(publish.window_start)
    return CountedReadings(
        counted=publishes.latest_readings(session, publish.id, since=start, until=until),
        before_window=publishes.latest_readings(session, publish.id, before=start),
    )


def evaluated(
    session: Session, publish: Publish, until: datetime
) -> tuple[PublishCard, list[RuleResult], CountedReadings]:
    """The publish's rules against the readings logged until `until`."""
    card = card_of(publish)
    readings = _readings(session, publish, until)
    return card, evaluate(card.rules, readings.values), readings


class DecisionService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        hours: WorkingHours,
        failures: FailureRecorder,
    ) -> None:
        self.db = db
        self.clock = clock
        self.hours = hours
        self.failures = failures

    def plan(self, tz_of: Callable[[str], str | None]) -> int:
        """Enqueue what is due: decision prompts (with the missing-KPI DM), then reminders
        for undecided prompts."""
        return self._plan_prompts(tz_of) + self._plan_reminders(tz_of)

    def _evaluate(
        self, session: Session, publish: Publish, until: datetime
    ) -> tuple[PublishCard, list[RuleResult], CountedReadings]:
        return evaluated(session, publish, until)

    def _prompt(
        self,
        session: Session,
        publish: Publish,
        until: datetime,
        **decided: Any,
    ) -> tuple[PublishCard, list[RuleResult], Message]:
        card, results, readings = self._evaluate(session, publish, until)
        message = views.decision_prompt(
            card, results, readings, previous=previous_cycle(session, publish), **decided
        )
        return card, results, message

    def _plan_prompts(self, tz_of: Callable[[str], str | None]) -> int:
        now = self.clock.now()
        with self.db.read() as session:
            due = publishes.due_prompts(session, now=now)
        added = 0
        for publish in due:
            assert publish.id is not None
            with self.db.read() as session:
                card, results, prompt = self._prompt(session, publish, now)
            missing = sorted({m for r in results for m in r.missing})
            owner_zone = tz_of(card.owner_id) if missing else None
            with self.db.write() as session:
                fresh = session.get(Publish, publish.id)
                if fresh is None or fresh.prompted_at is not None:
                    continue  # another sweeper got there first
                fresh.prompted_at = now
                session.add(fresh)
                added += outbox.enqueue(
                    session,
                    messages.new(
                        intents.DecisionPrompt(publish_id=publish.id),
                        target=publish.channel_id,
                        parent=intents.PublishPost(publish_id=publish.id),
                        text=prompt.text,
                        blocks=prompt.blocks,
                        due_at=now,
                        notify_on_failure=card.owner_id,
                    ),
                    now=now,
                )
                if missing:
                    self.failures.note(
                        session,
                        Failure(
                            channel_id=publish.channel_id,
                            class_id="missing_kpi",
                            ref=f"publish:{publish.id}:missing-kpis",
                            where=md(
                                "decision prompt for “",
                                publish.name,
                                "” had no ",
                                ", ".join(missing),
                            ),
                            at=now,
                            source_key=post_key(publish.id),
                            people=(publish.owner_id, publish.backup_owner_id),
                        ),
                    )
                if missing:
                    dm = views.missing_kpis_dm(card, missing)
                    owner = hours_for(session, card.owner_id, owner_zone, self.hours)
                    added += outbox.enqueue(
                        session,
                        messages.new(
                            intents.MissingKpis(publish_id=publish.id),
                            target=card.owner_id,
                            text=dm.text,
                            blocks=dm.blocks,
                            due_at=owner.plan(now),
                        ),
                        now=now,
                    )
        return added

    def _plan_reminders(self, tz_of: Callable[[str], str | None]) -> int:
        now = self.clock.now()
        with self.db.read() as session:
            waiting = publishes.undecided_since(session, before=now - MIN_DELAY)
        added = 0
        for publish in waiting:
            assert publish.id is not None and publish.prompted_at is not None
            prompted_at = as_utc(publish.prompted_at)
            # The channel's delay (/baton settings) as it was when the publish was recorded.
            delay = as_utc(publish.decision_due_at) - max(
                as_utc(publish.window_start), as_utc(publish.created_at)
            )
            to_backup = publish.reminders_sent >= 1
            if prompted_at > now - (2 if to_backup else 1) * delay:
                continue
            card = card_of(publish)
            recipient = card.backup_owner_id if to_backup else card.owner_id
            zone = tz_of(recipient)
            message = views.decision_reminder_dm(card, to_backup=to_backup, since=prompted_at)
            with self.db.write() as session:
                fresh = session.get(Publish, publish.id)
                if (
                    fresh is None
                    or fresh.decision
                    or fresh.reminders_sent != publish.reminders_sent
                ):
                    continue
                fresh.reminders_sent += 1
                session.add(fresh)
                reader = hours_for(session, recipient, zone, self.hours)
                added += outbox.enqueue(
                    session,
                    messages.new(
                        intents.DecisionReminder(publish_id=publish.id, to_backup=to_backup),
                        target=recipient,
                        text=message.text,
                        blocks=message.blocks,
                        due_at=reader.plan(now),
                        # linked: the buttons are there
                        after=intents.DecisionPrompt(publish_id=publish.id),
                    ),
                    now=now,
                )
        return added

    # -- deciding -----------------------------------------------------------------------

    def revise_options(
        self, publish_id: int, *, by: str, seen_revision: int
    ) -> ReviseOptions | NotAllowed | AlreadyDecided | None:
        """What a Revise may take up (the triggered actions), before asking which."""
        now = self.clock.now()
        with self.db.read() as session:
            publish = session.get(Publish, publish_id)
            if publish is None:
                return None
            card, results, _ = self._evaluate(session, publish, now)
            current = decision_of(publish)
            made = revision(current, earlier_decisions(publish))
        if not may_decide(by, owner_id=card.owner_id, backup_owner_id=card.backup_owner_id):
            return NotAllowed(card)
        if current is not None and made != seen_revision:
            return AlreadyDecided(current)
        triggered = tuple(dict.fromkeys(r.rule.action for r in results if r.triggered))
        return ReviseOptions(card, triggered, made)

    def decide(
        self,
        publish_id: int,
        *,
        by: str,
        choice: Choice,
        action: str | None = None,
        seen_revision: int = 0,
    ) -> Decided | NotAllowed | AlreadyDecided | None:
        """Record the owner's (or backup owner's) decision, or change it; `seen_revision` is
        how many decisions the clicked message showed, so a click that raced another one is
        told what won instead of overwriting it. None when the publish is gone."""
        now = self.clock.now()
        with self.db.write() as session:
            # Row-locked: of two people clicking at once, the second sees the first's choice.
            publish = session.get(Publish, publish_id, with_for_update=True)
            if publish is None:
                return None
            card = card_of(publish)
            if not may_decide(by, owner_id=card.owner_id, backup_owner_id=card.backup_owner_id):
                return NotAllowed(card)
            current = decision_of(publish)
            earlier = earlier_decisions(publish)
            made = revision(current, earlier)
            if current is not None and (
                made != seen_revision
                or (current.choice is choice and current.action == (action or None))
            ):
                return AlreadyDecided(current)
            decision = Decision(choice, action or None, by, now)
            if current is not None:
                earlier.append(current)
                publish.decision_history = [decision_to_json(d) for d in earlier]
            publish.decision, publish.decided_by, publish.decided_at = choice.value, by, now
            publish.decision_action = decision.action
            publish.decision_actions = [decision.action] if decision.action else []
            session.add(publish)
            _, _, message = self._prompt(
                session,
                publish,
                now,
                decision=decision,
                earlier=tuple(earlier),
                revision=made + 1,
            )
            update = messages.new(
                intents.DecisionUpdate(publish_id=publish_id, number=made + 1),
                target=publish.channel_id,
                op=OutboxOp.UPDATE,
                parent=intents.DecisionPrompt(publish_id=publish_id),
                text=message.text,
                blocks=message.blocks,
                due_at=now,
            )
            key = update.key
            outbox.enqueue(session, update, now=now)
            # Nothing left to chase.
            reminders = [
                intents.DecisionReminder(publish_id=publish_id, to_backup=b) for b in (False, True)
            ]
            outbox.cancel_pending_keys(
                session, [intents.key_of(r) for r in reminders], reason="decided", now=now
            )
        return Decided(card, decision, [key], changed_from=current)
