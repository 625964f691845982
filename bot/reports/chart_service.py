"""Charts owed to Slack: outbox rows (op upload) whose spec the deliverer renders and uploads
after the text went out, never on the ack path."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.clock import Clock
from bot.reports.charts import Spec
from store import outbox
from store.db import Database
from store.models import OutboxOp


def enqueue_chart(
    session: Session,
    *,
    key: str,
    target: str,
    spec: Spec,
    title: str,
    now: datetime,
    parent_key: str | None = None,
) -> bool:
    return outbox.enqueue(
        session,
        outbox.NewMessage(
            key=key,
            target=target,
            op=OutboxOp.UPLOAD,
            parent_key=parent_key,
            text=title,
            blocks=[spec],
            due_at=now,
        ),
        now=now,
    )


class ChartService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def to_dm(self, person: str, spec: Spec, *, title: str, request: str) -> list[str]:
        """A chart for someone who asked ephemerally (an ephemeral message carries no file):
        to their DM with Baton. `request` makes the key (e.g. the command's trigger id)."""
        now = self.clock.now()
        key = f"chart:{person}:{request}"
        with self.db.write() as session:
            enqueue_chart(session, key=key, target=person, spec=spec, title=title, now=now)
        return [key]
