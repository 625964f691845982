"""What an escalation policy's steps say (pure: built from the handoff's card when sent).

A step DM to someone other than the next owner reads like the escalation DM Baton always
sent, and says why it is them; the thread says who was asked, and why a step passed on."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block

from bot.handoffs.lifecycle import Button
from bot.handoffs.messages import HandoffCard, buttons, state_line, where
from bot.handoffs.reminder_messages import escalation_head
from bot.kernel.durations import format_duration
from bot.kernel.mrkdwn import Mrkdwn, bold, channel, code, join, local_time, md, mention
from bot.kernel.text import Message, blocks_of, context, section
from bot.policies.chain import Position, next_step, positions
from bot.policies.policy import Policy, Target, TargetKind

PLEASE = "please take it over or reach them."


def _late(card: HandoffCard, due: datetime) -> str | None:
    return format_duration(due - card.act_by) if due > card.act_by else None


def _why_you(card: HandoffCard, to: str, target: TargetKind, handle: str | None) -> Mrkdwn:
    if to == card.backup_owner_id and target in (TargetKind.BACKUP, TargetKind.PERSON):
        return md("You are the backup owner: ", PLEASE)
    if to == card.author_id and target in (TargetKind.BACKUP, TargetKind.AUTHOR):
        if card.backup_owner_id is None:
            return md("No backup owner was named, so this comes back to you.")
        return md("You handed it off: ", PLEASE)
    if target is TargetKind.OWNERS:
        return md("You own ", channel(card.channel_id), ": ", PLEASE)
    if target is TargetKind.GROUP:
        return md(f"You are in @{handle}: " if handle else "Your user group is asked: ", PLEASE)
    if target is TargetKind.ROTATION:
        return md("It is your turn on the rotation: ", PLEASE)
    return md("The escalation policy of ", channel(card.channel_id), " asks you: ", PLEASE)


def step_dm(
    card: HandoffCard,
    *,
    due: datetime,
    to: str,
    target: TargetKind,
    handle: str | None,
    active: bool = True,
) -> Message:
    """To whoever a step asks to step in, besides the next owner. `active`: the ask still
    stands (buttons shown); else edited after a change, saying what happened instead."""
    late = _late(card, due)
    what = "has not acknowledged" if card.unacknowledged else "has not marked done"
    line = state_line(card)
    if not active:
        text = md("You were asked to step in on ", card.work_item, md(": ", line) if line else "")
        asked = md(":rotating_light: You were asked to step in on ", bold(card.work_item))
        blocks: list[Block] = [section(md(asked, " ", where(card)))]
        if line:
            blocks.append(context(line))
        return Message(text=text, blocks=blocks_of(*blocks))
    head = escalation_head(
        card, md(mention(card.next_owner_id), f" {what} ", bold(card.work_item)), late
    )
    blocks = [section(md(head, _why_you(card, to, target, handle)))]
    if line:
        blocks.append(context(line))
    if card.live:
        blocks.append(buttons(card, [Button.TAKE_OVER, Button.REACH_THEM]))
    text = md(
        "Escalation: ",
        card.work_item,
        f" is {late} late; " if late else " is due; ",
        mention(card.next_owner_id),
        f" {what}",
    )
    return Message(text=text, blocks=blocks_of(*blocks))


def thread_reply(card: HandoffCard, *, due: datetime, asked: tuple[str, ...]) -> Message:
    """A thread step: whose act-by passed, and who has been asked to step in so far."""
    late = _late(card, due)
    what = "Not acknowledged" if card.unacknowledged else "Not done by its act-by"
    text = md(
        f":rotating_light: {what}: ",
        mention(card.next_owner_id),
        " was to “",
        card.next_action,
        "” by ",
        local_time(card.act_by),
        f"; now {late} late." if late else ".",
    )
    if asked:
        text = md(text, " Asked to step in: ", join(", ", [mention(u) for u in asked]), ".")
    return Message(text=text, blocks=blocks_of(section(text)))


def _target_words(target: Target) -> Mrkdwn:
    if target.kind is TargetKind.PERSON and target.ref:
        return mention(target.ref)
    if target.kind is TargetKind.GROUP:
        return md(f"@{target.handle or target.ref}")
    return md(f"the {target.kind.value}")


def progress(policy: Policy, urgency: str, done: Position | None, due: datetime | None) -> Mrkdwn:
    """`escalation: step 2 of 7 (backup) sent · next: the thread, <time>`."""
    steps = list(positions(policy))
    if done is None:
        sent = md("nothing sent yet")
    else:
        asked = _target_words(policy.steps[done.step].target)
        sent = md(f"step {steps.index(done) + 1} of {len(steps)} (", asked, ") sent")
    coming = next_step(policy, urgency, done)
    if coming is None or due is None:
        return md("escalation: ", sent, ", nothing more to come")
    return md(
        "escalation: ", sent, " · next: ", _target_words(coming.step.target), ", ", local_time(due)
    )


def passed_on(
    position: Position, target: TargetKind, who: str | None, why: str, *, last: bool
) -> Message:
    """A step that could ask no one: why, in the thread, and that the chain goes on."""
    about = md(mention(who), " is ", why) if who else md(why)
    then = "; that was the last step." if last else ", so the next step goes ahead now."
    text = md(":fast_forward: ", position.label().capitalize(), f" ({target.value}): ", about, then)
    return Message(text=text, blocks=blocks_of(section(text)))


def person_left_dm(channel_id: str, person: str) -> Message:
    """To each of the channel's owners, once: someone its escalation policy names has left."""
    text = md(
        mention(person),
        ", named in the escalation policy of ",
        channel(channel_id),
        ", is no longer in this Slack workspace: the steps that ask them pass on to the next. "
        "Change the policy in ",
        code("/baton settings"),
        ".",
    )
    return Message(text=text, blocks=blocks_of(section(text)))
