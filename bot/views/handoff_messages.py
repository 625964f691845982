"""Messages about one handoff: the channel post, the next owner's DM, nudges, escalations,
and the notes people get when its state changes. Each shows the handoff's current state."""

from __future__ import annotations

from dataclasses import dataclass, field
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
from bot.domain.lifecycle import UNACKNOWLEDGED, Button, HandoffState, Urgency, is_live
from bot.ids import AFTER_LINK, Action
from bot.views.text import bullet_sections, escape, local_time, mention

HEADER_LIMIT = 150
TOOK_OVER = "took over from"
REASSIGNED_FROM = "reassigned from"

ACTION_OF: dict[Button, Action] = {
    Button.ACKNOWLEDGE: Action.ACKNOWLEDGE,
    Button.DONE: Action.DONE,
    Button.REASSIGN: Action.REASSIGN,
    Button.SNOOZE: Action.SNOOZE,
    Button.TAKE_OVER: Action.TAKE_OVER,
    Button.REACH_THEM: Action.REACH_THEM,
    Button.EDIT: Action.EDIT,
    Button.WITHDRAW: Action.WITHDRAW,
}
BUTTON_OF = {action: button for button, action in ACTION_OF.items()}


@dataclass(frozen=True)
class Blocker:
    name: str
    owner_id: str | None


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
    channel_id: str = ""
    state: HandoffState = HandoffState.OPEN
    urgency: Urgency = Urgency.NORMAL
    previous_owner_id: str | None = None
    state_changed_by: str | None = None
    state_changed_at: datetime | None = None
    blocked_by: tuple[Blocker, ...] = field(default_factory=tuple)
    transfer: str | None = None  # "took over from" / "reassigned from" the previous owner

    @property
    def live(self) -> bool:
        return is_live(self.state)

    @property
    def unacknowledged(self) -> bool:
        return self.state in UNACKNOWLEDGED


@dataclass(frozen=True)
class Message:
    text: str
    blocks: list[dict[str, Any]]


def _render(blocks: list[Block]) -> list[dict[str, Any]]:
    return [block.to_dict() for block in blocks]


def post_link(label: str = "the handoff post") -> str:
    """A link to the channel post, filled in when the message is delivered."""
    return f"<{AFTER_LINK}|{label}>"


def where(card: HandoffCard) -> str:
    return f"in <#{card.channel_id}> · {post_link('open the post')}"


def buttons(card: HandoffCard, names: list[Button]) -> ActionsBlock:
    return ActionsBlock(
        block_id=f"handoff-{card.id}-actions",
        elements=[
            ButtonElement(
                text=name.value,
                action_id=ACTION_OF[name],
                value=str(card.id),
                style="primary" if index == 0 else None,
            )
            for index, name in enumerate(names)
        ],
    )


def owner_buttons(card: HandoffCard) -> list[Button]:
    """The next owner's buttons, wherever they are shown (DM, nudge, App Home)."""
    first = [Button.ACKNOWLEDGE] if card.unacknowledged else []
    return [*first, Button.DONE, Button.REASSIGN, Button.SNOOZE]


def state_line(card: HandoffCard) -> str | None:
    """The handoff's state in one line, None while it is simply open."""
    by = mention(card.state_changed_by) if card.state_changed_by else "someone"
    at = local_time(card.state_changed_at) if card.state_changed_at else ""
    if card.state == HandoffState.OPEN:
        return None
    if card.state == HandoffState.ACKNOWLEDGED and card.acknowledged_by:
        ack_at = local_time(card.acknowledged_at) if card.acknowledged_at else ""
        return f":white_check_mark: Acknowledged by {mention(card.acknowledged_by)} {ack_at}"
    if card.state == HandoffState.DONE:
        return f":heavy_check_mark: Done: marked by {by} {at}"
    if card.state == HandoffState.REASSIGNED:
        return f":arrows_counterclockwise: Reassigned to {mention(card.next_owner_id)} by {by} {at}"
    if card.state == HandoffState.TAKEN_OVER:
        return f":raised_hand: Taken over by {mention(card.next_owner_id)} {at}"
    if card.state == HandoffState.HANDED_ON:
        return f":arrow_right: Handed on by {by} with a new handoff {at}"
    if card.state == HandoffState.WITHDRAWN:
        return f":no_entry_sign: Withdrawn by {by} {at}"
    return None


def _state_block(card: HandoffCard) -> ContextBlock | None:
    line = state_line(card)
    return ContextBlock(elements=[MarkdownTextObject(text=line)]) if line else None


def owner_label(card: HandoffCard) -> str:
    """`@cai (took over from @ben)`"""
    label = mention(card.next_owner_id)
    if card.previous_owner_id and card.transfer:
        label += f" ({card.transfer} {mention(card.previous_owner_id)})"
    return label


def blocked_line(card: HandoffCard) -> str | None:
    if not card.blocked_by:
        return None
    names = ", ".join(
        f"*{escape(b.name)}*" + (f" (owner {mention(b.owner_id)})" if b.owner_id else "")
        for b in card.blocked_by
    )
    return f":no_entry: blocked by {names}"


def _next_line(card: HandoffCard) -> str:
    act_by = f"*Act by:* {local_time(card.act_by)}"
    if card.urgency == Urgency.LOW:
        act_by += " · low urgency"
    lines = [f"*Next owner:* {owner_label(card)}: {escape(card.next_action)}", act_by]
    if blocked := blocked_line(card):
        lines.append(blocked)
    return "\n".join(lines)


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
    if state := _state_block(card):
        blocks.append(state)
    if card.live:
        names = [Button.ACKNOWLEDGE] if card.unacknowledged else []
        names += [Button.EDIT] if card.state == HandoffState.OPEN else []
        blocks.append(buttons(card, [*names, Button.WITHDRAW]))
    text = (
        f"Handoff: {card.work_item}. Status: {card.status}. "
        f"Next owner <@{card.next_owner_id}>: {card.next_action}"
    )
    return Message(text=text, blocks=_render(blocks))


