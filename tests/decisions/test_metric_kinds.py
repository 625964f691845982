"""Every outbox key Baton wrote before messages had a kind is named by the 0009 migration, the
intent it names derives the very same key, and each kind has its metric label (none falls
into "other"); no key is built outside bot/outbox/intents.py any more."""

from __future__ import annotations

import importlib.util
import re
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

from bot.observability.metrics import LABELS, message_kind
from bot.outbox.intents import Kind, key_of, parse

ROOT = Path(__file__).resolve().parents[2]
DUE = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def migration() -> ModuleType:
    path = ROOT / "store" / "migrations" / "versions" / "0009_outbox_intents.py"
    spec = importlib.util.spec_from_file_location("migration_0009", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("handoff:12:post", "handoff_post"),
        ("handoff:12:dm", "handoff_dm"),
        ("handoff:12:nudge", "nudge"),
        ("handoff:12:escalate-dm", "escalation"),
        ("handoff:12:escalate-thread", "escalation"),
        ("handoff:12:post:u3", "handoff_update"),
        ("handoff:12:dm:r1:u2", "handoff_update"),
        ("handoff:12:escalate-dm:r2:u3", "handoff_update"),
        ("handoff:12:dm:r1", "handoff_dm"),
        ("handoff:12:nudge:r2", "nudge"),
        ("handoff:12:escalate-dm:r2", "escalation"),
        ("handoff:12:escalate-thread:r2", "escalation"),
        ("handoff:12:notice:r1:U0CAI", "handoff_notice"),
        ("blocker:7:U0DEE:2026-11-25", "blocker_dm"),
        ("blocker:7:last-word", "blocker_last_word"),
        ("item:7:done:notify:9", "unblocked_dm"),
        ("publish:3:post", "publish_post"),
        ("publish:3:prompt", "decision_prompt"),
        ("publish:3:decision:1", "decision_update"),
        ("publish:3:remind:backup", "decision_reminder"),
        ("publish:3:remind:owner", "decision_reminder"),
        ("publish:3:missing-kpis", "missing_kpis"),
        ("digest:C0STRAT:2026-11-30T09:00", "digest"),
        ("draft:4:post", "draft"),
        ("guardrail:C0LAUNCH:missing_link:proposal", "guardrail"),
        ("guardrail:C0LAUNCH:custom:no emoji:proposal:2", "guardrail"),
        ("guardrail:C0LAUNCH:missing_link:decision", "guardrail"),
        ("handoff:12:nudge:failed", "failure_notice"),
        ("publish:3:post:2", "publish_post"),
        ("publish:3:approval:U0DEE", "approval_request"),
        ("publish:3:approval:U0DEE:2", "approval_request"),
        ("publish:3:changes:U0DEE:2", "changes_requested"),
        ("publish:3:approval-chase:U0DEE", "approval_chase"),
        ("publish:3:approval-chase-owner", "approval_chase"),
        ("chart:U0ANA:13345.6789", "chart"),
        ("digest:C0STRAT:2026-11-30T09:00:chart:kpis", "chart"),
    ],
)
def test_old_keys_are_named_and_derived_again_byte_for_byte(key: str, label: str) -> None:
    m = migration()
    # An escalation's thread reply names whom the DM (the message it follows) asked.
    dm = key.replace("escalate-thread", "escalate-dm")
    row = m.Row(key, "U0BEN", DUE.isoformat(), dm, {dm: "U0BEN"})
    kind, payload = m.intent_of(row)
    assert kind != Kind.PLAIN
    intent = parse(kind, payload)
    assert key_of(intent) == key
    assert message_kind(kind) == label


def test_keys_of_an_unknown_shape_stay_plain() -> None:
    m = migration()
    for key in ("handoff:12:ack:post", "publish:3:decision", "burst:1", "handoff:1:post:r2"):
        kind, payload = m.intent_of(m.Row(key))
        assert kind == Kind.PLAIN and key_of(parse(kind, payload)) == key
        assert message_kind(kind) == "other"


def test_every_kind_has_a_label() -> None:
    assert set(LABELS) == set(Kind)
    assert all(message_kind(k) != "other" for k in Kind if k is not Kind.PLAIN)


def test_no_key_is_put_together_outside_the_intents_module() -> None:
    """Keys were f-strings at 26 places in bot/services; now none is (a failure's `ref`,
    which names what failed, is not a key)."""
    key_shape = re.compile(r'f"(handoff|blocker|item|publish|digest|draft|guardrail|chart):\{')
    found = [
        f"{path.name}: {line.strip()}"
        for path in (ROOT / "bot").rglob("*.py")
        if path.name != "intents.py"
        for line in path.read_text().splitlines()
        if key_shape.search(line) and "ref=" not in line
    ]
    assert found == []
