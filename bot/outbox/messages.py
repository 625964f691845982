"""An outbox row from a typed intent: its key, its parent's and the one it follows all come
from `intents.key_of`, never from a string put together at the call site."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.outbox.intents import Payload, key_of
from store import outbox
from store.models import OutboxOp


def new(
    payload: Payload,
    *,
    target: str,
    due_at: datetime,
    text: str = "",
    blocks: Sequence[dict[str, Any]] = (),
    op: OutboxOp = OutboxOp.POST,
    parent: Payload | None = None,
    after: Payload | None = None,
    handoff_id: int | None = None,
    needs_unacknowledged: bool = False,
    notify_on_failure: str | None = None,
) -> outbox.NewMessage:
    """The row for `payload`. `text`/`blocks` are kept only for kinds not rendered at
    delivery (bot/outbox/rendering.py); `parent` is the message it threads under or edits,
    `after` the one it links to or waits for."""
    return outbox.NewMessage(
        key=key_of(payload),
        kind=payload.kind,
        payload=payload.model_dump(mode="json"),
        target=target,
        text=text,
        blocks=list(blocks),
        due_at=due_at,
        op=op,
        parent_key=key_of(parent) if parent is not None else None,
        after_key=key_of(after) if after is not None else None,
        handoff_id=handoff_id,
        needs_unacknowledged=needs_unacknowledged,
        notify_on_failure=notify_on_failure,
    )