def next_owner_dm(card: HandoffCard, owner_id: str | None = None) -> Message:
    """The DM to a next owner; once it is no longer theirs (or no longer live), it says why
    and carries no buttons."""
    owner_id = owner_id or card.next_owner_id
    theirs = owner_id == card.next_owner_id and card.live
    if card.transfer == TOOK_OVER and card.previous_owner_id and owner_id == card.next_owner_id:
        opening = f"You took over *{escape(card.work_item)}* from {mention(card.previous_owner_id)}"
    else:
        opening = f"{mention(card.author_id)} handed *{escape(card.work_item)}* to you"
    lines = [
        f"{opening} {where(card)}",
        f"*Next action:* {escape(card.next_action)}",
        f"*Act by:* {local_time(card.act_by)}"
        + (" · low urgency" if card.urgency == Urgency.LOW else ""),
        f"*Status:* {escape(card.status)}",
    ]
    if blocked := blocked_line(card):
        lines.append(blocked)
    blocks: list[Block] = [SectionBlock(text="\n".join(lines))]
    # What is done as well as what is open: the next owner starts from the whole picture.
    blocks += [SectionBlock(text=chunk) for chunk in bullet_sections("Done", card.done)]
    blocks += [SectionBlock(text=chunk) for chunk in bullet_sections("Open", card.open)]
    if state := _state_block(card):
        blocks.append(state)
    if theirs:
        blocks.append(buttons(card, owner_buttons(card)))
    text = f"Handoff for you: {card.work_item}. Next action: {card.next_action}"
    return Message(text=text, blocks=_render(blocks))


def nudge_dm(card: HandoffCard, owner_id: str | None = None) -> Message:
    """At act-by, not done: remind the next owner once."""
    owner_id = owner_id or card.next_owner_id
    blocks: list[Block] = [
        SectionBlock(
            text=f":alarm_clock: *{escape(card.work_item)}* is waiting on you "
            f"since {local_time(card.created_at)} (handed off by {mention(card.author_id)}) "
            f"{where(card)}\n"
            f"*Next action:* {escape(card.next_action)}\n"
            f"*Act by was:* {local_time(card.act_by)}"
        ),
    ]
    if state := _state_block(card):
        blocks.append(state)
    if card.live and owner_id == card.next_owner_id:
        blocks.append(buttons(card, owner_buttons(card)))
    text = f"Reminder: {card.work_item} is waiting on you. Next action: {card.next_action}"
    return Message(text=text, blocks=_render(blocks))


def escalation_dm(card: HandoffCard, *, late_by: datetime, to: str, active: bool = True) -> Message:
    """To whoever must step in: the backup owner (or the author), or the owner of the root
    blocker the handoff waits on. `active`: the escalation still stands (buttons shown)."""
    late = format_duration(late_by - card.act_by)
    what = "has not acknowledged" if card.unacknowledged else "has not marked done"
    if active:
        opening = f"{mention(card.next_owner_id)} {what} *{escape(card.work_item)}*"
    else:  # edited after a change: what it asked then, the state line says what happened
        opening = f"You were asked to step in on *{escape(card.work_item)}*"
    head = (
        f":rotating_light: {opening}, {late} past its act-by ({local_time(card.act_by)}) "
        f"{where(card)}\n*Next action:* {escape(card.next_action)}\n"
    )
    blocker = next((b for b in card.blocked_by if b.owner_id == to), None)
    contact = to in (card.backup_owner_id, card.author_id) and blocker is None
    if blocker is not None:
        closing = (
            f"It is blocked by your *{escape(blocker.name)}*: when that is done, "
            f'press *Resolved* on its reminder or type `/blocked "{escape(blocker.name)}" done` '
            f"in <#{card.channel_id}>."
        )
    elif to == card.backup_owner_id:
        closing = "You are the backup owner: please take it over or reach them."
    else:
        closing = "No backup owner was named, so this comes back to you."
    blocks: list[Block] = [SectionBlock(text=head + closing)]
    if state := _state_block(card):
        blocks.append(state)
    if active and contact and card.live:
        blocks.append(buttons(card, [Button.TAKE_OVER, Button.REACH_THEM]))
    text = f"Escalation: {card.work_item} is {late} late; <@{card.next_owner_id}> {what}"
    return Message(text=text, blocks=_render(blocks))


def escalation_thread_reply(card: HandoffCard, *, late_by: datetime, asked: str) -> Message:
    late = format_duration(late_by - card.act_by)
    what = "Not acknowledged" if card.unacknowledged else "Not done by its act-by"
    text = (
        f":rotating_light: {what}: {mention(card.next_owner_id)} was to "
        f"“{escape(card.next_action)}” by {local_time(card.act_by)}; now {late} late."
    )
    if asked == card.backup_owner_id:
        text += f" Backup owner {mention(asked)} has been asked to step in."
    elif asked != card.author_id:
        text += f" {mention(asked)}, whose item blocks it, has been asked."
    return Message(text=text, blocks=_render([SectionBlock(text=text)]))


def notice(card: HandoffCard, line: str) -> Message:
    """A short DM telling someone what happened to a handoff they are part of."""
    text = f"{line} *{escape(card.work_item)}* {where(card)}"
    plain = f"{card.work_item}: {state_line(card) or card.state}"
    return Message(text=plain, blocks=_render([SectionBlock(text=text)]))
