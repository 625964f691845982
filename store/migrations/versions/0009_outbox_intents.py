"""outbox.kind and outbox.payload: each message a typed intent; rows already there are named
by parsing their keys, once, here (nothing else reads a key back)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 20:30:00

Self-contained on purpose (a migration must not change when the code does): the key shapes
below are the ones versions up to 0008 wrote, and each (kind, payload) is the one
bot/outbox/intents.py derives the same key from. A key that matches none stays `plain`
with the key as its payload, which is how a row without a kind was sent before anyway.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BATCH = 1000
Intent = tuple[str, dict[str, Any]]

_SEGMENTS = {
    "post": "handoff_post",
    "dm": "handoff_dm",
    "nudge": "handoff_nudge",
    "escalate-dm": "escalation_dm",
    "escalate-thread": "escalation_thread",
}


def _when(value: Any) -> str:
    """A stored datetime (SQLite hands back text) as ISO 8601."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _handoff(match: re.Match[str], row: Row) -> Intent | None:
    handoff_id, segment = int(match["id"]), match["segment"]
    revision = int(match["r"] or 0)
    if match["r"] == "0":
        return None  # never written so: the first schedule has no `:r`
    if match["u"] is not None:
        if segment == "escalate-thread":
            return None
        payload = {
            "handoff_id": handoff_id,
            "edits": _SEGMENTS[segment],
            "revision": int(match["u"]),
        }
        payload |= {"edits_revision": revision, "to": row.target}
        if segment == "escalate-dm":  # the edited DM's due time, as the edit counted "late by"
            edited = row.key.rsplit(":u", 1)[0]
            payload["planned_at"] = _when(row.due_of(edited) or row.due_at)
        return "handoff_update", payload
    kind = _SEGMENTS[segment]
    if kind == "handoff_post":
        return (kind, {"handoff_id": handoff_id}) if revision == 0 else None
    payload = {"handoff_id": handoff_id, "revision": revision}
    if kind in ("handoff_dm", "handoff_nudge"):
        payload["to"] = row.target
    elif kind == "escalation_dm":
        payload |= {"to": row.target, "planned_at": _when(row.due_at)}
    elif kind == "escalation_thread":
        asked = row.asked_of(row.after_key)
        if asked is None:
            return None
        payload |= {"asked": asked, "planned_at": _when(row.due_at)}
    return kind, payload


def _pid(match: re.Match[str]) -> dict[str, Any]:
    return {"publish_id": int(match["id"])}


ID = r"(?P<id>\d+)"
USER = r"(?P<user>[^:]+)"
MINUTE = r"(?P<at>\d{4}-\d\d-\d\dT\d\d:\d\d)"
RULES: list[tuple[str, Callable[[re.Match[str], Row], Intent | None]]] = [
    (
        rf"handoff:{ID}:(?P<segment>post|dm|nudge|escalate-dm|escalate-thread)"
        r"(?::r(?P<r>\d+))?(?::u(?P<u>\d+))?",
        _handoff,
    ),
    (
        rf"handoff:{ID}:notice:r(?P<r>\d+):{USER}",
        lambda m, _: (
            "handoff_notice",
            {"handoff_id": int(m["id"]), "revision": int(m["r"]), "to": m["user"]},
        ),
    ),
    (rf"publish:{ID}:post", lambda m, _: ("publish_post", _pid(m))),
    (
        rf"publish:{ID}:post:(?P<r>\d+)",
        lambda m, _: ("publish_post_update", _pid(m) | {"revision": int(m["r"])}),
    ),
    (rf"publish:{ID}:prompt", lambda m, _: ("decision_prompt", _pid(m))),
    (
        rf"publish:{ID}:decision:(?P<n>\d+)",
        lambda m, _: ("decision_update", _pid(m) | {"number": int(m["n"])}),
    ),
    (
        rf"publish:{ID}:remind:(?P<to>owner|backup)",
        lambda m, _: ("decision_reminder", _pid(m) | {"to_backup": m["to"] == "backup"}),
    ),
    (rf"publish:{ID}:missing-kpis", lambda m, _: ("missing_kpis", _pid(m))),
    (
        rf"publish:{ID}:approval:{USER}",
        lambda m, _: ("approval_request", _pid(m) | {"approver": m["user"]}),
    ),
    (
        rf"publish:{ID}:approval:{USER}:(?P<r>\d+)",
        lambda m, _: (
            "approval_update",
            _pid(m) | {"approver": m["user"], "revision": int(m["r"])},
        ),
    ),
    (
        rf"publish:{ID}:changes:{USER}:(?P<r>\d+)",
        lambda m, _: ("changes_requested", _pid(m) | {"by": m["user"], "revision": int(m["r"])}),
    ),
    (
        rf"publish:{ID}:approval-chase:{USER}",
        lambda m, _: ("approval_chase", _pid(m) | {"approver": m["user"]}),
    ),
    (rf"publish:{ID}:approval-chase-owner", lambda m, _: ("approval_chase_owner", _pid(m))),
    (rf"blocker:{ID}:last-word", lambda m, _: ("blocker_last_word", {"item_id": int(m["id"])})),
    (
        rf"blocker:{ID}:{USER}:(?P<day>\d{{4}}-\d\d-\d\d)",
        lambda m, _: ("blocker_dm", {"item_id": int(m["id"]), "to": m["user"], "day": m["day"]}),
    ),
    (
        rf"item:{ID}:done:notify:(?P<w>\d+)",
        lambda m, _: ("unblocked_dm", {"item_id": int(m["id"]), "waiting_id": int(m["w"])}),
    ),
    (
        rf"digest:(?P<t>[^:]+):{MINUTE}",
        lambda m, _: ("digest", {"target": m["t"], "week_ending": f"{m['at']}:00"}),
    ),
    (
        rf"digest:(?P<t>[^:]+):{MINUTE}:chart:(?P<c>.+)",
        lambda m, _: (
            "digest_chart",
            {"target": m["t"], "week_ending": f"{m['at']}:00", "chart": m["c"]},
        ),
    ),
    (rf"chart:{USER}:(?P<q>.+)", lambda m, _: ("chart", {"to": m["user"], "request": m["q"]})),
    (rf"draft:{ID}:post", lambda m, _: ("draft_post", {"draft_id": int(m["id"])})),
    (
        r"guardrail:(?P<c>[^:]+):(?P<k>.+):(?P<what>proposal|decision)(?::(?P<n>\d+))?",
        lambda m, _: (
            None
            if m["n"] == "1"  # the first proposal's key has no number
            else (
                f"guardrail_{m['what']}",
                {"channel_id": m["c"], "class_id": m["k"], "proposals": int(m["n"] or 1)},
            )
        ),
    ),
]
_COMPILED = [(re.compile(f"^{pattern}$"), name) for pattern, name in RULES]


