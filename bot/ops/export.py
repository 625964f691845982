"""`baton export`: the record, one file per kind, streamed from the database.

Rows are read through a server-side cursor (`yield_per`) and written as they arrive, so memory
stays flat however many rows a kind has. Each kind is selected by one time column (`since` <=
t < `until`), named in `KINDS`.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Table,
    and_,
    case,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from bot.outbox.intents import Kind as MessageKind
from store.db import Database
from store.models import (
    ChannelGuardrail,
    Dependency,
    FailureOccurrence,
    Handoff,
    HandoffStateChange,
    KpiReading,
    OutboxMessage,
    OutboxStatus,
    Publish,
    PublishApproval,
    WorkItem,
)

FORMATS = ("csv", "jsonl")
YIELD_PER = 2000


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


HANDOFF = _table(Handoff)
ITEM = _table(WorkItem)
EDGE = _table(Dependency)
PUBLISH = _table(Publish)
READING = _table(KpiReading)
FAILURE = _table(FailureOccurrence)
GUARDRAIL = _table(ChannelGuardrail)
OUTBOX = _table(OutboxMessage)
APPROVAL = _table(PublishApproval)
STATE_CHANGE = _table(HandoffStateChange)

# The outbox messages that are state changes of a handoff once Slack accepted them.
HANDOFF_SENDS = {
    MessageKind.HANDOFF_NUDGE: "nudge_sent",
    MessageKind.ESCALATION_DM: "escalation_dm_sent",
    MessageKind.ESCALATION_THREAD: "escalation_thread_sent",
    # Each step of an escalation policy, to whom it went (a person, or the channel's thread).
    MessageKind.ESCALATION_STEP: "escalation_step_sent",
}
# States a handoff row already dates itself (created, acknowledged); the other changes
# (done, reassigned, taken over, handed on, withdrawn) come from its state changes.
DATED_ON_THE_ROW = ("open", "acknowledged")


@dataclass(frozen=True)
class Window:
    since: datetime
    until: datetime | None

    def of(self, column: ColumnElement[Any]) -> ColumnElement[bool]:
        if self.until is None:
            return column >= self.since
        return and_(column >= self.since, column < self.until)


def parse_when(text: str, *, end_of_day: bool = False) -> datetime:
    """An ISO date (midnight UTC; with `end_of_day`, the next midnight, so `--until` includes
    the day named) or an ISO date-time (UTC unless it carries an offset)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        moment = datetime.fromisoformat(text)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    start = datetime.combine(day, time(0), UTC)
    return start + timedelta(days=1) if end_of_day else start


def handoffs(window: Window) -> Select[Any]:
    return (
        select(
            HANDOFF.c.id,
            HANDOFF.c.work_item_id,
            ITEM.c.name.label("work_item"),
            HANDOFF.c.channel_id,
            HANDOFF.c.author_id,
            HANDOFF.c.status,
            HANDOFF.c.done,
            HANDOFF.c.open,
            HANDOFF.c.next_owner_id,
            HANDOFF.c.next_action,
            HANDOFF.c.backup_owner_id,
            HANDOFF.c.act_by,
            HANDOFF.c.created_at,
            HANDOFF.c.acknowledged_by,
            HANDOFF.c.acknowledged_at,
            HANDOFF.c.state,
            HANDOFF.c.urgency,
        )
        .join(ITEM, ITEM.c.id == HANDOFF.c.work_item_id)
        .where(window.of(HANDOFF.c.created_at))
        .order_by(HANDOFF.c.id)
    )


