"""App Home: waiting on you (bot/home/waiting_messages.py), handed off by you, done lately,
what your items block, and what you wait on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock
from slack_sdk.models.views import View

from bot.graph.messages import report_text
from bot.handoffs.messages import owner_label
from bot.home.desk import Desk, Section
from bot.home.waiting_messages import state_words, waiting_blocks
from bot.kernel.durations import format_duration
from bot.kernel.mrkdwn import SECTION_TEXT_LIMIT, Mrkdwn, bold, clip, join, local_time, md, mention
from bot.kernel.text import context, section

MAX_PER_SECTION = 20


def _more(part: Section) -> list[Block]:
    return [context(md(f"…and {part.more} more, older."))] if part.more else []


def _lines_in_sections(rows: list[Mrkdwn]) -> list[Block]:
    """Several lines per section block, each block under Slack's text limit."""
    blocks: list[Block] = []
    current: Mrkdwn | None = None
    for row in rows:
        row = clip(row, SECTION_TEXT_LIMIT - 1)
        if current is not None and len(current) + 1 + len(row) > SECTION_TEXT_LIMIT:
            blocks.append(section(current))
            current = row
        else:
            current = md(current, "\n", row) if current is not None else row
    if current is not None:
        blocks.append(section(current))
    return blocks


def home_view(
    desk: Desk, *, now: datetime, notice: Mrkdwn | None = None, after: list[Block] | None = None
) -> dict[str, Any]:
    """The desk, then `after` (e.g. the person's working hours), kept whole at the end."""
    after = after or []
    blocks: list[Block] = []
    if notice:
        blocks.append(section(notice))
    blocks += waiting_blocks(desk.waiting_on_you, now)

    blocks += [DividerBlock(), HeaderBlock(text=f"Handed off by you ({desk.handed_off.total})")]
    rows = [
        md(
            bold(c.work_item),
            " → ",
            owner_label(c),
            f" · {state_words(c)} · {format_duration(now - c.created_at)} old · act by ",
            local_time(c.act_by),
            md(" · ", c.escalation) if c.escalation else "",
        )
        for c in desk.handed_off.cards[:MAX_PER_SECTION]
    ]
    blocks += _lines_in_sections(rows) or [context(md("Nothing you handed off is still open."))]
    blocks += _more(desk.handed_off)

    blocks += [DividerBlock(), HeaderBlock(text=f"Done in the last 7 days ({desk.done.total})")]
    rows = [
        md(
            ":heavy_check_mark: ",
            bold(c.work_item),
            ": ",
            c.next_action,
            " · ",
            mention(c.next_owner_id),
            md(" · ", local_time(c.state_changed_at)) if c.state_changed_at else "",
        )
        for c in desk.done.cards[:MAX_PER_SECTION]
    ]
    blocks += _lines_in_sections(rows) or [context(md("Nothing done in the last 7 days."))]
    blocks += _more(desk.done)

    blocks += [DividerBlock(), HeaderBlock(text="What your items block")]
    rows = [
        md(
            bold(ref.name),
            " blocks: ",
            join("; ", [join(" → ", [bold(n) for n in chain]) for chain in chains]),
        )
        for ref, chains in ((b.item, b.chains) for b in desk.blocking[:MAX_PER_SECTION])
    ]
    blocks += _lines_in_sections(rows) or [context(md("You block nobody."))]
    if len(desk.blocking) > MAX_PER_SECTION:
        blocks.append(context(md(f"…and {len(desk.blocking) - MAX_PER_SECTION} more.")))

    blocks += [DividerBlock(), HeaderBlock(text="What you are waiting on")]
    rows = [report_text(report, now=now) for report in desk.waiting[:MAX_PER_SECTION]]
    blocks += _lines_in_sections(rows) or [context(md("None of your items is blocked."))]
    view: dict[str, Any] = View(type="home", blocks=blocks[: 100 - len(after)] + after).to_dict()
    return view
