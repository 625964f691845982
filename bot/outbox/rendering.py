"""What a message says is decided when it is sent: kind → renderer(session, payload, now),
which builds the text and blocks from the state at that moment, or answers None when there is
nothing true to say any more (the row is then cancelled, not sent).

A kind without a renderer is sent as it was written: the text and blocks stored in its row
when it was enqueued (the "as written" path, for kinds not yet rendered at delivery).
Features register their renderers; the deliverer only looks them up.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlmodel import Session

from bot.outbox.intents import Kind, Payload, parse


class Rendered(Protocol):
    @property
    def text(self) -> str: ...

    @property
    def blocks(self) -> list[dict[str, Any]]: ...


P = TypeVar("P", bound=Payload)
Renderer = Callable[[Session, P, datetime], Rendered | None]


class Renderers:
    def __init__(self) -> None:
        self._by_kind: dict[Kind, Callable[[Session, Any, datetime], Rendered | None]] = {}

    def register(self, model: type[P], renderer: Renderer[P]) -> None:
        if model.kind in self._by_kind:
            raise ValueError(f"{model.kind} has a renderer already")
        self._by_kind[model.kind] = renderer

    def renders(self, kind: str) -> bool:
        """Whether rows of `kind` are rendered at delivery (else sent as written)."""
        return kind in self._by_kind

    def render(
        self, session: Session, kind: str, payload: dict[str, Any], now: datetime
    ) -> Rendered | None:
        return self._by_kind[Kind(kind)](session, parse(kind, payload), now)