def handoff_events(window: Window) -> Select[Any]:
    """Every state change of a handoff: created, acknowledged, done, reassigned, taken over,
    handed on, withdrawn, and each nudge and escalation Slack accepted (at the time it was
    marked sent; one per act-by, the later ones keyed `…:nudge:r2`)."""
    created = select(
        HANDOFF.c.id.label("handoff_id"),
        literal("created", String).label("event"),
        HANDOFF.c.created_at.label("at"),
        HANDOFF.c.author_id.label("user_id"),
    ).where(window.of(HANDOFF.c.created_at))
    acknowledged = select(
        HANDOFF.c.id,
        literal("acknowledged", String),
        HANDOFF.c.acknowledged_at,
        HANDOFF.c.acknowledged_by,
    ).where(HANDOFF.c.acknowledged_at.is_not(None), window.of(HANDOFF.c.acknowledged_at))
    kind = case(*((OUTBOX.c.kind == k.value, e) for k, e in HANDOFF_SENDS.items()), else_=None)
    sent = select(OUTBOX.c.handoff_id, kind, OUTBOX.c.updated_at, OUTBOX.c.target).where(
        OUTBOX.c.handoff_id.is_not(None),
        OUTBOX.c.status == OutboxStatus.SENT.value,
        OUTBOX.c.kind.in_([k.value for k in HANDOFF_SENDS]),
        window.of(OUTBOX.c.updated_at),
    )
    changed = select(
        STATE_CHANGE.c.handoff_id,
        STATE_CHANGE.c.to_state,
        STATE_CHANGE.c.changed_at,
        STATE_CHANGE.c.changed_by,
    ).where(STATE_CHANGE.c.to_state.not_in(DATED_ON_THE_ROW), window.of(STATE_CHANGE.c.changed_at))
    events = union_all(created, acknowledged, sent, changed).subquery()
    return select(events).order_by(events.c.at, events.c.handoff_id, events.c.event)


def work_items(window: Window) -> Select[Any]:
    return select(ITEM).where(window.of(ITEM.c.created_at)).order_by(ITEM.c.id)


def dependencies(window: Window) -> Select[Any]:
    item = aliased(ITEM, name="waiting_item")
    dependency = aliased(ITEM, name="dependency_item")
    return (
        select(
            EDGE.c.id,
            EDGE.c.channel_id,
            EDGE.c.item_id,
            item.c.name.label("item"),
            EDGE.c.dependency_id,
            dependency.c.name.label("dependency"),
            EDGE.c.kind,
            EDGE.c.reason,
            EDGE.c.declared_by,
            EDGE.c.created_at,
            EDGE.c.updated_at,
        )
        .join(item, item.c.id == EDGE.c.item_id)
        .join(dependency, dependency.c.id == EDGE.c.dependency_id)
        .where(window.of(EDGE.c.created_at))
        .order_by(EDGE.c.id)
    )


def publishes(window: Window) -> Select[Any]:
    """Publishes with their decision tables (`rules`) and tracking labels."""
    columns = [c for c in PUBLISH.c if c.name not in ("name_key",)]
    return select(*columns).where(window.of(PUBLISH.c.created_at)).order_by(PUBLISH.c.id)


def kpi_readings(window: Window) -> Select[Any]:
    return select(READING).where(window.of(READING.c.observed_at)).order_by(READING.c.id)


def decisions(window: Window) -> Select[Any]:
    return (
        select(
            PUBLISH.c.id.label("publish_id"),
            PUBLISH.c.channel_id,
            PUBLISH.c.name.label("publish"),
            PUBLISH.c.decision,
            PUBLISH.c.decided_by,
            PUBLISH.c.decided_at,
            PUBLISH.c.decision_actions,
            PUBLISH.c.decision_action,
            PUBLISH.c.decision_history,
        )
        .where(PUBLISH.c.decided_at.is_not(None), window.of(PUBLISH.c.decided_at))
        .order_by(PUBLISH.c.decided_at, PUBLISH.c.id)
    )


