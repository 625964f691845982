"""Recording publishes and their KPI readings (from /kpi and POST /kpi)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.decisions.cycles import Earlier
from bot.guardrails.recording import Failure, FailureRecorder
from bot.kernel.mrkdwn import md, mention
from bot.outbox import intents, messages
from bot.publishing.approvals import enqueue_requests
from bot.publishing.cards import post_key, rule_to_json
from bot.publishing.posts import parts_of, post_message
from bot.publishing.readiness import BLOCKED_HORIZON, BlockedPublish, blocking
from bot.publishing.rules import PublishDraft, PublishField, PublishRefusal, decision_due
from store import channel_settings, outbox, publishes, submissions
from store.db import Database
from store.models import KpiReading, Publish
from store.types import as_utc

DIGEST_BASELINE_WEEKS = 4
DIGEST_GRACE = timedelta(days=1)  # a digest missed by longer than this (Baton down) is skipped


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


class PublishService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        decision_delay: timedelta,
        failures: FailureRecorder,
        kpi_lookback: timedelta,
    ) -> None:
        self.db = db
        self.clock = clock
        self.decision_delay = decision_delay
        self.failures = failures
        self.kpi_lookback = kpi_lookback

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
        with self.db.write(urgent=True) as session:  # Slack waits for this answer
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
                        people=(author_id,),
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
            if draft.follows_id is not None:
                earlier = session.get(Publish, draft.follows_id)
                if earlier is None or earlier.channel_id != channel_id:
                    return PublishRefusal(
                        {PublishField.FOLLOWS: "Pick an earlier publish of this channel."}
                    )
                if earlier.surface != draft.surface:
                    return PublishRefusal(
                        {
                            PublishField.FOLLOWS: f"“{earlier.name}” went out on "
                            f"{earlier.surface}: a cycle follows one of the same surface "
                            f"({draft.surface})."
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
                follows_id=draft.follows_id,
                created_by=author_id,
                created_at=now,
                decision_due_at=decision_due(
                    draft.window,
                    now,
                    channel_settings.roles_of(session, channel_id).decision_delay
                    or self.decision_delay,
                ),
            )
            session.add(publish)
            session.flush()
            assert publish.id is not None
            asked = enqueue_requests(session, publish, draft.approvers, now=now)
            message = post_message(session, publish, now=now, kpi_lookback=self.kpi_lookback)
            outbox.enqueue(
                session,
                messages.new(
                    intents.PublishPost(publish_id=publish.id),
                    target=channel_id,
                    text=message.text,
                    blocks=message.blocks,
                    due_at=now,
                    notify_on_failure=author_id,
                ),
                now=now,
            )
            return Recorded(publish.id, [post_key(publish.id), *asked])

    def earlier_in(self, channel_id: str) -> list[Earlier]:
        """The channel's publishes a new one may follow, latest first."""
        with self.db.read() as session:
            return [
                Earlier(p.id, p.name, p.surface)
                for p in publishes.recent(session, channel_id)
                if p.id is not None
            ]

    def blocked_in_channel(self, channel_id: str) -> list[BlockedPublish]:
        """Publishes whose window opens within BLOCKED_HORIZON with a part missing."""
        now = self.clock.now()
        found = []
        with self.db.read() as session:
            for publish in publishes.opening_between(
                session, channel_id, now, now + BLOCKED_HORIZON
            ):
                parts = parts_of(session, publish, now=now, kpi_lookback=self.kpi_lookback)
                start = as_utc(publish.window_start)
                if missing := blocking(parts, start, now):
                    found.append(BlockedPublish(publish.name, publish.surface, start, missing))
        return found

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
