"""The strategy owners' week: per surface, what went out, how it did against the weeks
before, which rules fired and what was decided. No channel-level detail."""

from __future__ import annotations

from datetime import datetime, timedelta

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.domain.cycle_time import Report
from bot.domain.cycles import ActionResult
from bot.domain.digest import Digest, SurfaceWeek
from bot.views.handoff_messages import Message
from bot.views.report import report_sections
from bot.views.text import SECTION_TEXT_LIMIT, escape, mention

MAX_SURFACES = 30  # with the actions and the cycle-time sections, under 50 blocks


def _trend(ratio: float | None) -> str:
    if ratio is None:
        return "no baseline"
    change = (ratio - 1) * 100
    arrow = "↑" if change > 0.5 else "↓" if change < -0.5 else "→"
    return f"{arrow} {change:+.0f}% vs previous weeks"


def _surface_text(week: SurfaceWeek) -> str:
    lines = [f"*{escape(week.surface)}*: {week.publishes} publish(es)"]
    for seen in week.observations:
        lines.append(
            f"• {seen.metric} median {seen.median:g} ({_trend(seen.trend)}) → "
            f"{escape(seen.candidate)}"
        )
    if week.triggered:
        fired = ", ".join(f"{escape(a)} ×{n}" for a, n in sorted(week.triggered.items()))
        lines.append(f"• Rules triggered: {fired}")
    decided = "; ".join(
        f"{escape(what)}, decided by {mention(by)}" if by else escape(what)
        for what, by in week.decided
    )
    lines.append(f"• Decisions: {decided or 'none yet'}")
    return "\n".join(lines)[:SECTION_TEXT_LIMIT]


def action_line(result: ActionResult) -> str:
    """“shorter opener” on spring launch: engagement_rate 0.011 → 0.019 in spring launch 2
    (improved)."""
    head = f"“{escape(result.action)}” on {escape(result.publish)}"
    if result.next_cycle is None:
        return f"• {head}: no next cycle recorded yet"
    if result.metric is None:
        return (
            f"• {head}: next cycle {escape(result.next_cycle)}; no rule watched this action, "
            "so nothing to compare"
        )
    if result.before is None or result.after is None:
        return (
            f"• {head}: {result.metric} not logged in both cycles "
            f"(next: {escape(result.next_cycle)})"
        )
    verdict = {True: "improved", False: "did not improve", None: "unchanged"}[result.improved]
    return (
        f"• {head}: {result.metric} {result.before:g} → {result.after:g} in "
        f"{escape(result.next_cycle)} ({verdict})"
    )


def digest_message(
    digest: Digest, *, end: datetime, weeks: int, cycle_time: Report | None = None
) -> Message:
    start = end - timedelta(weeks=weeks)
    title = f"Publishing digest {start:%Y-%m-%d} – {end:%Y-%m-%d}"
    weeks_data = digest.surfaces
    blocks: list[Block] = [HeaderBlock(text=title)]
    if not weeks_data:
        blocks.append(SectionBlock(text="Nothing was published in this period."))
    for week in list(weeks_data)[:MAX_SURFACES]:
        blocks.append(SectionBlock(text=_surface_text(week)))
    if digest.actions:
        lines = "\n".join(action_line(a) for a in digest.actions)
        blocks.append(
            SectionBlock(text=f"*Actions taken, and the next cycle*\n{lines}"[:SECTION_TEXT_LIMIT])
        )
    if cycle_time:
        blocks.append(SectionBlock(text="*Cycle time* (can the next person move immediately?)"))
        blocks.extend(report_sections(cycle_time))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Medians of the latest reading per publish; trends against the four "
                    "weeks before."
                )
            ]
        )
    )
    total = sum(w.publishes for w in weeks_data)
    text = f"{title}: {total} publish(es) on {len(weeks_data)} surface(s)"
    return Message(text=text, blocks=[b.to_dict() for b in blocks])
