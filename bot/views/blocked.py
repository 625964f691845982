"""What `/blocked` answers, and the blocker DMs: always the precise blocker, never just
"blocked"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, SectionBlock

from bot.domain.durations import format_duration
from bot.domain.graph import ItemRef, ItemReport
from bot.ids import Action
from bot.views.handoff_messages import Message
from bot.views.text import SECTION_TEXT_LIMIT, escape, local_time, mention


def _owner(ref: ItemRef) -> str:
    return f"owner {mention(ref.owner_id)}" if ref.owner_id else "no owner yet"


def _chain(names: list[str]) -> str:
    return " → ".join(f"*{escape(n)}*" for n in names)


def report_text(report: ItemReport, *, now: datetime) -> str:
    """`*KPI capture* is blocked by *instrumentation metadata* (owner @dee, hard, waiting 26h)`"""
    name = f"*{escape(report.item.name)}*"
    if report.item.done:
        lines = [f"{name} is done."]
    elif not report.blockers:
        lines = [f"{name} is not blocked: nothing hard it waits on is open."]
    else:
        lines = []
        for blocker in report.blockers:
            line = (
                f"{name} is blocked by *{escape(blocker.root.name)}* "
                f"({_owner(blocker.root)}, hard, waiting {format_duration(now - blocker.since)})"
            )
            if len(blocker.chain) > 2:
                line += f"\n      via {_chain(blocker.chain)}"
            lines.append(line)
    for ref, reason in report.soft:
        because = f", assuming: {escape(reason)}" if reason else ""
        lines.append(
            f"Proceeding on an assumption: *{escape(ref.name)}* ({_owner(ref)}, soft{because})"
        )
    return "\n".join(lines)


def report_message(report: ItemReport, *, now: datetime) -> Message:
    text = report_text(report, now=now)
    return Message(text=text, blocks=[SectionBlock(text=text[:SECTION_TEXT_LIMIT]).to_dict()])


def channel_list(reports: list[ItemReport], total: int, *, now: datetime) -> Message:
    if not reports:
        text = "Nothing in this channel is blocked."
        return Message(text=text, blocks=[SectionBlock(text=text).to_dict()])
    blocks: list[Block] = [SectionBlock(text=f"*Blocked in this channel* ({total})")]
    for report in reports:
        blocks.append(SectionBlock(text=report_text(report, now=now)[:SECTION_TEXT_LIMIT]))
    if total > len(reports):
        blocks.append(
            SectionBlock(
                text=f"…and {total - len(reports)} more, waiting less long. "
                "Ask about one with `/blocked <item>`."
            )
        )
    text = f"{total} blocked item(s) in this channel"
    return Message(text=text, blocks=[b.to_dict() for b in blocks])


@dataclass(frozen=True)
class Wait:
    """One chain of work waiting on a blocker: names from the waiting item down to the
    blocker, whose the waiting item is, and the `because` given for the edge onto the blocker."""

    chain: list[str]
    owner_id: str | None
    reason: str | None


def _wait_line(wait: Wait) -> str:
    who = f"{mention(wait.owner_id)} waits" if wait.owner_id else "nobody named waits"
    because = f", because {escape(wait.reason)}" if wait.reason else ""
    return f"• {_chain(wait.chain)} ({who}{because})"


def blocker_dm(
    root: ItemRef, waits: list[Wait], *, since: datetime, now: datetime, channel_id: str
) -> Message:
    waited = format_duration(now - since)
    command = f'`/blocked "{escape(root.name)}" done`'
    if root.owner_id:
        opening = (
            f"*{escape(root.name)}* is blocking other work in <#{channel_id}>, for {waited} now:"
        )
        closing = (
            f"When it is done, press *Resolved* (or type {command} in <#{channel_id}>); "
            "*Snooze 1 day* to hear of it tomorrow."
        )
    else:
        opening = (
            f"*{escape(root.name)}* in <#{channel_id}> has no owner and is blocking other work "
            f"for {waited}:"
        )
        closing = (
            "You declared this dependency: please name an owner with "
            f'`/blocked <item> on "{escape(root.name)}" @owner` in <#{channel_id}>.'
        )
    lines = [_wait_line(w) for w in waits] or [f"• *{escape(root.name)}*"]
    body = "\n".join([opening, *lines, closing])[:SECTION_TEXT_LIMIT]
    blocks: list[Block] = [
        SectionBlock(text=body),
        ActionsBlock(
            elements=[
                ButtonElement(text="Resolved", action_id=Action.RESOLVED, value=str(root.id)),
                ButtonElement(
                    text="Snooze 1 day", action_id=Action.BLOCKER_SNOOZE, value=str(root.id)
                ),
            ]
        ),
    ]
    text = f"{root.name} is blocking: " + "; ".join(" → ".join(w.chain) for w in waits)
    return Message(text=text[:3000], blocks=[b.to_dict() for b in blocks])


def blocker_last_word(
    root: ItemRef, waits: list[Wait], *, days: int, since: datetime, now: datetime
) -> Message:
    """After the reminder limit: said once in the channel, then Baton stops reminding."""
    owner = mention(root.owner_id) if root.owner_id else "its declarer"
    waiting = "; ".join(_chain(w.chain) for w in waits) or f"*{escape(root.name)}*"
    text = (
        f":warning: *{escape(root.name)}* has blocked {waiting} for "
        f"{format_duration(now - since)}. {owner} had a reminder on {days} working days; "
        f'Baton stops reminding now. When it is done: `/blocked "{escape(root.name)}" done`.'
    )[:SECTION_TEXT_LIMIT]
    return Message(text=text, blocks=[SectionBlock(text=text).to_dict()])


def snoozed(root: ItemRef, until: datetime) -> str:
    return f":zzz: *{escape(root.name)}*: no reminder before {local_time(until)}."


def unblocked_dm(done: ItemRef, waiting: ItemReport, *, by: str) -> Message:
    head = f"*{escape(done.name)}* was marked done by {mention(by)}."
    if waiting.blockers:
        roots = ", ".join(f"*{escape(b.root.name)}* ({_owner(b.root)})" for b in waiting.blockers)
        tail = f"*{escape(waiting.item.name)}* is still blocked by {roots}."
    else:
        tail = f"*{escape(waiting.item.name)}* is now unblocked."
    text = f"{head} {tail}"
    return Message(text=text, blocks=[SectionBlock(text=text).to_dict()])


def done_confirmation(report: ItemReport, told: int) -> str:
    name = f"*{escape(report.item.name)}*"
    if not told:
        return f"{name} is done. Nothing was waiting on it."
    return f"{name} is done. The owners of the {told} item(s) waiting on it have been told."
