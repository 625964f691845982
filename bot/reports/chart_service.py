"""Charts owed to Slack: outbox rows (op upload) whose spec the deliverer renders and uploads
after the text went out, never on the ack path."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.clock import Clock
from bot.outbox import intents, messages
from bot.reports.charts import Spec
from store import outbox
from store.db import Database
from store.models import OutboxOp


def enqueue_chart(
    session: Session,
    *,
    intent: intents.Chart | intents.DigestChart,
    target: str,
    spec: Spec,
    title: str,
    now: datetime,
    parent: intents.Payload | None = None,
) -> str:
    """The chart's key, once enqueued."""
    chart = messages.new(
        intent,
        target=target,
        op=OutboxOp.UPLOAD,
        parent=parent,
        text=title,
        blocks=[spec],
        due_at=now,
    )
    outbox.enqueue(session, chart, now=now)
    return chart.key


class ChartService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def to_dm(self, person: str, spec: Spec, *, title: str, request: str) -> list[str]:
        """A chart for someone who asked ephemerally (an ephemeral message carries no file):
        to their DM with Baton. `request` makes the key (e.g. the command's trigger id)."""
        now = self.clock.now()
        intent = intents.Chart(to=person, request=request)
        with self.db.write() as session:
            key = enqueue_chart(
                session, intent=intent, target=person, spec=spec, title=title, now=now
            )
        return [key]
