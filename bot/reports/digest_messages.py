"""The strategy owners' week: per surface, what went out, how it did against the weeks
before, which rules fired and what was decided. No channel-level detail."""

from __future__ import annotations

from datetime import datetime, timedelta

from slack_sdk.models.blocks import Block, HeaderBlock

from bot.decisions.choices import recommended
from bot.decisions.cycles import ActionResult
from bot.kernel.mrkdwn import Mrkdwn, bold, join, lines, md, mention
from bot.kernel.text import Message, blocks_of, bullet_sections, context, section
from bot.kernel.words import counted
from bot.reports.cycle_time import Report
from bot.reports.digest import Digest, SurfaceWeek
from bot.reports.report_messages import report_sections

MAX_SURFACES = 30  # with the actions and the cycle-time sections, under 50 blocks


def _trend(ratio: float | None) -> str:
    if ratio is None:
        return "no baseline"
    change = (ratio - 1) * 100
    arrow = "↑" if change > 0.5 else "↓" if change < -0.5 else "→"
    return f"{arrow} {change:+.0f}% vs previous weeks"


def _recommended_line(triggered: dict[str, int]) -> Mrkdwn:
    """“Recommended: Revise — shorter opener ×2; also triggered: repeat on X ×1”: the same
    recommendation as each decision prompt, over the surface's week."""
    recommendation = recommended(sorted(triggered))
    if not recommendation.actions:
        return md("• Recommended: Repeat — no rule triggered")
    said = md(
        "• Recommended: ",
        recommendation.choice.value.title(),
        " — ",
        join(", ", [md(a, f" ×{triggered[a]}") for a in recommendation.actions]),
    )
    others = [a for a in sorted(triggered) if a not in recommendation.actions]
    if others:
        said = md(
            said, "; also triggered: ", join(", ", [md(a, f" ×{triggered[a]}") for a in others])
        )
    return said


def _surface_text(week: SurfaceWeek) -> Mrkdwn:
    found = [md(bold(week.surface), ": ", counted(week.publishes, "publish", "publishes"))]
    for seen in week.observations:
        found.append(
            md(
                f"• {seen.metric} median {seen.median:g} ({_trend(seen.trend)}) → ",
                seen.candidate,
            )
        )
    found.append(_recommended_line(week.triggered))
    decided = join(
        "; ",
        [md(what, ", decided by ", mention(by)) if by else md(what) for what, by in week.decided],
    )
    found.append(md("• Decisions: ", decided or md("none yet")))
    return lines(found)


def action_line(result: ActionResult) -> Mrkdwn:
    """“shorter opener” on spring launch: engagement_rate 0.011 → 0.019 in spring launch 2
    (improved)."""
    head = md("“", result.action, "” on ", result.publish)
    if result.next_cycle is None:
        return md(head, ": no next cycle recorded yet")
    if result.metric is None:
        return md(
            head,
            ": next cycle ",
            result.next_cycle,
            "; no rule watched this action, so nothing to compare",
        )
    if result.before is None or result.after is None:
        missing = [
            name
            for name, value in ((result.publish, result.before), (result.next_cycle, result.after))
            if value is None
        ]
        return md(
            head,
            ": no ",
            result.metric,
            " logged for ",
            join(" or ", missing),
            " yet: nothing to compare",
        )
    verdict = {True: "improved", False: "did not improve", None: "unchanged"}[result.improved]
    return md(
        head,
        ": ",
        result.metric,
        f" {result.before:g} → {result.after:g} in ",
        result.next_cycle,
        f" ({verdict})",
    )


def digest_message(
    digest: Digest, *, end: datetime, weeks: int, cycle_time: Report | None = None
) -> Message:
    start = end - timedelta(weeks=weeks)
    title = f"Publishing digest {start:%Y-%m-%d} – {end:%Y-%m-%d}"
    weeks_data = digest.surfaces
    blocks: list[Block] = [HeaderBlock(text=title)]
    if not weeks_data:
        blocks.append(section(md("Nothing was published in this period.")))
    for week in list(weeks_data)[:MAX_SURFACES]:
        blocks.append(section(_surface_text(week)))
    if digest.actions:
        blocks += [
            section(chunk)
            for chunk in bullet_sections(
                "Actions taken, and the next cycle", [action_line(a) for a in digest.actions]
            )
        ]
    if cycle_time:
        blocks.append(section(md(bold("Cycle time"), " (can the next person move immediately?)")))
        blocks.extend(report_sections(cycle_time))
    blocks.append(
        context(
            md("Medians of the latest reading per publish; trends against the four weeks before.")
        )
    )
    total = sum(w.publishes for w in weeks_data)
    on = counted(len(weeks_data), "surface")
    text = md(f"{title}: {counted(total, 'publish', 'publishes')} on {on}")
    return Message(text=text, blocks=blocks_of(*blocks))
