"""App Home's "Waiting on you": each thing that waits on the viewer with the buttons its DM
carries (the same action ids, so the same handlers answer a press on the page), overdue
first and marked with how late."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block, HeaderBlock

from bot.decisions.messages import decision_buttons
from bot.graph.messages import blocker_buttons
from bot.handoffs.lifecycle import Button
from bot.handoffs.messages import HandoffCard, blocked_line, buttons, owner_buttons
from bot.home.desk import (
    ApprovalWaiting,
    BlockerWaiting,
    DecisionWaiting,
    HandoffWaiting,
    Waiting,
    WaitingSection,
)
from bot.home.waiting import overdue_words
from bot.kernel.durations import format_duration
from bot.kernel.mrkdwn import Mrkdwn, bold, join, local_time, md, mention
from bot.kernel.mrkdwn import channel as channel_link
from bot.kernel.text import context, section
from bot.publishing.messages import approval_buttons

MAX_SHOWN = 20
STATE_WORDS = {
    "open": "open, not acknowledged",
    "acknowledged": "acknowledged",
    "reassigned": "reassigned, not acknowledged",
    "taken_over": "taken over",
}


def state_words(card: HandoffCard) -> str:
    return STATE_WORDS.get(card.state, card.state)


def _when(label: str, due: datetime, now: datetime) -> Mrkdwn:
    """`Act by Tue 24 Nov at 13:00 · *3d 4h overdue*`"""
    late = overdue_words(due, now)
    return md(label, " ", local_time(due), md(" · :warning: ", bold(late)) if late else "")


def _owned(card: HandoffCard, now: datetime) -> list[Block]:
    rows = [
        md(
            bold(card.work_item),
            " from ",
            mention(card.author_id),
            " in ",
            channel_link(card.channel_id),
            ": ",
            card.next_action,
        ),
        md(_when("Act by", card.act_by, now), " · ", state_words(card)),
    ]
    if blocked := blocked_line(card):
        rows.append(blocked)
    return [section(join("\n", rows)), buttons(card, owner_buttons(card))]


def _escalated(card: HandoffCard, now: datetime) -> list[Block]:
    what = "has not acknowledged" if card.unacknowledged else "has not marked done"
    role = (
        "You are the backup owner"
        if card.backup_owner_id and card.backup_owner_id != card.next_owner_id
        else "You handed it off"
    )
    rows = [
        md(
            ":rotating_light: ",
            bold(card.work_item),
            " in ",
            channel_link(card.channel_id),
            ": ",
            mention(card.next_owner_id),
            f" {what} it. {role}: take it over or reach them.",
        ),
        md("Next action: ", card.next_action),
        _when("Act by", card.act_by, now),
    ]
    return [
        section(join("\n", rows)),
        buttons(card, [Button.TAKE_OVER, Button.REACH_THEM]),
    ]


def _blocker(found: BlockerWaiting, now: datetime) -> list[Block]:
    b = found.blocking
    waiting = join("; ", [join(" → ", [bold(n) for n in chain[:-1]]) for chain in b.chains])
    text = md(
        ":no_entry: Your ",
        bold(b.item.name),
        " in ",
        channel_link(b.channel_id),
        " blocks ",
        waiting,
        f", for {format_duration(now - b.since)} now. Done? Press ",
        bold("Resolved"),
        ".",
    )
    return [section(text), blocker_buttons(b.item.id)]


def _approval(found: ApprovalWaiting, now: datetime) -> list[Block]:
    card = found.card
    rows = [
        md(
            ":ballot_box_with_check: Approve ",
            bold(card.name),
            f" ({card.surface}) in ",
            channel_link(card.channel_id),
            ", asked by ",
            mention(card.created_by),
            ".",
        ),
        _when(
            "Window opens" if card.window.start > now else "Window opened", card.window.start, now
        ),
    ]
    return [section(join("\n", rows)), approval_buttons(card, f"publish-{card.id}-approval")]


def _decision(found: DecisionWaiting, now: datetime) -> list[Block]:
    card = found.card
    rows = [
        md(
            ":bar_chart: Decide on ",
            bold(card.name),
            f" ({card.surface}) in ",
            channel_link(card.channel_id),
            ": the prompt in its thread shows the KPIs against your rules.",
        ),
        _when("Decision due", found.decision_due, now),
    ]
    return [section(join("\n", rows)), decision_buttons(card, found.revision)]


def item_blocks(found: Waiting, now: datetime) -> list[Block]:
    if isinstance(found, HandoffWaiting):
        return _escalated(found.card, now) if found.escalated else _owned(found.card, now)
    if isinstance(found, BlockerWaiting):
        return _blocker(found, now)
    if isinstance(found, ApprovalWaiting):
        return _approval(found, now)
    return _decision(found, now)


def waiting_blocks(part: WaitingSection, now: datetime) -> list[Block]:
    blocks: list[Block] = [HeaderBlock(text=f"Waiting on you ({part.total})")]
    if not part.items:
        return [*blocks, context(md("Nothing waits on you."))]
    for found in part.items[:MAX_SHOWN]:
        blocks += item_blocks(found, now)
    if part.more:
        blocks.append(context(md(f"…and {part.more} more, due later.")))
    return blocks
