"""What Slack last said of people being out (see SlackPresence): one row each."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from store.models import SlackPresence


def known(session: Session, user_id: str) -> SlackPresence | None:
    return session.get(SlackPresence, user_id)


def remember(session: Session, presence: SlackPresence) -> None:
    """Insert or replace in one statement: two picks of one person at once both succeed."""
    values = {
        column.name: getattr(presence, column.name)
        for column in SlackPresence.__table__.columns  # type: ignore[attr-defined]
    }
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(SlackPresence).values(**values)
    updates = {name: statement.excluded[name] for name in values if name != "user_id"}
    session.execute(statement.on_conflict_do_update(index_elements=["user_id"], set_=updates))
