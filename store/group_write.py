"""Writes that callers wait for, made together (group commit).

SQLite has one writer at a time, and each turn costs a transaction however small. When many
requests each need one small write before Slack's 3-second answer, taking turns one by one
makes the last wait for all the others. Here, whoever finds no write under way writes its own
and every one queued meanwhile in one transaction; those that arrive during that write go
together in the next.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from sqlmodel import Session

from store.db import Database

Item = TypeVar("Item")
Result = TypeVar("Result")


class _Waiting(Generic[Item, Result]):
    __slots__ = ("done", "error", "item", "result")

    def __init__(self, item: Item) -> None:
        self.item = item
        self.result: Result | None = None
        self.error: BaseException | None = None
        self.done = False


class GroupWrite(Generic[Item, Result]):
    """`write_all(session, items)` returns one result per item, in order; a failure fails every
    item of that transaction (each caller sees the exception, and nothing of it was stored)."""

    def __init__(
        self, db: Database, write_all: Callable[[Session, Sequence[Item]], Sequence[Result]]
    ) -> None:
        self.db = db
        self.write_all = write_all
        self._changed = threading.Condition()
        self._queue: list[_Waiting[Item, Result]] = []
        self._writing = False

    def __call__(self, item: Item) -> Result:
        me: _Waiting[Item, Result] = _Waiting(item)
        with self._changed:
            self._queue.append(me)
            self._changed.wait_for(lambda: me.done or not self._writing)
            if not me.done:  # nobody is writing: write what is queued, this one included
                self._writing = True
                batch, self._queue = self._queue, []
        if not me.done:
            try:
                self._write(batch)
            finally:
                with self._changed:
                    self._writing = False
                    self._changed.notify_all()
        if me.error is not None:
            raise me.error
        return me.result  # type: ignore[return-value]

    def queued(self) -> int:
        """Callers waiting for the next write."""
        with self._changed:
            return len(self._queue)

    def _write(self, batch: list[_Waiting[Item, Result]]) -> None:
        try:
            with self.db.write(urgent=True) as session:  # callers wait for it
                results = self.write_all(session, [waiting.item for waiting in batch])
        except BaseException as error:
            for waiting in batch:
                waiting.error = error
        else:
            for waiting, result in zip(batch, results, strict=True):
                waiting.result = result
        for waiting in batch:
            waiting.done = True
