"""The reminders about one handoff: the nudge at act-by, the escalation DM to whoever must
step in, and its reply in the handoff's thread; each from the handoff as it is now."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block

from bot.handoffs.lifecycle import Button
from bot.handoffs.messages import (
    HandoffCard,
    buttons,
    owner_buttons,
    state_block,
    state_line,
    where,
)
from bot.kernel.durations import format_duration
from bot.kernel.mrkdwn import Mrkdwn, bold, channel, code, local_time, md, mention
from bot.kernel.text import Message, blocks_of, section


def nudge_dm(card: HandoffCard, owner_id: str | None = None) -> Message:
    """At act-by, not done: remind the next owner once."""
    owner_id = owner_id or card.next_owner_id
    blocks: list[Block] = [
        section(
            md(
                ":alarm_clock: ",
                bold(card.work_item),
                " is waiting on you since ",
                local_time(card.created_at),
                " (handed off by ",
                mention(card.author_id),
                ") ",
                where(card),
                "\n",
                bold("Next action:"),
                " ",
                card.next_action,
                "\n",
                bold("Act by was:"),
                " ",
                local_time(card.act_by),
            )
        ),
    ]
    if state := state_block(card):
        blocks.append(state)
    if card.live and owner_id == card.next_owner_id:
        blocks.append(buttons(card, owner_buttons(card)))
    text = md("Reminder: ", card.work_item, " is waiting on you. Next action: ", card.next_action)
    return Message(text=text, blocks=blocks_of(*blocks))


def escalation_head(card: HandoffCard, opening: Mrkdwn, late: str | None) -> Mrkdwn:
    """The first lines of any ask to step in: who has not done what, how late, the action."""
    return md(
        ":rotating_light: ",
        opening,
        f", {late} past its act-by (" if late else ", act-by ",
        local_time(card.act_by),
        ") " if late else " ",
        where(card),
        "\n",
        bold("Next action:"),
        " ",
        card.next_action,
        "\n",
    )


def escalation_dm(card: HandoffCard, *, late_by: datetime, to: str, active: bool = True) -> Message:
    """To whoever must step in: the backup owner (or the author), or the owner of the root
    blocker the handoff waits on. `active`: the escalation still stands (buttons shown)."""
    late = format_duration(late_by - card.act_by) if late_by > card.act_by else None
    what = "has not acknowledged" if card.unacknowledged else "has not marked done"
    if active:
        opening = md(mention(card.next_owner_id), f" {what} ", bold(card.work_item))
    else:  # edited after a change: what it asked then, the state line says what happened
        opening = md("You were asked to step in on ", bold(card.work_item))
    head = escalation_head(card, opening, late)
    blocker = next((b for b in card.blocked_by if b.owner_id == to), None)
    contact = to in (card.backup_owner_id, card.author_id) and blocker is None
    if blocker is not None:
        closing = md(
            "It is blocked by your ",
            bold(blocker.name),
            ": when that is done, press ",
            bold("Resolved"),
            " on its reminder or type ",
            code(f'/blocked "{blocker.name}" done'),
            " in ",
            channel(card.channel_id),
            ".",
        )
    elif to == card.backup_owner_id:
        closing = md("You are the backup owner: please take it over or reach them.")
    else:
        closing = md("No backup owner was named, so this comes back to you.")
    blocks: list[Block] = [section(md(head, closing))]
    if state := state_block(card):
        blocks.append(state)
    if active and contact and card.live:
        blocks.append(buttons(card, [Button.TAKE_OVER, Button.REACH_THEM]))
    if active:
        text = md(
            "Escalation: ",
            card.work_item,
            f" is {late} late; " if late else " is due; ",
            mention(card.next_owner_id),
            f" {what}",
        )
    else:  # a notification for an edit should say what happened, not repeat the alarm
        line = state_line(card)
        text = md("You were asked to step in on ", card.work_item, md(": ", line) if line else "")
    return Message(text=text, blocks=blocks_of(*blocks))


def escalation_thread_reply(card: HandoffCard, *, late_by: datetime, asked: str) -> Message:
    late = format_duration(late_by - card.act_by)
    what = "Not acknowledged" if card.unacknowledged else "Not done by its act-by"
    text = md(
        f":rotating_light: {what}: ",
        mention(card.next_owner_id),
        " was to “",
        card.next_action,
        "” by ",
        local_time(card.act_by),
        f"; now {late} late.",
    )
    if asked == card.backup_owner_id:
        text = md(text, " Backup owner ", mention(asked), " has been asked to step in.")
    elif asked != card.author_id:
        text = md(text, " ", mention(asked), ", whose item blocks it, has been asked.")
    return Message(text=text, blocks=blocks_of(section(text)))
