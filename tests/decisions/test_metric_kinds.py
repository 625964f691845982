"""Every outbox key Baton writes maps to a named kind of message (none falls into "other")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.observability.metrics import message_kind

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("handoff:12:post", "handoff_post"),
        ("handoff:12:dm", "handoff_dm"),
        ("handoff:12:ack:post", "handoff_update"),
        ("handoff:12:nudge", "nudge"),
        ("handoff:12:escalate-dm", "escalation"),
        ("handoff:12:escalate-thread", "escalation"),
        ("handoff:12:post:u3", "handoff_update"),
        ("handoff:12:dm:r1:u2", "handoff_update"),
        ("handoff:12:dm:r1", "handoff_dm"),
        ("handoff:12:nudge:r2", "nudge"),
        ("handoff:12:escalate-dm:r2", "escalation"),
        ("handoff:12:notice:r1:U0CAI", "handoff_notice"),
        ("blocker:7:U0DEE:2026-11-25", "blocker_dm"),
        ("blocker:7:last-word", "blocker_last_word"),
        ("item:7:done:notify:9", "unblocked_dm"),
        ("publish:3:post", "publish_post"),
        ("publish:3:prompt", "decision_prompt"),
        ("publish:3:decision", "decision_update"),
        ("publish:3:remind:backup", "decision_reminder"),
        ("publish:3:missing-kpis", "missing_kpis"),
        ("digest:2026-11-30T09:00", "digest"),
        ("draft:4:post", "draft"),
        ("guardrail:C0LAUNCH:missing_link:proposal", "guardrail"),
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
def test_message_kinds(key: str, kind: str) -> None:
    assert message_kind(key) == kind


def test_every_key_family_in_the_code_is_named() -> None:
    """Keys are written as f-strings in bot/services; each family here has a kind above."""
    families = set()
    for path in (ROOT / "bot" / "services").glob("*.py"):
        families |= set(re.findall(r'f"([a-z]+):\{', path.read_text()))
    assert families <= {
        "handoff",
        "blocker",
        "item",
        "publish",
        "digest",
        "draft",
        "guardrail",
        "chart",
    }
