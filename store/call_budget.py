"""When a scarce Slack method may next be called in a workspace (see SlackCallBudget)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import case, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col

from store.db import Database
from store.models import SlackCallBudget
from store.types import as_utc

_NEVER_CALLED = datetime(2000, 1, 1, tzinfo=UTC)


def take_call(
    db: Database, workspace: str, method: str, *, now: datetime, every: timedelta
) -> datetime | None:
    """Spend the next call, if it is free now: None when the caller may call, else when it
    will be free. One conditional UPDATE, so two processes never both get the same call."""
    budget = SlackCallBudget
    with db.write() as session:
        insert = pg_insert if db.dialect == "postgresql" else sqlite_insert
        session.execute(
            insert(budget)
            .values(workspace=workspace, method=method, free_at=_NEVER_CALLED)
            .on_conflict_do_nothing(index_elements=["workspace", "method"])
        )
        taken = session.execute(
            update(budget)
            .where(col(budget.workspace) == workspace, col(budget.method) == method)
            .where(col(budget.free_at) <= now)
            .values(free_at=now + every)
        )
        if taken.rowcount:  # type: ignore[attr-defined]
            return None
        found = session.get(budget, (workspace, method))
        assert found is not None
        return as_utc(found.free_at)


def hold_calls(db: Database, workspace: str, method: str, *, until: datetime) -> None:
    """Slack said wait (a 429's Retry-After): nobody calls before `until`."""
    budget = SlackCallBudget
    with db.write() as session:
        insert = pg_insert if db.dialect == "postgresql" else sqlite_insert
        statement = insert(budget).values(workspace=workspace, method=method, free_at=until)
        later = case(
            (col(budget.free_at) < statement.excluded.free_at, statement.excluded.free_at),
            else_=col(budget.free_at),
        )
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["workspace", "method"], set_={"free_at": later}
            )
        )