def approvals(window: Window) -> Select[Any]:
    """Each approver asked of a publish, and where they stand: asked when it was recorded."""
    return (
        select(
            APPROVAL.c.id,
            APPROVAL.c.publish_id,
            PUBLISH.c.channel_id,
            PUBLISH.c.name.label("publish"),
            APPROVAL.c.approver_id,
            APPROVAL.c.state,
            APPROVAL.c.note,
            PUBLISH.c.created_at.label("requested_at"),
            APPROVAL.c.decided_at,
        )
        .join(PUBLISH, PUBLISH.c.id == APPROVAL.c.publish_id)
        .where(window.of(PUBLISH.c.created_at))
        .order_by(APPROVAL.c.id)
    )


def failures(window: Window) -> Select[Any]:
    return select(FAILURE).where(window.of(FAILURE.c.at)).order_by(FAILURE.c.id)


def guardrails(window: Window) -> Select[Any]:
    return select(GUARDRAIL).where(window.of(GUARDRAIL.c.proposed_at)).order_by(GUARDRAIL.c.id)


@dataclass(frozen=True)
class Kind:
    name: str
    query: Callable[[Window], Select[Any]]
    selected_by: str  # the time column the window applies to, for the README and tests


KINDS: tuple[Kind, ...] = (
    Kind("handoffs", handoffs, "created_at"),
    Kind("handoff_events", handoff_events, "at"),
    Kind("work_items", work_items, "created_at"),
    Kind("dependencies", dependencies, "created_at"),
    Kind("publishes", publishes, "created_at"),
    Kind("kpi_readings", kpi_readings, "observed_at"),
    Kind("approvals", approvals, "requested_at"),
    Kind("decisions", decisions, "decided_at"),
    Kind("failures", failures, "at"),
    Kind("guardrails", guardrails, "proposed_at"),
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return _plain(value)


class CsvWriter:
    def __init__(self, out: IO[str], columns: Sequence[str]) -> None:
        self.writer = csv.writer(out)
        self.writer.writerow(columns)

    def write(self, row: Sequence[Any]) -> None:
        self.writer.writerow([_cell(v) for v in row])


class JsonlWriter:
    def __init__(self, out: IO[str], columns: Sequence[str]) -> None:
        self.out = out
        self.columns = list(columns)

    def write(self, row: Sequence[Any]) -> None:
        entry = {c: _plain(v) for c, v in zip(self.columns, row, strict=True)}
        self.out.write(json.dumps(entry, ensure_ascii=False))
        self.out.write("\n")


@contextmanager
def stream(db: Database, statement: Select[Any]) -> Iterator[tuple[list[str], Iterator[Any]]]:
    """The statement's columns and rows, fetched `YIELD_PER` at a time from a server-side
    cursor (PostgreSQL) or SQLite's incremental cursor."""
    with db.engine.connect() as conn:
        result = conn.execution_options(yield_per=YIELD_PER).execute(statement)
        yield list(result.keys()), iter(result)


def export(
    db: Database,
    out_dir: Path,
    *,
    since: datetime,
    until: datetime | None = None,
    fmt: str = "csv",
    kinds: Sequence[Kind] = KINDS,
) -> dict[str, int]:
    """Write one file per kind into `out_dir`; how many rows each got."""
    if fmt not in FORMATS:
        raise ValueError(f"format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    out_dir.mkdir(parents=True, exist_ok=True)
    window = Window(since, until)
    counts: dict[str, int] = {}
    for kind in kinds:
        path = out_dir / f"{kind.name}.{fmt}"
        partial = path.with_name(f".{path.name}.partial")
        count = 0
        try:
            with (
                partial.open("w", encoding="utf-8", newline="") as out,
                stream(db, kind.query(window)) as (columns, rows),
            ):
                writer = CsvWriter(out, columns) if fmt == "csv" else JsonlWriter(out, columns)
                for row in rows:
                    writer.write(row)
                    count += 1
            partial.replace(path)
        except BaseException:
            partial.unlink(missing_ok=True)  # no half-written file left beside the others
            raise
        counts[kind.name] = count
    return counts
