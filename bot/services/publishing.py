"""Publishes and their decisions: record the table, log KPIs, prompt, decide, digest."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.domain.digest import PublishOutcome, SurfaceWeek, summarise
from bot.domain.publish import PublishDraft, PublishField, PublishRefusal, decision_due
from bot.domain.rules import Condition, Op, Rule, RuleResult, evaluate
from bot.domain.schedule import Weekly, next_occurrence
from bot.domain.windows import Window
from bot.domain.working_hours import WorkingHours, deliver_at, zone_or_utc
from bot.services.guardrails import Failure, GuardrailService
from bot.views import digest as digest_views
from bot.views import publish_messages as views
from bot.views.mrkdwn import md, mention
from bot.views.publish_messages import Decision, PublishCard
from store import outbox, publishes, submissions
from store.db import Database
from store.models import Choice, KpiReading, OutboxOp, Publish
from store.types import as_utc

DIGEST_BASELINE_WEEKS = 4
DIGEST_GRACE = timedelta(days=1)  # a digest missed by longer than this (Baton down) is skipped


def rule_to_json(rule: Rule) -> dict[str, Any]:
    return {
        "conditions": [
            {"metric": c.metric, "op": c.op.value, "threshold": c.threshold}
            for c in rule.conditions
        ],
        "action": rule.action,
    }


def rule_from_json(data: dict[str, Any]) -> Rule:
    return Rule(
        conditions=tuple(
            Condition(metric=c["metric"], op=Op(c["op"]), threshold=float(c["threshold"]))
            for c in data["conditions"]
        ),
        action=str(data["action"]),
    )


def card_of(publish: Publish) -> PublishCard:
    assert publish.id is not None
    return PublishCard(
        id=publish.id,
        name=publish.name,
        link=publish.link,
        surface=publish.surface,
        owner_id=publish.owner_id,
        backup_owner_id=publish.backup_owner_id,
        window=Window(as_utc(publish.window_start), as_utc(publish.window_end)),
        rules=tuple(rule_from_json(r) for r in publish.rules),
        created_by=publish.created_by,
        channel_id=publish.channel_id,
    )


def post_key(publish_id: int) -> str:
    return f"publish:{publish_id}:post"


def prompt_key(publish_id: int) -> str:
    return f"publish:{publish_id}:prompt"


@dataclass(frozen=True)
class Recorded:
    publish_id: int
    send_now: list[str]


@dataclass(frozen=True)
class Logged:
    publish: str
    readings: list[tuple[str, float]]
    observed_at: datetime


@dataclass(frozen=True)
class ReadingIn:
    """One checked reading from POST /kpi; `index` is its place in the request."""

    index: int
    channel: str
    publish: str
    metric: str
    value: float
    observed_at: datetime
    source: str


@dataclass(frozen=True)
class Decided:
    card: PublishCard
    decision: Decision
    send_now: list[str]
    first: bool  # False: it had been decided already, nothing changed


class PublishService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        decision_delay: timedelta,
        hours: WorkingHours,
        digest_at: Weekly,
        strategy_channel: str | None,
        failures: GuardrailService,
    ) -> None:
        self.db = db
        self.clock = clock
        self.decision_delay = decision_delay
        self.hours = hours
        self.digest_at = digest_at
        self.strategy_channel = strategy_channel
        self.failures = failures

    # -- recording ----------------------------------------------------------------------

    def create(
        self, draft: PublishDraft, *, channel_id: str, author_id: str, attempt: str
    ) -> Recorded | PublishRefusal | None:
        """Record the publish, or refuse a taken name or a duplicated window; None when this
        submission (`attempt`, its view id) already recorded it. A refused form submitted
        again counts as one failure."""
        now = self.clock.now()
        try:
            return self._create(draft, channel_id, author_id, attempt, now)
        except submissions.AlreadySubmitted:
            return None

    def _create(
        self, draft: PublishDraft, channel_id: str, author_id: str, attempt: str, now: datetime
    ) -> Recorded | PublishRefusal:
        with self.db.write() as session:
            if submissions.seen(session, attempt):
                raise submissions.AlreadySubmitted(attempt)
            if publishes.find(session, channel_id, draft.name) is not None:
                return PublishRefusal(
                    {
                        PublishField.NAME: f"“{draft.name}” already exists in this channel: "
                        "pick another name."
                    }
                )
            clash = publishes.overlapping(
                session, channel_id, draft.surface, draft.window.start, draft.window.end
            )
            if clash is not None:
                self.failures.note(
                    session,
                    Failure(
                        channel_id=channel_id,
                        class_id="duplicated_publish_window",
                        ref=f"publish-attempt:{attempt}",
                        where=md(
                            "/publish “",
                            draft.name,
                            "” by ",
                            mention(author_id),
                            f" refused: its {draft.surface} window overlaps “",
                            clash.name,
                            "”",
                        ),
                        at=now,
                        source_key=post_key(clash.id) if clash.id else None,
                    ),
                )
                return PublishRefusal(
                    {
                        PublishField.WINDOW: f"Duplicated publish window: “{clash.name}” is "
                        f"already on {draft.surface} in this channel from "
                        f"{as_utc(clash.window_start):%Y-%m-%d %H:%M} to "
                        f"{as_utc(clash.window_end):%H:%M} UTC. Pick a window that does not "
                        "overlap it."
                    }
                )
            submissions.claim(session, attempt, "publish", now=now)
            publish = Publish(
                channel_id=channel_id,
                name=draft.name,
                name_key=publishes.name_key(draft.name),
                link=draft.link,
                surface=draft.surface,
                owner_id=draft.owner_id,
                backup_owner_id=draft.backup_owner_id,
                window_start=draft.window.start,
                window_end=draft.window.end,
                rules=[rule_to_json(rule) for rule in draft.rules],
                tracking_labels=dict(draft.tracking_labels),
                created_by=author_id,
                created_at=now,
                decision_due_at=decision_due(draft.window, now, self.decision_delay),
            )
            session.add(publish)
            session.flush()
            assert publish.id is not None
            message = views.record_post(card_of(publish))
            outbox.enqueue(
                session,
                outbox.NewMessage(
                    key=post_key(publish.id),
                    target=channel_id,
                    text=message.text,
                    blocks=message.blocks,
                    due_at=now,
                    notify_on_failure=author_id,
                ),
                now=now,
            )
            return Recorded(publish.id, [post_key(publish.id)])

    # -- KPIs ---------------------------------------------------------------------------

    def log_readings(
        self,
        channel_id: str,
        publish_name: str,
        values: Sequence[tuple[str, float]],
        *,
        observed_at: datetime | None,
        by: str | None,
        source: str,
    ) -> Logged | None:
        """Store readings for a publish named in a channel; None when there is none."""
        now = self.clock.now()
        with self.db.write() as session:
            publish = publishes.find(session, channel_id, publish_name)
            if publish is None:
                return None
            assert publish.id is not None
            at = observed_at or now
            publishes.add_readings(
                session,
                [
                    KpiReading(
                        publish_id=publish.id,
                        metric=metric,
                        value=value,
                        observed_at=at,
                        source=source,
                        recorded_by=by,
                        created_at=now,
                    )
                    for metric, value in values
                ],
            )
            return Logged(publish.name, list(values), at)

    def ingest(self, readings: Sequence[ReadingIn]) -> list[ReadingIn]:
        """Store all readings in one transaction, or none: the ones naming an unknown
        publish come back."""
        now = self.clock.now()
        with self.db.write() as session:
            found: dict[tuple[str, str], int | None] = {}
            for r in readings:
                key = (r.channel, publishes.name_key(r.publish))
                if key not in found:
                    publish = publishes.find(session, r.channel, r.publish)
                    found[key] = publish.id if publish else None
            ids = {r.index: found[(r.channel, publishes.name_key(r.publish))] for r in readings}
            unknown = [r for r in readings if ids[r.index] is None]
            if unknown:
                return unknown
            publishes.add_readings(
                session,
                [
                    KpiReading(
                        publish_id=ids[r.index] or 0,
                        metric=r.metric,
                        value=r.value,
                        observed_at=r.observed_at,
                        source=r.source,
                        created_at=now,
                    )
                    for r in readings
                ],
            )
        return []

    # -- the decision loop (planned by the sweeper) -------------------------------------

    def plan(self, tz_of: Callable[[str], str | None]) -> int:
        """Enqueue what is due: decision prompts (with the missing-KPI DM), then reminders
        for undecided prompts; then the weekly digest."""
        return self._plan_prompts(tz_of) + self._plan_reminders(tz_of) + self._plan_digest()

    def _results(self, card: PublishCard, publish_id: int) -> tuple[list[RuleResult], Any]:
        with self.db.read() as session:
            latest = publishes.latest_readings(session, publish_id)
        values = {metric: value for metric, (value, _) in latest.items()}
        return evaluate(card.rules, values), latest

    def _plan_prompts(self, tz_of: Callable[[str], str | None]) -> int:
        now = self.clock.now()
        with self.db.read() as session:
            due = publishes.due_prompts(session, now=now)
        added = 0
        for publish in due:
            assert publish.id is not None
            card = card_of(publish)
            results, latest = self._results(card, publish.id)
            missing = sorted({m for r in results for m in r.missing})
            zone = zone_or_utc(tz_of(card.owner_id)) if missing else None
            prompt = views.decision_prompt(card, results, latest)
            with self.db.write() as session:
                fresh = session.get(Publish, publish.id)
                if fresh is None or fresh.prompted_at is not None:
                    continue  # another sweeper got there first
                fresh.prompted_at = now
                session.add(fresh)
                added += outbox.enqueue(
                    session,
                    outbox.NewMessage(
                        key=prompt_key(publish.id),
                        target=publish.channel_id,
                        parent_key=post_key(publish.id),
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
                        ),
                    )
                if missing and zone is not None:
                    dm = views.missing_kpis_dm(card, missing)
                    added += outbox.enqueue(
                        session,
                        outbox.NewMessage(
                            key=f"publish:{publish.id}:missing-kpis",
                            target=card.owner_id,
                            text=dm.text,
                            blocks=dm.blocks,
                            due_at=deliver_at(now, self.hours, zone),
                        ),
                        now=now,
                    )
        return added

    def _plan_reminders(self, tz_of: Callable[[str], str | None]) -> int:
        now = self.clock.now()
        with self.db.read() as session:
            waiting = publishes.undecided_since(session, before=now - self.decision_delay)
        added = 0
        for publish in waiting:
            assert publish.id is not None and publish.prompted_at is not None
            prompted_at = as_utc(publish.prompted_at)
            to_backup = publish.reminders_sent >= 1
            if to_backup and prompted_at > now - 2 * self.decision_delay:
                continue
            card = card_of(publish)
            recipient = card.backup_owner_id if to_backup else card.owner_id
            zone = zone_or_utc(tz_of(recipient))
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
                added += outbox.enqueue(
                    session,
                    outbox.NewMessage(
                        key=f"publish:{publish.id}:remind:{'backup' if to_backup else 'owner'}",
                        target=recipient,
                        text=message.text,
                        blocks=message.blocks,
                        due_at=deliver_at(now, self.hours, zone),
                        after_key=prompt_key(publish.id),  # linked: the buttons are there
                    ),
                    now=now,
                )
        return added

    # -- deciding -----------------------------------------------------------------------

    def decide(self, publish_id: int, *, by: str, choice: Choice) -> Decided | PublishCard | None:
        """Record the owner's (or backup owner's) decision; the card alone when `by` may not
        decide; None when the publish is gone."""
        now = self.clock.now()
        with self.db.read() as session:
            publish = session.get(Publish, publish_id)
        if publish is None:
            return None
        card = card_of(publish)
        if by not in (card.owner_id, card.backup_owner_id):
            return card
        results, latest = self._results(card, publish_id)
        with self.db.write() as session:
            # Row-locked: of two people clicking at once, the second sees the first's choice.
            fresh = session.get(Publish, publish_id, with_for_update=True)
            assert fresh is not None
            if fresh.decision is not None:
                assert fresh.decided_by and fresh.decided_at
                earlier = Decision(
                    fresh.decision,
                    fresh.decided_by,
                    as_utc(fresh.decided_at),
                    tuple(fresh.decision_actions),
                )
                return Decided(card, earlier, [], first=False)
            actions = tuple(r.rule.action for r in results if r.triggered)
            decision = Decision(choice.value, by, now, actions)
            fresh.decision, fresh.decided_by, fresh.decided_at = choice.value, by, now
            fresh.decision_actions = list(actions)
            session.add(fresh)
            message = views.decision_prompt(card, results, latest, decision=decision)
            key = f"publish:{publish_id}:decision"
            outbox.enqueue(
                session,
                outbox.NewMessage(
                    key=key,
                    target=fresh.channel_id,
                    op=OutboxOp.UPDATE,
                    parent_key=prompt_key(publish_id),
                    text=message.text,
                    blocks=message.blocks,
                    due_at=now,
                ),
                now=now,
            )
            # Nothing left to chase.
            outbox.cancel_pending_with_prefix(
                session, f"publish:{publish_id}:remind:", reason="decided", now=now
            )
        return Decided(card, decision, [key], first=True)

    # -- the weekly digest --------------------------------------------------------------

    def digest(self, end: datetime, weeks: int = 1) -> list[SurfaceWeek]:
        """Per surface: publishes starting in the `weeks` before `end`, against the
        DIGEST_BASELINE_WEEKS before those."""
        start = end - timedelta(weeks=weeks)
        baseline_start = start - timedelta(weeks=DIGEST_BASELINE_WEEKS)
        return summarise(self._outcomes(start, end), self._outcomes(baseline_start, start))

    def _outcomes(self, start: datetime, end: datetime) -> list[PublishOutcome]:
        outcomes = []
        with self.db.read() as session:
            for publish in publishes.starting_between(session, start, end):
                assert publish.id is not None
                card = card_of(publish)
                latest = {
                    m: v for m, (v, _) in publishes.latest_readings(session, publish.id).items()
                }
                results = evaluate(card.rules, latest)
                triggered = tuple(r.rule.action for r in results if r.triggered)
                outcomes.append(
                    PublishOutcome(
                        surface=publish.surface,
                        name=publish.name,
                        starts_at=as_utc(publish.window_start),
                        latest=latest,
                        triggered_actions=triggered,
                        decision=publish.decision,
                        decision_actions=tuple(publish.decision_actions),
                    )
                )
        return outcomes

    def _plan_digest(self) -> int:
        if not self.strategy_channel:
            return 0
        now = self.clock.now()
        occurrence = next_occurrence(self.digest_at, now - timedelta(weeks=1))
        if occurrence > now or now - occurrence > DIGEST_GRACE:
            return 0
        key = f"digest:{occurrence:%Y-%m-%dT%H:%M}"
        with self.db.read() as session:
            if outbox.find(session, key) is not None:
                return 0
        weeks = self.digest(occurrence)
        message = digest_views.digest_message(weeks, end=occurrence, weeks=1)
        with self.db.write() as session:
            return int(
                outbox.enqueue(
                    session,
                    outbox.NewMessage(
                        key=key,
                        target=self.strategy_channel,
                        text=message.text,
                        blocks=message.blocks,
                        due_at=now,
                    ),
                    now=now,
                )
            )
