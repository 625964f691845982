"""Which modal submissions already created something (see ModalSubmission)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from store.models import ModalSubmission


class AlreadySubmitted(Exception):
    """This view already created what it creates; the transaction must roll back."""


def seen(session: Session, view_id: str) -> bool:
    return session.get(ModalSubmission, view_id) is not None


def claim(
    session: Session,
    view_id: str,
    kind: str,
    *,
    now: datetime,
) -> None:
    """Record that this view creates something now, in the creating transaction. A twin
    submission racing this one (PostgreSQL) waits on the row and then raises AlreadySubmitted."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(ModalSubmission)
        .values(
            view_id=view_id,
            kind=kind,
            created_at=now,
            done_at=now,
        )
        .on_conflict_do_nothing(index_elements=["view_id"])
        .returning(col(ModalSubmission.view_id))
    )
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT that did nothing.
    if session.execute(statement).first() is None:
        raise AlreadySubmitted(view_id)


def seen_as_is(session: Session, view_id: str, fingerprint: str, *, now: datetime) -> bool:
    """Whether this view was answered before with findings for exactly these values (its
    second identical Submit); otherwise remember them, replacing older ones. Kept beside the
    view's own row, under a key of its own, so every process sees it."""
    key = f"as-is:{view_id}"[:64]
    row = session.get(ModalSubmission, key, with_for_update=True)
    if row is not None and (row.payload or {}).get("fingerprint") == fingerprint:
        return True
    if row is not None:
        row.payload, row.done_at = {"fingerprint": fingerprint}, now
        session.add(row)
        return False
    try:
        with session.begin_nested():
            session.add(
                ModalSubmission(
                    view_id=key,
                    kind="as_is",
                    created_at=now,
                    payload={"fingerprint": fingerprint},
                    done_at=now,
                )
            )
    except IntegrityError:
        pass  # a twin of this Submit, racing: both are first ones
    return False


def accept_all(
    session: Session, accepted: Sequence[tuple[str, str, dict[str, Any]]], *, now: datetime
) -> list[bool]:
    """Record forms (view id, kind, payload) accepted for creation after the ack, in one
    statement; for each, False when its view was submitted already (the first one counts)."""
    first: dict[str, tuple[str, dict[str, Any]]] = {}
    for view_id, kind, payload in accepted:
        first.setdefault(view_id, (kind, payload))
    rows = [
        {"view_id": view_id, "kind": kind, "created_at": now, "payload": payload, "done_at": None}
        for view_id, (kind, payload) in first.items()
    ]
    new = set(session.execute(_accepting(session.get_bind().dialect.name), rows).scalars())
    answers = []
    for view_id, _, _ in accepted:
        answers.append(view_id in new)
        new.discard(view_id)  # the same view twice in one batch: only the first is new
    return answers


@cache
def _accepting(dialect: str) -> Any:
    """One statement per dialect, so that its compiled form is reused (the ack path)."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return (
        insert(ModalSubmission)
        .on_conflict_do_nothing(index_elements=["view_id"])
        .returning(col(ModalSubmission.view_id))
    )


def take_accepted(session: Session, view_id: str) -> ModalSubmission | None:
    """The accepted, not yet created submission, locked for this transaction (PostgreSQL);
    None once it was created."""
    row = session.get(ModalSubmission, view_id, with_for_update=True)
    return row if row is not None and row.done_at is None and row.payload is not None else None


def unfinished(session: Session, kind: str, *, accepted_before: datetime) -> list[str]:
    """View ids accepted before then and still not created (a crash came in between)."""
    return list(
        session.exec(
            select(ModalSubmission.view_id).where(
                ModalSubmission.kind == kind,
                col(ModalSubmission.done_at).is_(None),
                col(ModalSubmission.payload).is_not(None),
                col(ModalSubmission.created_at) <= accepted_before,
            )
        ).all()
    )
