"""Cached users.info answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from store.models import SlackUser


def cached(session: Session, user_id: str, *, fresh_after: datetime) -> SlackUser | None:
    user = session.get(SlackUser, user_id)
    if user is None or user.fetched_at < fresh_after:
        return None
    return user


def known(session: Session, user_id: str) -> SlackUser | None:
    """What Baton last learned of this user, however long ago."""
    return session.get(SlackUser, user_id)


def known_many(session: Session, user_ids: list[str]) -> dict[str, SlackUser]:
    """What Baton last learned of these users, in one query."""
    if not user_ids:
        return {}
    rows = session.exec(select(SlackUser).where(col(SlackUser.id).in_(user_ids))).all()
    return {row.id: row for row in rows}


def remember(session: Session, user: SlackUser) -> None:
    """Insert or refresh in one statement: two first sightings of one user at once (a burst of
    submissions) must both succeed."""
    values = {column.name: getattr(user, column.name) for column in SlackUser.__table__.columns}  # type: ignore[attr-defined]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(SlackUser).values(**values)
    updates = {name: statement.excluded[name] for name in values if name != "id"}
    session.execute(statement.on_conflict_do_update(index_elements=["id"], set_=updates))


def named(session: Session, names: list[str]) -> dict[str, SlackUser]:
    """The people Baton knows by these handles (lower case; users.info's `name`), one query.
    Of two people with one handle (a deactivated one and their successor), the one who can
    act wins."""
    if not names:
        return {}
    rows = session.exec(select(SlackUser).where(func.lower(SlackUser.name).in_(names))).all()
    found: dict[str, SlackUser] = {}
    for row in sorted(rows, key=lambda r: (not r.deleted and not r.is_bot, r.fetched_at)):
        found[row.name.lower()] = row
    return found
