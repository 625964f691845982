"""Drafts: copy checked against its surface's constraints, stored and posted as durable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.clock import Clock
from bot.drafts import messages as views
from bot.drafts.surfaces import Surface
from bot.outbox import intents, messages
from bot.publishing.posts import enqueue_post_update
from store import guardrails, outbox, publishes, submissions
from store.db import Database
from store.models import Draft
from store.work_items import name_key


@dataclass(frozen=True)
class DraftIn:
    name: str
    surface: str
    subject: str | None
    copy: str
    link: str | None


class DraftService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        surfaces: dict[str, Surface],
        kpi_lookback: timedelta = timedelta(days=30),
    ) -> None:
        self.db = db
        self.clock = clock
        self.surfaces = surfaces
        self.kpi_lookback = kpi_lookback

    def record(
        self, draft: DraftIn, *, channel_id: str, author_id: str, view_id: str | None = None
    ) -> list[str]:
        """Store the draft and owe the channel its post; the keys to deliver now (none when
        this view already recorded it)."""
        now = self.clock.now()
        try:
            return self._record(draft, channel_id, author_id, view_id, now)
        except submissions.AlreadySubmitted:
            return []

    def _record(
        self, draft: DraftIn, channel_id: str, author_id: str, view_id: str | None, now: datetime
    ) -> list[str]:
        with self.db.write(urgent=True) as session:  # Slack waits for this answer
            if view_id is not None:
                submissions.claim(session, view_id, "draft", now=now)
            row = Draft(
                channel_id=channel_id,
                name=draft.name,
                name_key=name_key(draft.name),
                surface=draft.surface,
                subject=draft.subject,
                copy_text=draft.copy,
                link=draft.link,
                created_by=author_id,
                created_at=now,
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            message = views.draft_post(row)
            post = messages.new(
                intents.DraftPost(draft_id=row.id),
                target=channel_id,
                text=message.text,
                blocks=message.blocks,
                due_at=now,
                notify_on_failure=author_id,
            )
            outbox.enqueue(session, post, now=now)
            keys = [post.key]
            # A publish of this name and surface now has its formatting: its post says so.
            publish = publishes.find(session, channel_id, draft.name)
            if publish is not None and publish.surface == draft.surface:
                keys.append(
                    enqueue_post_update(session, publish, now=now, kpi_lookback=self.kpi_lookback)
                )
        return keys

    def age_of(self, channel_id: str, name: str) -> timedelta | None:
        """How old the latest draft of that name is; None when there is none."""
        with self.db.read() as session:
            latest = guardrails.latest_draft(session, channel_id, name)
        if latest is None:
            return None
        created = latest.created_at
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        return self.clock.now() - created

    def names(self, channel_id: str) -> set[str]:
        """Names of the channel's drafts, casefolded: a Done bullet naming one has a durable
        location."""
        with self.db.read() as session:
            return guardrails.draft_names(session, channel_id)
