"""Messages about one handoff: the channel post, the next owner's DM, nudges, escalations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, HeaderBlock

from bot.domain.durations import format_duration
from bot.ids import Action
from bot.views.mrkdwn import Mrkdwn, bold, clip, local_time, md, mention
from bot.views.text import blocks_of, bullet_sections, context, section

HEADER_LIMIT = 150


@dataclass(frozen=True)
class HandoffCard:
    """What every handoff message shows, independent of where it comes from."""

    id: int
    work_item: str
    status: str
    done: list[str]
    open: list[str]
    author_id: str
    next_owner_id: str
    next_action: str
    backup_owner_id: str | None
    act_by: datetime
    created_at: datetime
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None


@dataclass(frozen=True)
class Message:
    """What Baton sends: `text` is the notification (and screen reader) fallback; both it and
    the blocks are mrkdwn made by `bot.views.mrkdwn`."""

    text: Mrkdwn
    blocks: list[dict[str, Any]]

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", clip(self.text))


def _acknowledge_button(card: HandoffCard) -> ActionsBlock:
    return ActionsBlock(
        block_id=f"handoff-{card.id}-actions",
        elements=[
            ButtonElement(
                text="Acknowledge",
                action_id=Action.ACKNOWLEDGE,
                value=str(card.id),
                style="primary",
            )
        ],
    )


def _ack_line(card: HandoffCard) -> Block:
    assert card.acknowledged_by and card.acknowledged_at
    return context(
        md(
            ":white_check_mark: Acknowledged by ",
            mention(card.acknowledged_by),
            " ",
            local_time(card.acknowledged_at),
        )
    )


def _next_line(card: HandoffCard) -> Mrkdwn:
    return md(
        bold("Next owner:"),
        " ",
        mention(card.next_owner_id),
        ": ",
        card.next_action,
        "\n",
        bold("Act by:"),
        " ",
        local_time(card.act_by),
    )


def channel_post(card: HandoffCard) -> Message:
    """The compact handoff, headed by the work item's name."""
    blocks: list[Block] = [
        HeaderBlock(text=card.work_item[:HEADER_LIMIT]),  # plain_text: shown as typed
        section(md(bold("Status:"), " ", card.status)),
    ]
    blocks += [section(chunk) for chunk in bullet_sections("Done", card.done)]
    blocks += [section(chunk) for chunk in bullet_sections("Open", card.open)]
    blocks.append(section(_next_line(card)))
    people = md("Handed off by ", mention(card.author_id))
    if card.backup_owner_id:
        people = md(people, " · backup owner ", mention(card.backup_owner_id))
    blocks.append(context(people))
    blocks.append(_ack_line(card) if card.acknowledged_by else _acknowledge_button(card))
    text = md(
        "Handoff: ",
        card.work_item,
        ". Status: ",
        card.status,
        ". Next owner ",
        mention(card.next_owner_id),
        ": ",
        card.next_action,
    )
    return Message(text=text, blocks=blocks_of(*blocks))


def next_owner_dm(card: HandoffCard) -> Message:
    blocks: list[Block] = [
        section(
            md(
                mention(card.author_id),
                " handed ",
                bold(card.work_item),
                " to you.\n",
                bold("Next action:"),
                " ",
                card.next_action,
                "\n",
                bold("Act by:"),
                " ",
                local_time(card.act_by),
                "\n",
                bold("Status:"),
                " ",
                card.status,
            )
        ),
    ]
    if card.open:
        blocks += [section(chunk) for chunk in bullet_sections("Open", card.open)]
    blocks.append(_ack_line(card) if card.acknowledged_by else _acknowledge_button(card))
    text = md("Handoff for you: ", card.work_item, ". Next action: ", card.next_action)
    return Message(text=text, blocks=blocks_of(*blocks))


def nudge_dm(card: HandoffCard) -> Message:
    """At act-by, still unacknowledged: remind the next owner once."""
    blocks: list[Block] = [
        section(
            md(
                ":alarm_clock: ",
                bold(card.work_item),
                " is waiting on you since ",
                local_time(card.created_at),
                " (handed off by ",
                mention(card.author_id),
                ").\n",
                bold("Next action:"),
                " ",
                card.next_action,
                "\n",
                bold("Act by was:"),
                " ",
                local_time(card.act_by),
            )
        ),
        _acknowledge_button(card),
    ]
    text = md("Reminder: ", card.work_item, " is waiting on you. Next action: ", card.next_action)
    return Message(text=text, blocks=blocks_of(*blocks))


def escalation_dm(card: HandoffCard, *, late_by: datetime) -> Message:
    """To the backup owner (or the author): the next owner has not acknowledged."""
    late = format_duration(late_by - card.act_by)
    closing = (
        "You are the backup owner: please take it over or reach them."
        if card.backup_owner_id
        else "No backup owner was named, so this comes back to you."
    )
    blocks: list[Block] = [
        section(
            md(
                ":rotating_light: ",
                mention(card.next_owner_id),
                " has not acknowledged ",
                bold(card.work_item),
                f", {late} past its act-by (",
                local_time(card.act_by),
                ").\n",
                bold("Next action:"),
                " ",
                card.next_action,
                "\n",
                closing,
            )
        ),
        _acknowledge_button(card),
    ]
    text = md(
        "Escalation: ",
        card.work_item,
        f" is {late} late; ",
        mention(card.next_owner_id),
        " has not acknowledged",
    )
    return Message(text=text, blocks=blocks_of(*blocks))


def escalation_thread_reply(card: HandoffCard, *, late_by: datetime) -> Message:
    late = format_duration(late_by - card.act_by)
    text = md(
        ":rotating_light: Not acknowledged: ",
        mention(card.next_owner_id),
        " was to “",
        card.next_action,
        "” by ",
        local_time(card.act_by),
        f"; now {late} late.",
    )
    if card.backup_owner_id:
        text = md(
            text, " Backup owner ", mention(card.backup_owner_id), " has been asked to step in."
        )
    return Message(text=text, blocks=blocks_of(section(text)))
