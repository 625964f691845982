"""App Home: what waits on the viewer, what the viewer blocks, what the viewer waits on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock
from slack_sdk.models.views import View

from bot.domain.graph import ItemRef, ItemReport
from bot.views.blocked import report_text
from bot.views.mrkdwn import bold, join, lines, local_time, md, mention
from bot.views.text import context, section

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
                section(
                    md(
                        bold(name),
                        " from ",
                        mention(author),
                        ": ",
                        action,
                        "\nAct by ",
                        local_time(act_by),
                    )
                )
            )
    else:
        blocks.append(context(md("Nothing waits on you.")))
    blocks += [DividerBlock(), HeaderBlock(text="Your items blocking others")]
    if blocking:
        for ref, chains in blocking[:MAX_PER_SECTION]:
            chain_lines = lines(md("• ", join(" → ", [bold(n) for n in c])) for c in chains)
            blocks.append(section(md(bold(ref.name), " blocks:\n", chain_lines)))
    else:
        blocks.append(context(md("You block nobody.")))
    blocks += [DividerBlock(), HeaderBlock(text="What you are waiting on")]
    if waiting:
        for report in waiting[:MAX_PER_SECTION]:
            blocks.append(section(report_text(report, now=now)))
    else:
        blocks.append(context(md("None of your items is blocked.")))
    view: dict[str, Any] = View(type="home", blocks=blocks[:100]).to_dict()
    return view
