"""`baton export`: every row of every kind comes out, as the database holds it."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import SQLModel, select

from bot.cli import main
from bot.ops.export import KINDS, export
from bot.outbox.intents import Kind
from store.db import Database
from store.migrate import upgrade
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

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday
TRICKY = 'quote " comma , newline \n and ünïcode ✓'


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def seed(db: Database) -> None:
    """Two weeks of everything, one row in week 2 per kind at least, text that CSV must quote."""
    with db.write() as s:
        items = [
            WorkItem(
                channel_id="C0LAUNCH",
                name=f"item {n} {TRICKY}",
                name_key=f"item {n}",
                owner_id="U0DEE",
                created_at=at(n),
                state="done" if n == 2 else "open",
                done_at=at(n + 1) if n == 2 else None,
            )
            for n in range(4)
        ]
        s.add_all(items)
        s.flush()
        ids = [i.id for i in items]
        assert all(ids)
        s.add_all(
            [
                Dependency(
                    channel_id="C0LAUNCH",
                    item_id=ids[0],
                    dependency_id=ids[1],
                    kind="hard",
                    reason=TRICKY,
                    declared_by="U0CAI",
                    created_at=at(1),
                    updated_at=at(1),
                ),
                Dependency(
                    channel_id="C0LAUNCH",
                    item_id=ids[1],
                    dependency_id=ids[2],
                    kind="soft",
                    declared_by="U0CAI",
                    created_at=at(9),
                    updated_at=at(9),
                ),
            ]
        )
        handoffs = [
            Handoff(
                work_item_id=ids[n % 4],
                channel_id="C0LAUNCH",
                author_id="U0CAI",
                status=TRICKY,
                done=["a", TRICKY],
                open=[],
                next_owner_id="U0ANA",
                next_action="publish",
                backup_owner_id=None if n else "U0BEN",
                act_by=at(n + 0.5),
                created_at=at(n),
                acknowledged_by="U0ANA" if n % 2 else None,
                acknowledged_at=at(n + 0.1) if n % 2 else None,
            )
            for n in (0, 1, 8, 9)
        ]
        s.add_all(handoffs)
        s.flush()
        for h in handoffs:
            for kind, message_kind, status in (
                ("post", Kind.HANDOFF_POST, "sent"),
                ("nudge", Kind.HANDOFF_NUDGE, "sent"),
                ("escalate-dm", Kind.ESCALATION_DM, "sent"),
                ("escalate-thread", Kind.ESCALATION_THREAD, "pending"),
            ):
                s.add(
                    OutboxMessage(
                        idempotency_key=f"handoff:{h.id}:{kind}",
                        kind=message_kind,
                        target="U0ANA",
                        text="t",
                        blocks=[],
                        handoff_id=h.id,
                        status=status,
                        due_at=h.act_by,
                        created_at=h.created_at,
                        updated_at=h.act_by + timedelta(minutes=1),
                    )
                )
            # Its life after acknowledgement: done (a change the handoff row does not date),
            # and the second act-by's nudge (keyed by revision).
            assert h.id is not None
            s.add(
                HandoffStateChange(
                    handoff_id=h.id,
                    from_state="acknowledged",
                    to_state="done",
                    changed_by="U0ANA",
                    changed_at=h.act_by + timedelta(hours=2),
                    next_owner_id="U0ANA",
                )
            )
            s.add(
                OutboxMessage(
                    idempotency_key=f"handoff:{h.id}:nudge:r1",
                    kind=Kind.HANDOFF_NUDGE,
                    target="U0ANA",
                    text="t",
                    blocks=[],
                    handoff_id=h.id,
                    status="sent",
                    due_at=h.act_by,
                    created_at=h.created_at,
                    updated_at=h.act_by + timedelta(hours=1),
                )
            )
        publishes = [
            Publish(
                channel_id="C0LAUNCH",
                name=f"launch {n}",
                name_key=f"launch {n}",
                link="https://example.com/x",
                surface="LinkedIn",
                owner_id="U0ANA",
                backup_owner_id="U0BEN",
                window_start=at(n),
                window_end=at(n + 0.1),
                rules=[{"when": [["reach", "<", 1000]], "action": TRICKY}],
                created_by="U0ANA",
                created_at=at(n),
                decision_due_at=at(n + 1),
                decided_by="U0ANA" if n < 9 else None,
                decided_at=at(n + 1.5) if n < 9 else None,
                decision_actions=[TRICKY] if n < 9 else [],
                decision="revise" if n == 8 else ("repeat" if n < 9 else None),
                decision_action=TRICKY if n == 8 else None,
                decision_history=(
                    [{"choice": "repeat", "action": None, "by": "U0BEN", "at": at(n).isoformat()}]
                    if n == 8
                    else []
                ),
                tracking_labels={"utm_source": "li"},
            )
            for n in (0, 8, 9)
        ]
        s.add_all(publishes)
        s.flush()
        for p in publishes:
            assert p.id is not None
            s.add(
                PublishApproval(
                    publish_id=p.id, approver_id="U0DEE", state="approved", decided_at=at(0.5)
                )
            )
            s.add(
                PublishApproval(
                    publish_id=p.id, approver_id="U0CAI", state="changes_requested", note=TRICKY
                )
            )
            for k in range(5):
                s.add(
                    KpiReading(
                        publish_id=p.id,
                        metric="reach",
                        value=k * 1.5,
                        observed_at=p.created_at + timedelta(hours=k),
                        source="ga4",
                        recorded_by=None if k else "U0ANA",
                        created_at=p.created_at + timedelta(hours=k),
                    )
                )
        failures = [
            FailureOccurrence(
                channel_id="C0LAUNCH",
                class_id="missing_link",
                ref=f"r{n}",
                where=TRICKY,
                link=None,
                at=at(n),
            )
            for n in (0, 1, 10)
        ]
        s.add_all(failures)
        s.flush()
        s.add(
            ChannelGuardrail(
                channel_id="C0LAUNCH",
                class_id="missing_link",
                guardrail="link_required",
                state="enabled",
                first_occurrence_id=failures[0].id,
                second_occurrence_id=failures[1].id,
                proposed_at=at(1),
                decided_by="U0ANA",
                decided_at=at(2),
            )
        )


def read(path: Path, fmt: str) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8", newline="") as f:
        if fmt == "csv":
            return list(csv.DictReader(f))
        return [json.loads(line) for line in f]


def same(exported: Any, stored: Any, fmt: str) -> bool:
    """An exported value against the database's, the way each format writes it."""
    if stored is None:
        return exported == ("" if fmt == "csv" else None)
    if isinstance(stored, datetime):
        return datetime.fromisoformat(exported) == stored
    if isinstance(stored, (list, dict)):
        return (json.loads(exported) if fmt == "csv" else exported) == stored
    if isinstance(stored, bool):
        return (
            str(exported).lower() in ("true", "1")
            if stored
            else str(exported).lower() in ("false", "0")
        )
    if isinstance(stored, (int, float)):
        return float(exported) == float(stored)
    return exported == stored


