"""Messages about one handoff: the channel post, the next owner's DM, nudges, escalations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.domain.durations import format_duration
from bot.ids import Action
from bot.views.text import bullet_sections, escape, local_time, mention

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
    text: str
    blocks: list[dict[str, Any]]


def _render(blocks: list[Block]) -> list[dict[str, Any]]:
    return [block.to_dict() for block in blocks]


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


def _ack_line(card: HandoffCard) -> ContextBlock:
    assert card.acknowledged_by and card.acknowledged_at
    return ContextBlock(
        elements=[
            MarkdownTextObject(
                text=f":white_check_mark: Acknowledged by {mention(card.acknowledged_by)} "
                f"{local_time(card.acknowledged_at)}"
            )
        ]
    )


def _next_line(card: HandoffCard) -> str:
    return (
        f"*Next owner:* {mention(card.next_owner_id)}: {escape(card.next_action)}\n"
        f"*Act by:* {local_time(card.act_by)}"
    )


def channel_post(card: HandoffCard) -> Message:
    """The compact handoff, headed by the work item's name."""
    blocks: list[Block] = [
        HeaderBlock(text=card.work_item[:HEADER_LIMIT]),
        SectionBlock(text=f"*Status:* {escape(card.status)}"),
    ]
    blocks += [SectionBlock(text=chunk) for chunk in bullet_sections("Done", card.done)]
    blocks += [SectionBlock(text=chunk) for chunk in bullet_sections("Open", card.open)]
    blocks.append(SectionBlock(text=_next_line(card)))
    people = f"Handed off by {mention(card.author_id)}"
    if card.backup_owner_id:
        people += f" · backup owner {mention(card.backup_owner_id)}"
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=people)]))
    blocks.append(_ack_line(card) if card.acknowledged_by else _acknowledge_button(card))
    text = (
        f"Handoff: {card.work_item}. Status: {card.status}. "
        f"Next owner <@{card.next_owner_id}>: {card.next_action}"
    )
    return Message(text=text, blocks=_render(blocks))


def next_owner_dm(card: HandoffCard) -> Message:
    blocks: list[Block] = [
        SectionBlock(
            text=f"{mention(card.author_id)} handed *{escape(card.work_item)}* to you.\n"
            f"*Next action:* {escape(card.next_action)}\n"
            f"*Act by:* {local_time(card.act_by)}\n"
            f"*Status:* {escape(card.status)}"
        ),
    ]
    if card.open:
        blocks += [SectionBlock(text=chunk) for chunk in bullet_sections("Open", card.open)]
    blocks.append(_ack_line(card) if card.acknowledged_by else _acknowledge_button(card))
    text = f"Handoff for you: {card.work_item}. Next action: {card.next_action}"
    return Message(text=text, blocks=_render(blocks))


def nudge_dm(card: HandoffCard) -> Message:
    """At act-by, still unacknowledged: remind the next owner once."""
    blocks: list[Block] = [
        SectionBlock(
            text=f":alarm_clock: *{escape(card.work_item)}* is waiting on you "
            f"since {local_time(card.created_at)} (handed off by {mention(card.author_id)}).\n"
            f"*Next action:* {escape(card.next_action)}\n"
            f"*Act by was:* {local_time(card.act_by)}"
        ),
        _acknowledge_button(card),
    ]
    text = f"Reminder: {card.work_item} is waiting on you. Next action: {card.next_action}"
    return Message(text=text, blocks=_render(blocks))


def escalation_dm(card: HandoffCard, *, late_by: datetime) -> Message:
    """To the backup owner (or the author): the next owner has not acknowledged."""
    late = format_duration(late_by - card.act_by)
    closing = (
        "You are the backup owner: please take it over or reach them."
        if card.backup_owner_id
        else "No backup owner was named, so this comes back to you."
    )
    blocks: list[Block] = [
        SectionBlock(
            text=f":rotating_light: {mention(card.next_owner_id)} has not acknowledged "
            f"*{escape(card.work_item)}*, {late} past its act-by ({local_time(card.act_by)}).\n"
            f"*Next action:* {escape(card.next_action)}\n{closing}"
        ),
        _acknowledge_button(card),
    ]
    text = (
        f"Escalation: {card.work_item} is {late} late; <@{card.next_owner_id}> has not acknowledged"
    )
    return Message(text=text, blocks=_render(blocks))


def escalation_thread_reply(card: HandoffCard, *, late_by: datetime) -> Message:
    late = format_duration(late_by - card.act_by)
    text = (
        f":rotating_light: Not acknowledged: {mention(card.next_owner_id)} was to "
        f"“{escape(card.next_action)}” by {local_time(card.act_by)}; now {late} late."
    )
    if card.backup_owner_id:
        text += f" Backup owner {mention(card.backup_owner_id)} has been asked to step in."
    return Message(text=text, blocks=_render([SectionBlock(text=text)]))
