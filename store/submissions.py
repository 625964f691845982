"""Which modal submissions already created something (see ModalSubmission)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from store.models import ModalSubmission


class AlreadySubmitted(Exception):
    """This view already created what it creates; the transaction must roll back."""


def seen(session: Session, view_id: str) -> bool:
    return session.get(ModalSubmission, view_id) is not None


def claim(session: Session, view_id: str, kind: str, *, now: datetime) -> None:
    """Record that this view creates something now, in the creating transaction. A twin
    submission racing this one (PostgreSQL) waits on the row and then raises AlreadySubmitted."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(ModalSubmission)
        .values(view_id=view_id, kind=kind, created_at=now)
        .on_conflict_do_nothing(index_elements=["view_id"])
        .returning(col(ModalSubmission.view_id))
    )
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT that did nothing.
    if session.execute(statement).first() is None:
        raise AlreadySubmitted(view_id)
