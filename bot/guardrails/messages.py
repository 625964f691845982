"""Guardrail messages: the proposal in the channel and the /guardrails list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.guardrails.rules import Guardrail, describe
from bot.ids import Action
from bot.kernel.mrkdwn import Mrkdwn, bold, lines, link, local_time, md, mention
from bot.kernel.text import Message, blocks_of, context, section
from store.models import GuardrailState

MAX_LISTED = 20  # /guardrails: a handful per channel in practice; Slack allows 50 blocks


@dataclass(frozen=True)
class OccurrenceLine:
    where: Mrkdwn  # as stored: user text already escaped, Baton's mentions live
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


def _occurrence(line: OccurrenceLine) -> Mrkdwn:
    when = local_time(line.at, "{date_short} {time}")
    # A link's label cannot hold a mention, so the link comes after the text.
    shown = md(" (", link(line.link, "the message"), ")") if line.link else md("")
    return md("• ", when, ": ", line.where, shown)


def _decision(entry: GuardrailEntry) -> Mrkdwn:
    verb = {
        GuardrailState.ENABLED: ":white_check_mark: Enabled",
        GuardrailState.DISMISSED: ":heavy_minus_sign: Dismissed",
        GuardrailState.DISABLED: ":no_entry_sign: Disabled",
        GuardrailState.PROPOSED: "Proposed",
    }[entry.state]
    if entry.decided_by and entry.decided_at:
        return md(verb, " by ", mention(entry.decided_by), " ", local_time(entry.decided_at))
    return md(verb)


def proposal_message(entry: GuardrailEntry) -> Message:
    label = entry.class_label[:1].upper() + entry.class_label[1:]
    text = md(
        bold(label),
        " happened twice in this channel:\n",
        lines(_occurrence(o) for o in entry.occurrences),
        "\n",
        bold("Proposed guardrail:"),
        " ",
        describe(entry.guardrail, entry.class_label),
    )
    blocks: list[Block] = [section(text)]
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
        blocks.append(context(_decision(entry)))
    fallback = md("Guardrail proposal: ", entry.class_label, " happened twice. ", _decision(entry))
    return Message(text=fallback, blocks=blocks_of(*blocks))


def guardrails_list(entries: Sequence[GuardrailEntry]) -> Message:
    if not entries:
        text = md(
            "No guardrails here yet. When the same failure class shows up twice within "
            "the guardrail window, Baton proposes one in the channel."
        )
        return Message(text=text, blocks=blocks_of(section(text)))
    blocks: list[Block] = []
    for entry in list(entries)[:MAX_LISTED]:
        body = md(
            bold(describe(entry.guardrail, entry.class_label)),
            "\n",
            _decision(entry),
            "; because of ",
            entry.class_label,
            ":\n",
            lines(_occurrence(o) for o in entry.occurrences),
        )
        block = section(body, block_id=f"guardrail-{entry.id}")
        if entry.state is GuardrailState.ENABLED:
            block.accessory = ButtonElement(
                text="Disable",
                action_id=Action.GUARDRAIL_DISABLE,
                value=str(entry.id),
                style="danger",
            )
        blocks.append(block)
    if len(entries) > MAX_LISTED:
        blocks.append(context(md(f"and {len(entries) - MAX_LISTED} more")))
    on = sum(e.state is GuardrailState.ENABLED for e in entries)
    return Message(text=md(f"{on} guardrail(s) enabled in this channel"), blocks=blocks_of(*blocks))
