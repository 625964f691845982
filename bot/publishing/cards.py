"""A stored publish as the views see it, and the keys of the messages that belong to it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.decisions.choices import Choice, Decision
from bot.decisions.rules import Condition, Op, Rule
from bot.kernel.windows import Window
from bot.outbox import intents
from bot.publishing.messages import PublishCard
from store.models import Publish
from store.types import as_utc


def rule_to_json(rule: Rule) -> dict[str, Any]:
    return {
        "conditions": [
            {"metric": c.metric, "op": c.op.value, "threshold": c.threshold}
            for c in rule.conditions
        ],
        "action": rule.action,
    }


def rule_from_json(data: dict[str, Any]) -> Rule:
    return Rule(
        conditions=tuple(
            Condition(metric=c["metric"], op=Op(c["op"]), threshold=float(c["threshold"]))
            for c in data["conditions"]
        ),
        action=str(data["action"]),
    )


def card_of(publish: Publish) -> PublishCard:
    assert publish.id is not None
    return PublishCard(
        id=publish.id,
        name=publish.name,
        link=publish.link,
        surface=publish.surface,
        owner_id=publish.owner_id,
        backup_owner_id=publish.backup_owner_id,
        window=Window(as_utc(publish.window_start), as_utc(publish.window_end)),
        rules=tuple(rule_from_json(r) for r in publish.rules),
        created_by=publish.created_by,
        channel_id=publish.channel_id,
    )


def decision_of(publish: Publish) -> Decision | None:
    if publish.decision is None or publish.decided_by is None or publish.decided_at is None:
        return None
    return Decision(
        Choice(publish.decision),
        publish.decision_action,
        publish.decided_by,
        as_utc(publish.decided_at),
    )


def decision_to_json(decision: Decision) -> dict[str, Any]:
    return {
        "choice": decision.choice.value,
        "action": decision.action,
        "by": decision.by,
        "at": decision.at.isoformat(),
    }


def earlier_decisions(publish: Publish) -> list[Decision]:
    return [
        Decision(
            Choice(d["choice"]), d.get("action"), d["by"], as_utc(datetime.fromisoformat(d["at"]))
        )
        for d in publish.decision_history
    ]


def post_key(publish_id: int) -> str:
    return intents.key_of(intents.PublishPost(publish_id=publish_id))


def prompt_key(publish_id: int) -> str:
    return intents.key_of(intents.DecisionPrompt(publish_id=publish_id))
