"""App Home: what waits on the viewer, what the viewer blocks, what the viewer waits on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, DividerBlock, HeaderBlock, SectionBlock
from slack_sdk.models.views import View

from bot.domain.graph import ItemRef, ItemReport
from bot.views.blocked import report_text
from bot.views.text import SECTION_TEXT_LIMIT, escape, local_time, mention

MAX_PER_SECTION = 25


def home_view(
    *,
    handoffs: list[tuple[str, str, str, datetime]],
    blocking: list[tuple[ItemRef, list[list[str]]]],
    waiting: list[ItemReport],
    now: datetime,
) -> dict[str, Any]:
    """`handoffs`: (work item, next action, author id, act-by) waiting for the viewer."""
    blocks: list[Block] = [HeaderBlock(text="Handoffs waiting for you")]
    if handoffs:
        for name, action, author, act_by in handoffs[:MAX_PER_SECTION]:
            blocks.append(
                SectionBlock(
                    text=f"*{escape(name)}* from {mention(author)}: {escape(action)}\n"
                    f"Act by {local_time(act_by)}"
                )
            )
    else:
        blocks.append(ContextBlock(elements=[{"type": "mrkdwn", "text": "Nothing waits on you."}]))
    blocks += [DividerBlock(), HeaderBlock(text="Your items blocking others")]
    if blocking:
        for ref, chains in blocking[:MAX_PER_SECTION]:
            lines = "\n".join("• " + " → ".join(f"*{escape(n)}*" for n in c) for c in chains)
            blocks.append(
                SectionBlock(text=f"*{escape(ref.name)}* blocks:\n{lines}"[:SECTION_TEXT_LIMIT])
            )
    else:
        blocks.append(ContextBlock(elements=[{"type": "mrkdwn", "text": "You block nobody."}]))
    blocks += [DividerBlock(), HeaderBlock(text="What you are waiting on")]
    if waiting:
        for report in waiting[:MAX_PER_SECTION]:
            blocks.append(SectionBlock(text=report_text(report, now=now)[:SECTION_TEXT_LIMIT]))
    else:
        blocks.append(
            ContextBlock(elements=[{"type": "mrkdwn", "text": "None of your items is blocked."}])
        )
    view: dict[str, Any] = View(type="home", blocks=blocks[:100]).to_dict()
    return view
