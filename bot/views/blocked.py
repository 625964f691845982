"""What `/blocked` answers, and the blocker DMs: always the precise blocker, never just
"blocked"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, SectionBlock

from bot.domain.durations import format_duration
from bot.domain.graph import ItemRef, ItemReport
from bot.domain.readiness import BlockedPublish
from bot.ids import Action
from bot.views.handoff_messages import Message
from bot.views.text import SECTION_TEXT_LIMIT, escape, mention


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


def publish_text(publish: BlockedPublish, *, now: datetime) -> str:
    hours = max(int((publish.window_start - now).total_seconds() // 3600), 0)
    parts = "; ".join(
        f"*{p.part.value}* ({escape(p.state)}), owner " + ", ".join(f"<@{o}>" for o in p.owners)
        for p in publish.missing
    )
    return (
        f"*{escape(publish.name)}* ({escape(publish.surface)}, opens in {hours}h) is blocked "
        f"by {parts}"
    )


def channel_list(
    reports: list[ItemReport],
    total: int,
    *,
    now: datetime,
    publishes: Sequence[BlockedPublish] = (),
) -> Message:
    if not reports and not publishes:
        text = "Nothing in this channel is blocked."
        return Message(text=text, blocks=[SectionBlock(text=text).to_dict()])
    blocks: list[Block] = []
    if publishes:
        lines = "\n".join(f"• {publish_text(p, now=now)}" for p in publishes)
        blocks.append(
            SectionBlock(text=f"*Publishes opening within 24h*\n{lines}"[:SECTION_TEXT_LIMIT])
        )
    if not reports:
        text = f"{len(publishes)} publish(es) in this channel miss a part"
        return Message(text=text, blocks=[b.to_dict() for b in blocks])
    blocks.append(SectionBlock(text=f"*Blocked in this channel* ({total})"))
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


def blocker_dm(
    root: ItemRef, chains: list[list[str]], *, since: datetime, now: datetime
) -> Message:
    waited = format_duration(now - since)
    if root.owner_id:
        opening = f"*{escape(root.name)}* is blocking other work, for {waited} now:"
        closing = "When it is done, press *Resolved* (or `/blocked <item> done`)."
    else:
        opening = f"*{escape(root.name)}* has no owner and is blocking other work for {waited}:"
        closing = (
            "You declared this dependency: please name an owner with "
            f'`/blocked <item> on "{root.name}" @owner`.'
        )
    lines = [f"• {_chain(chain)}" for chain in chains] or [f"• *{escape(root.name)}*"]
    body = "\n".join([opening, *lines, closing])[:SECTION_TEXT_LIMIT]
    blocks: list[Block] = [
        SectionBlock(text=body),
        ActionsBlock(
            elements=[ButtonElement(text="Resolved", action_id=Action.RESOLVED, value=str(root.id))]
        ),
    ]
    text = f"{root.name} is blocking: " + "; ".join(" → ".join(c) for c in chains)
    return Message(text=text[:3000], blocks=[b.to_dict() for b in blocks])


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
