"""Guardrail messages: the proposal in the channel and the /guardrails list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.domain.guardrails import Guardrail, describe
from bot.ids import Action
from bot.views.handoff_messages import Message
from bot.views.text import SECTION_TEXT_LIMIT, escape, local_time, mention
from store.models import GuardrailState

MAX_LISTED = 20  # /guardrails: a handful per channel in practice; Slack allows 50 blocks


@dataclass(frozen=True)
class OccurrenceLine:
    where: str
    link: str | None
    at: datetime


@dataclass(frozen=True)
class GuardrailEntry:
    id: int
    class_label: str
    guardrail: Guardrail
    state: GuardrailState
    occurrences: tuple[OccurrenceLine, ...]
    decided_by: str | None
    decided_at: datetime | None


def _occurrence(line: OccurrenceLine) -> str:
    when = local_time(line.at, "{date_short} {time}")
    where = escape(line.where)
    return f"• {when}: <{line.link}|{where}>" if line.link else f"• {when}: {where}"


def _decision(entry: GuardrailEntry) -> str:
    verb = {
        GuardrailState.ENABLED: ":white_check_mark: Enabled",
        GuardrailState.DISMISSED: ":heavy_minus_sign: Dismissed",
        GuardrailState.DISABLED: ":no_entry_sign: Disabled",
        GuardrailState.PROPOSED: "Proposed",
    }[entry.state]
    if entry.decided_by and entry.decided_at:
        return f"{verb} by {mention(entry.decided_by)} {local_time(entry.decided_at)}"
    return verb


def proposal_message(entry: GuardrailEntry) -> Message:
    occurrences = "\n".join(_occurrence(o) for o in entry.occurrences)
    text = (
        f"*{escape(entry.class_label).capitalize()}* happened twice in this channel:\n"
        f"{occurrences}\n*Proposed guardrail:* {describe(entry.guardrail, entry.class_label)}"
    )
    blocks: list[Block] = [SectionBlock(text=text[:SECTION_TEXT_LIMIT])]
    if entry.state is GuardrailState.PROPOSED:
        blocks.append(
            ActionsBlock(
                block_id=f"guardrail-{entry.id}",
                elements=[
                    ButtonElement(
                        text="Enable",
                        action_id=Action.GUARDRAIL_ENABLE,
                        value=str(entry.id),
                        style="primary",
                    ),
                    ButtonElement(
                        text="Dismiss", action_id=Action.GUARDRAIL_DISMISS, value=str(entry.id)
                    ),
                ],
            )
        )
    else:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_decision(entry))]))
    fallback = f"Guardrail proposal: {entry.class_label} happened twice. {_decision(entry)}"
    return Message(text=fallback, blocks=[b.to_dict() for b in blocks])


def guardrails_list(entries: Sequence[GuardrailEntry]) -> Message:
    if not entries:
        text = (
            "No guardrails here yet. When the same failure class shows up twice within "
            "the guardrail window, Baton proposes one in the channel."
        )
        return Message(text=text, blocks=[SectionBlock(text=text).to_dict()])
    blocks: list[Block] = []
    for entry in list(entries)[:MAX_LISTED]:
        because = "\n".join(_occurrence(o) for o in entry.occurrences)
        body = (
            f"*{describe(entry.guardrail, entry.class_label)}*\n{_decision(entry)}; because of "
            f"{escape(entry.class_label)}:\n{because}"
        )
        section = SectionBlock(text=body[:SECTION_TEXT_LIMIT], block_id=f"guardrail-{entry.id}")
        if entry.state is GuardrailState.ENABLED:
            section.accessory = ButtonElement(
                text="Disable",
                action_id=Action.GUARDRAIL_DISABLE,
                value=str(entry.id),
                style="danger",
            )
        blocks.append(section)
    if len(entries) > MAX_LISTED:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=f"and {len(entries) - MAX_LISTED} more")]
            )
        )
    on = sum(e.state is GuardrailState.ENABLED for e in entries)
    return Message(
        text=f"{on} guardrail(s) enabled in this channel", blocks=[b.to_dict() for b in blocks]
    )
