"""`GET /healthz`: the database answers, and due messages are not left waiting too long."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from bot.clock import Clock
from bot.observability.metrics import UNSENT
from store.db import Database
from store.models import OutboxMessage
from store.types import as_utc


def oldest_unsent_due(db: Database) -> datetime | None:
    """The due time of the oldest message not yet sent: one range read of the
    (status, due_at) index."""
    statement = select(func.min(col(OutboxMessage.due_at))).where(
        col(OutboxMessage.status).in_([status.value for status in UNSENT])
    )
    with db.read() as session:
        first = session.exec(statement).one()
    return as_utc(first) if first is not None else None


@dataclass(frozen=True)
class HealthCheck:
    db: Database
    clock: Clock
    max_lag: timedelta

    def report(self) -> tuple[int, dict[str, Any]]:
        """HTTP status and body: 503 when the database is unreachable, or when the oldest due
        message has waited longer than `max_lag` (nothing is delivering)."""
        try:
            due = oldest_unsent_due(self.db)
        except Exception as error:
            return 503, {
                "ok": False,
                "database": "unreachable",
                "error": type(error).__name__,
            }
        lag = max(0.0, (self.clock.now() - due).total_seconds()) if due is not None else 0.0
        ok = lag <= self.max_lag.total_seconds()
        return (200 if ok else 503), {
            "ok": ok,
            "database": "reachable",
            "oldest_unsent_seconds": round(lag, 3),
            "max_lag_seconds": self.max_lag.total_seconds(),
        }

    def body(self) -> tuple[int, str]:
        status, report = self.report()
        return status, json.dumps(report)