class Row:
    """What naming a row may need besides its key."""

    def __init__(
        self,
        key: str,
        target: str = "",
        due_at: Any = None,
        after_key: str | None = None,
        targets: dict[str, str] | None = None,
        dues: dict[str, Any] | None = None,
    ) -> None:
        self.key, self.target, self.due_at, self.after_key = key, target, due_at, after_key
        self._targets = targets or {}
        self._dues = dues or {}

    def due_of(self, key: str) -> Any:
        return self._dues.get(key)

    def asked_of(self, key: str | None) -> str | None:
        """Whom the message `key` went to (an escalation thread reply names the DM's)."""
        return self._targets.get(key) if key else None


def intent_of(row: Row) -> Intent:
    """(kind, payload) of a row written before 0009, from its key."""
    if row.key.endswith(":failed"):
        return "failure_notice", {"of": row.key.removesuffix(":failed")}
    for pattern, name in _COMPILED:
        match = pattern.match(row.key)
        if match is not None:
            found = name(match, row)
            if found is not None:
                return found
    return "plain", {"key": row.key}


OUTBOX = sa.table(
    "outbox",
    sa.column("id", sa.Integer),
    sa.column("idempotency_key", sa.String),
    sa.column("target", sa.String),
    sa.column("due_at", sa.String),
    sa.column("after_key", sa.String),
    sa.column("kind", sa.String),
    sa.column("payload", sa.JSON),
)


def _backfill() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(
            OUTBOX.c.id,
            OUTBOX.c.idempotency_key,
            OUTBOX.c.target,
            OUTBOX.c.due_at,
            OUTBOX.c.after_key,
        ).order_by(OUTBOX.c.id)
    ).all()
    targets = {row.idempotency_key: row.target for row in rows}
    dues = {row.idempotency_key: row.due_at for row in rows}
    update = (
        sa.update(OUTBOX)
        .where(OUTBOX.c.id == sa.bindparam("row_id"))
        .values(kind=sa.bindparam("new_kind"), payload=sa.bindparam("new_payload", type_=sa.JSON))
    )
    for start in range(0, len(rows), BATCH):
        params = []
        for row in rows[start : start + BATCH]:
            kind, payload = intent_of(
                Row(row.idempotency_key, row.target, row.due_at, row.after_key, targets, dues)
            )
            params.append({"row_id": row.id, "new_kind": kind, "new_payload": payload})
        conn.execute(update, params)


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("payload", sa.JSON(), nullable=True))
    _backfill()
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("kind", existing_type=sa.String(length=32), nullable=False)
        batch.alter_column("payload", existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("payload")
        batch.drop_column("kind")
