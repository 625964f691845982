"""App Home: waiting on you (with the DM's buttons), handed off by you, done lately, what your
items block, and what you wait on."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from slack_sdk.models.blocks import Block, ContextBlock, DividerBlock, HeaderBlock, SectionBlock
from slack_sdk.models.views import View

from bot.domain.durations import format_duration
from bot.views.blocked import report_text
from bot.views.handoff_messages import (
    HandoffCard,
    blocked_line,
    buttons,
    owner_buttons,
    owner_label,
)
from bot.views.text import SECTION_TEXT_LIMIT, escape, local_time, mention

if TYPE_CHECKING:
    from bot.services.home import Desk, Section

MAX_PER_SECTION = 20
STATE_WORDS = {
    "open": "open, not acknowledged",
    "acknowledged": "acknowledged",
    "reassigned": "reassigned, not acknowledged",
    "taken_over": "taken over",
}


def _note(text: str) -> ContextBlock:
    return ContextBlock(elements=[{"type": "mrkdwn", "text": text}])


def _more(section: Section) -> list[Block]:
    return [_note(f"…and {section.more} more, older.")] if section.more else []


def _lines_in_sections(lines: list[str]) -> list[Block]:
    """Several lines per section block, each block under Slack's text limit."""
    blocks: list[Block] = []
    current = ""
    for line in lines:
        line = line[: SECTION_TEXT_LIMIT - 1]
        if current and len(current) + 1 + len(line) > SECTION_TEXT_LIMIT:
            blocks.append(SectionBlock(text=current))
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        blocks.append(SectionBlock(text=current))
    return blocks


def _waiting_card(card: HandoffCard) -> list[Block]:
    lines = [
        f"*{escape(card.work_item)}* from {mention(card.author_id)} in <#{card.channel_id}>: "
        f"{escape(card.next_action)}",
        f"Act by {local_time(card.act_by)} · {STATE_WORDS.get(card.state, card.state)}",
    ]
    if blocked := blocked_line(card):
        lines.append(blocked)
    return [SectionBlock(text="\n".join(lines)), buttons(card, owner_buttons(card))]


def home_view(desk: Desk, *, now: datetime, notice: str | None = None) -> dict[str, Any]:
    blocks: list[Block] = []
    if notice:
        blocks.append(SectionBlock(text=notice[:SECTION_TEXT_LIMIT]))
    blocks.append(HeaderBlock(text=f"Waiting on you ({desk.waiting_on_you.total})"))
    if desk.waiting_on_you.cards:
        for card in desk.waiting_on_you.cards[:MAX_PER_SECTION]:
            blocks += _waiting_card(card)
        blocks += _more(desk.waiting_on_you)
    else:
        blocks.append(_note("Nothing waits on you."))

    blocks += [DividerBlock(), HeaderBlock(text=f"Handed off by you ({desk.handed_off.total})")]
    lines = [
        f"*{escape(c.work_item)}* → {owner_label(c)} · {STATE_WORDS.get(c.state, c.state)} · "
        f"{format_duration(now - c.created_at)} old · act by {local_time(c.act_by)}"
        for c in desk.handed_off.cards[:MAX_PER_SECTION]
    ]
    blocks += _lines_in_sections(lines) or [_note("Nothing you handed off is still open.")]
    blocks += _more(desk.handed_off)

    blocks += [DividerBlock(), HeaderBlock(text=f"Done in the last 7 days ({desk.done.total})")]
    lines = [
        f":heavy_check_mark: *{escape(c.work_item)}*: {escape(c.next_action)} · "
        f"{mention(c.next_owner_id)}"
        + (f" · {local_time(c.state_changed_at)}" if c.state_changed_at else "")
        for c in desk.done.cards[:MAX_PER_SECTION]
    ]
    blocks += _lines_in_sections(lines) or [_note("Nothing done in the last 7 days.")]
    blocks += _more(desk.done)

    blocks += [DividerBlock(), HeaderBlock(text="What your items block")]
    lines = [
        f"*{escape(ref.name)}* blocks: "
        + "; ".join(" → ".join(f"*{escape(n)}*" for n in chain) for chain in chains)
        for ref, chains in desk.blocking[:MAX_PER_SECTION]
    ]
    blocks += _lines_in_sections(lines) or [_note("You block nobody.")]
    if len(desk.blocking) > MAX_PER_SECTION:
        blocks.append(_note(f"…and {len(desk.blocking) - MAX_PER_SECTION} more."))

    blocks += [DividerBlock(), HeaderBlock(text="What you are waiting on")]
    lines = [report_text(report, now=now) for report in desk.waiting[:MAX_PER_SECTION]]
    blocks += _lines_in_sections(lines) or [_note("None of your items is blocked.")]
    view: dict[str, Any] = View(type="home", blocks=blocks[:100]).to_dict()
    return view
