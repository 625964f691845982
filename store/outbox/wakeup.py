"""Waking sweepers when a row is written: in this process after the commit (and never
after a rollback), in other processes by PostgreSQL NOTIFY."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

NOTIFY_CHANNEL = "baton_outbox"
_EARLIEST = "baton_outbox_earliest_due"
_DUE_NOW = "baton_outbox_due_now"
_listeners: list[Callable[[datetime], None]] = []
_senders: list[Callable[[Any, list[str]], None]] = []
_listeners_guard = threading.Lock()


def on_enqueued(callback: Callable[[datetime], None]) -> Callable[[], None]:
    """Call `callback(earliest due_at)` after each commit that wrote outbox rows, in this
    process. Returns the function that stops it."""
    with _listeners_guard:
        _listeners.append(callback)

    def stop() -> None:
        with _listeners_guard:
            if callback in _listeners:
                _listeners.remove(callback)

    return stop


def on_committed(callback: Callable[[Any, list[str]], None]) -> Callable[[], None]:
    """Call `callback(bind, keys)` after each commit, in this process, that wrote rows due at
    once: the keys, and the engine they were written with. This is how a committed message
    goes out promptly (no handler asks for it). Returns the function that stops it."""
    with _listeners_guard:
        _senders.append(callback)

    def stop() -> None:
        with _listeners_guard:
            if callback in _senders:
                _senders.remove(callback)

    return stop


def _announce_later(session: Session, due_at: datetime, due_now: Sequence[str] = ()) -> None:
    if due_now:
        session.info.setdefault(_DUE_NOW, []).extend(due_now)
    earliest = session.info.get(_EARLIEST)
    if earliest is not None and due_at >= earliest:
        return
    session.info[_EARLIEST] = due_at
    if session.get_bind().dialect.name == "postgresql":
        # Delivered at commit (never on rollback) to every process LISTENing: other sweepers.
        session.execute(
            text("SELECT pg_notify(:channel, :due)"),
            {"channel": NOTIFY_CHANNEL, "due": f"{due_at.timestamp():.6f}"},
        )


@event.listens_for(OrmSession, "after_commit")
def _announce(session: OrmSession) -> None:
    earliest = session.info.pop(_EARLIEST, None)
    due_now: list[str] = session.info.pop(_DUE_NOW, [])
    if earliest is None:
        return
    with _listeners_guard:
        listeners, senders = list(_listeners), list(_senders)
    for listener in listeners:
        listener(earliest)
    if due_now:
        bind = session.get_bind()
        for send in senders:
            send(bind, due_now)


@event.listens_for(OrmSession, "after_rollback")
def _forget(session: OrmSession) -> None:
    session.info.pop(_EARLIEST, None)
    session.info.pop(_DUE_NOW, None)
