"""Messages about one handoff: the channel post, the next owner's DM and the notes people get
when its state changes (nudges and escalations: reminder_messages.py). Each shows the
handoff's current state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, HeaderBlock

from bot.handoffs.lifecycle import UNACKNOWLEDGED, Button, HandoffState, Urgency, is_live
from bot.ids import AFTER_LINK, Action
from bot.kernel.mrkdwn import (
    Mrkdwn,
    bold,
    channel,
    join,
    lines,
    local_time,
    md,
    mention,
    pending_link,
)
from bot.kernel.text import Message, blocks_of, bullet_sections, context, section
from bot.kernel.words import sentence
from bot.policies.policy import Policy
from bot.policies.words import handoff_plan

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
    policy: Policy | None = None  # the escalation policy it was made under (frozen)
    # Where its escalation policy stands and what comes next (App Home); None: no policy.
    escalation: Mrkdwn | None = None

    @property
    def live(self) -> bool:
        return is_live(self.state)

    @property
    def unacknowledged(self) -> bool:
        return self.state in UNACKNOWLEDGED


def post_link(label: str = "the handoff post") -> Mrkdwn:
    """A link to the channel post, filled in when the message is delivered."""
    return pending_link(AFTER_LINK, label)


def where(card: HandoffCard) -> Mrkdwn:
    return md("in ", channel(card.channel_id), " · ", post_link("open the post"))


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


def state_line(card: HandoffCard) -> Mrkdwn | None:
    """The handoff's state in one line, None while it is simply open."""
    by = mention(card.state_changed_by) if card.state_changed_by else md("someone")
    at = local_time(card.state_changed_at) if card.state_changed_at else md("")
    if card.state == HandoffState.OPEN:
        return None
    if card.state == HandoffState.ACKNOWLEDGED and card.acknowledged_by:
        ack_at = local_time(card.acknowledged_at) if card.acknowledged_at else md("")
        return md(":white_check_mark: Acknowledged by ", mention(card.acknowledged_by), " ", ack_at)
    if card.state == HandoffState.DONE:
        return md(":heavy_check_mark: Done: marked by ", by, " ", at)
    if card.state == HandoffState.REASSIGNED:
        return md(
            ":arrows_counterclockwise: Reassigned to ",
            mention(card.next_owner_id),
            " by ",
            by,
            " ",
            at,
        )
    if card.state == HandoffState.TAKEN_OVER:
        return md(":raised_hand: Taken over by ", mention(card.next_owner_id), " ", at)
    if card.state == HandoffState.HANDED_ON:
        return md(":arrow_right: Handed on by ", by, " with a new handoff ", at)
    if card.state == HandoffState.WITHDRAWN:
        return md(":no_entry_sign: Withdrawn by ", by, " ", at)
    return None


def state_block(card: HandoffCard) -> Block | None:
    line = state_line(card)
    return context(line) if line else None


def owner_label(card: HandoffCard) -> Mrkdwn:
    """`@cai (took over from @ben)`"""
    label = mention(card.next_owner_id)
    if card.previous_owner_id and card.transfer:
        label = md(label, f" ({card.transfer} ", mention(card.previous_owner_id), ")")
    return label


def blocked_line(card: HandoffCard) -> Mrkdwn | None:
    if not card.blocked_by:
        return None
    names = join(
        ", ",
        (
            md(bold(b.name), md(" (owner ", mention(b.owner_id), ")") if b.owner_id else "")
            for b in card.blocked_by
        ),
    )
    return md(":no_entry: blocked by ", names)


def _act_by_line(card: HandoffCard, label: str = "Act by:") -> Mrkdwn:
    low = " · low urgency" if card.urgency == Urgency.LOW else ""
    return md(bold(label), " ", local_time(card.act_by), low)


def plan_line(card: HandoffCard) -> Mrkdwn | None:
    """How it escalates, while it is live under a policy (low urgency: nudges only)."""
    if card.policy is None or card.urgency == Urgency.LOW or not card.live:
        return None
    return handoff_plan(
        card.policy,
        next_owner=card.next_owner_id,
        backup=card.backup_owner_id,
        author=card.author_id,
    )


def _next_line(card: HandoffCard) -> Mrkdwn:
    rows = [
        md(bold("Next owner:"), " ", owner_label(card), ": ", card.next_action),
        _act_by_line(card),
    ]
    if plan := plan_line(card):
        rows.append(plan)
    if blocked := blocked_line(card):
        rows.append(blocked)
    return lines(rows)


def channel_post(card: HandoffCard) -> Message:
    """The compact handoff, headed by the work item's name."""
    blocks: list[Block] = [
        HeaderBlock(text=card.work_item[:HEADER_LIMIT]),  # plain_text: shown as typed
        section(md(bold("Status:"), " ", card.status)),
    ]
    blocks += [section(chunk) for chunk in bullet_sections("Done", card.done)]
    blocks += [section(chunk) for chunk in bullet_sections("Open", card.open, empty="nothing open")]
    blocks.append(section(_next_line(card)))
    people = md("Handed off by ", mention(card.author_id))
    if card.backup_owner_id:
        people = md(people, " · backup owner ", mention(card.backup_owner_id))
    blocks.append(context(people))
    if state := state_block(card):
        blocks.append(state)
    if card.live:
        names = [Button.ACKNOWLEDGE] if card.unacknowledged else []
        names += [Button.EDIT] if card.state == HandoffState.OPEN else []
        blocks.append(buttons(card, [*names, Button.WITHDRAW]))
    text = md(
        "Handoff: ",
        sentence(card.work_item),
        " Status: ",
        sentence(card.status),
        " Next owner ",
        mention(card.next_owner_id),
        ": ",
        card.next_action,
    )
    return Message(text=text, blocks=blocks_of(*blocks))


def next_owner_dm(card: HandoffCard, owner_id: str | None = None) -> Message:
    """The DM to a next owner; once it is no longer theirs (or no longer live), it says why
    and carries no buttons."""
    owner_id = owner_id or card.next_owner_id
    theirs = owner_id == card.next_owner_id and card.live
    if card.transfer == TOOK_OVER and card.previous_owner_id and owner_id == card.next_owner_id:
        opening = md(
            "You took over ", bold(card.work_item), " from ", mention(card.previous_owner_id)
        )
    else:
        opening = md(mention(card.author_id), " handed ", bold(card.work_item), " to you")
    rows = [
        md(opening, " ", where(card)),
        md(bold("Next action:"), " ", card.next_action),
        _act_by_line(card),
        *([plan] if (plan := plan_line(card)) else []),
        md(bold("Status:"), " ", card.status),
    ]
    if blocked := blocked_line(card):
        rows.append(blocked)
    blocks: list[Block] = [section(lines(rows))]
    # What is done as well as what is open: the next owner starts from the whole picture.
    blocks += [section(chunk) for chunk in bullet_sections("Done", card.done)]
    blocks += [section(chunk) for chunk in bullet_sections("Open", card.open, empty="nothing open")]
    if state := state_block(card):
        blocks.append(state)
    if theirs:
        blocks.append(buttons(card, owner_buttons(card)))
    text = md("Handoff for you: ", card.work_item, ". Next action: ", card.next_action)
    return Message(text=text, blocks=blocks_of(*blocks))


def notice(card: HandoffCard, line: Mrkdwn) -> Message:
    """A short DM telling someone what happened to a handoff they are part of."""
    text = md(line, " ", bold(card.work_item), " ", where(card))
    plain = md(card.work_item, ": ", state_line(card) or card.state)
    return Message(text=plain, blocks=blocks_of(section(text)))