PLAIN_KINDS: dict[str, type[SQLModel]] = {
    "work_items": WorkItem,
    "publishes": Publish,
    "kpi_readings": KpiReading,
    "failures": FailureOccurrence,
    "guardrails": ChannelGuardrail,
    "handoffs": Handoff,
    "dependencies": Dependency,
    "approvals": PublishApproval,
}


def expected_counts(db: Database, since: datetime, until: datetime) -> dict[str, int]:
    """What each kind should hold, counted from the tables in plain Python."""

    def inside(t: datetime | None) -> bool:
        return t is not None and since <= t < until

    with db.read() as s:
        handoffs = s.exec(select(Handoff)).all()
        sent_events = [
            o
            for o in s.exec(select(OutboxMessage)).all()
            if o.status == OutboxStatus.SENT
            and o.idempotency_key.removesuffix(":r1").split(":")[-1]
            in ("nudge", "escalate-dm", "escalate-thread")
            and inside(o.updated_at)
        ]
        changes = [
            c
            for c in s.exec(select(HandoffStateChange)).all()
            if c.to_state not in ("open", "acknowledged") and inside(c.changed_at)
        ]
        publishes = s.exec(select(Publish)).all()
        return {
            "handoffs": sum(inside(h.created_at) for h in handoffs),
            "handoff_events": sum(inside(h.created_at) for h in handoffs)
            + sum(inside(h.acknowledged_at) for h in handoffs)
            + len(sent_events)
            + len(changes),
            "work_items": sum(inside(i.created_at) for i in s.exec(select(WorkItem)).all()),
            "dependencies": sum(inside(d.created_at) for d in s.exec(select(Dependency)).all()),
            "publishes": sum(inside(p.created_at) for p in publishes),
            "kpi_readings": sum(inside(r.observed_at) for r in s.exec(select(KpiReading)).all()),
            "approvals": sum(
                inside(p.created_at)
                for a in s.exec(select(PublishApproval)).all()
                for p in publishes
                if p.id == a.publish_id
            ),
            "decisions": sum(inside(p.decided_at) for p in publishes),
            "failures": sum(inside(f.at) for f in s.exec(select(FailureOccurrence)).all()),
            "guardrails": sum(
                inside(g.proposed_at) for g in s.exec(select(ChannelGuardrail)).all()
            ),
        }


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_round_trips_every_row_of_every_kind(
    database_url: str, tmp_path: Path, fmt: str
) -> None:
    db = Database(database_url)
    upgrade(db)
    seed(db)
    out = tmp_path / "out"
    try:
        counts = export(db, out, since=at(-1), until=at(30), fmt=fmt)
        assert counts == expected_counts(db, at(-1), at(30))
        assert sorted(p.name for p in out.iterdir()) == sorted(f"{k.name}.{fmt}" for k in KINDS)
        for kind, model in PLAIN_KINDS.items():
            rows = read(out / f"{kind}.{fmt}", fmt)
            with db.read() as s:
                stored = {r.id: r.model_dump() for r in s.exec(select(model)).all()}
            assert sorted(int(r["id"]) for r in rows) == sorted(stored), kind
            for row in rows:
                original = stored[int(row["id"])]
                for column, exported in row.items():
                    if column in original:
                        assert same(exported, original[column], fmt), (kind, column, exported)
        events = read(out / f"handoff_events.{fmt}", fmt)
        assert {e["event"] for e in events} == {
            "created",
            "acknowledged",
            "nudge_sent",
            "escalation_dm_sent",
            "done",
        }
        decisions = read(out / f"decisions.{fmt}", fmt)
        assert {d["publish"] for d in decisions} == {"launch 0", "launch 8"}
        revised = next(d for d in decisions if d["publish"] == "launch 8")
        assert revised["decision"] == "revise" and revised["decision_action"] == TRICKY
        history = revised["decision_history"]
        assert (json.loads(history) if fmt == "csv" else history)[0]["choice"] == "repeat"
        asked = read(out / f"approvals.{fmt}", fmt)
        assert {(a["publish"], a["approver_id"], a["state"]) for a in asked} >= {
            ("launch 0", "U0DEE", "approved"),
            ("launch 0", "U0CAI", "changes_requested"),
        }
        edges = read(out / f"dependencies.{fmt}", fmt)
        assert edges[0]["item"] == f"item 0 {TRICKY}" and edges[0]["reason"] == TRICKY

        # A window: only week 2 (the --until date is included whole).
        week2 = tmp_path / "week2"
        counts = export(db, week2, since=at(7), until=at(14), fmt=fmt)
        assert counts == expected_counts(db, at(7), at(14))
        assert all(
            counts[k] > 0
            for k in ("handoffs", "publishes", "kpi_readings", "failures", "approvals")
        )
        assert counts["guardrails"] == 0
    finally:
        db.dispose()


def test_the_export_command_takes_dates_and_names_each_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'baton.db'}"
    db = Database(url)
    upgrade(db)
    seed(db)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    code = main(
        [
            "export",
            "--since",
            "2026-11-09",
            "--until",
            "2026-11-15",
            "--format",
            "jsonl",
            "--out",
            str(tmp_path / "w2"),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    expected = expected_counts(
        db, datetime(2026, 11, 9, tzinfo=UTC), datetime(2026, 11, 16, tzinfo=UTC)
    )
    for kind, count in expected.items():
        assert f"{count:>9} {kind}" in printed
    assert main(["export", "--since", "yesterday", "--out", str(tmp_path / "x")]) == 2
    db.dispose()
