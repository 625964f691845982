"""The strategy owners' week: per surface, what went out, how it did against the weeks
before, which rules fired and what was decided. No channel-level detail."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from slack_sdk.models.blocks import Block, HeaderBlock

from bot.domain.digest import SurfaceWeek
from bot.views.handoff_messages import Message
from bot.views.mrkdwn import Mrkdwn, bold, join, lines, md
from bot.views.text import blocks_of, context, section

MAX_SURFACES = 40


def _trend(ratio: float | None) -> str:
    if ratio is None:
        return "no baseline"
    change = (ratio - 1) * 100
    arrow = "↑" if change > 0.5 else "↓" if change < -0.5 else "→"
    return f"{arrow} {change:+.0f}% vs previous weeks"


def _surface_text(week: SurfaceWeek) -> Mrkdwn:
    found = [md(bold(week.surface), f": {week.publishes} publish(es)")]
    for metric, median in sorted(week.medians.items()):
        found.append(md(f"• {metric} median {median:g} ({_trend(week.trend.get(metric))})"))
    if week.triggered:
        fired = join(", ", [f"{a} ×{n}" for a, n in sorted(week.triggered.items())])
        found.append(md("• Rules triggered: ", fired))
    decided = ", ".join(f"{choice.title()} {n}" for choice, n in sorted(week.decisions.items()))
    found.append(md(f"• Decisions: {decided or 'none yet'}"))
    if week.decided_actions:
        found.append(md("• Taken up: ", join("; ", week.decided_actions)))
    return lines(found)


def digest_message(weeks_data: Sequence[SurfaceWeek], *, end: datetime, weeks: int) -> Message:
    start = end - timedelta(weeks=weeks)
    title = f"Publishing digest {start:%Y-%m-%d} – {end:%Y-%m-%d}"
    blocks: list[Block] = [HeaderBlock(text=title)]
    if not weeks_data:
        blocks.append(section(md("Nothing was published in this period.")))
    for week in list(weeks_data)[:MAX_SURFACES]:
        blocks.append(section(_surface_text(week)))
    blocks.append(
        context(
            md("Medians of the latest reading per publish; trends against the four weeks before.")
        )
    )
    total = sum(w.publishes for w in weeks_data)
    text = md(f"{title}: {total} publish(es) on {len(weeks_data)} surface(s)")
    return Message(text=text, blocks=blocks_of(*blocks))
