"""The cycle-time report as Block Kit: per channel and per next owner, then the publishes,
then each outlier with its candidate action. Complete as text: a chart only repeats it."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block

from bot.kernel.mrkdwn import Mrkdwn, bold, channel, join, lines, md, mention
from bot.kernel.text import Message, blocks_of, context, section
from bot.kernel.words import counted
from bot.reports.cycle_time import HandoffStats, Outlier, PublishStats, Report

MAX_LINES = 30


def hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}h"


def _who(key: str, *, person: bool) -> Mrkdwn:
    return mention(key) if person else channel(key)


def handoff_line(s: HandoffStats, *, person: bool) -> Mrkdwn:
    parts = [
        counted(s.handoffs, "handoff"),
        f"acknowledge p50 {hours(s.ack_p50)}, p90 {hours(s.ack_p90)}",
        f"done p50 {hours(s.done_p50)}, p90 {hours(s.done_p90)}",
        f"{s.acked_late} acknowledged after act-by",
        ", ".join(
            [
                counted(s.nudges, "nudge"),
                counted(s.escalations, "escalation"),
                counted(s.takeovers, "takeover"),
            ]
        ),
    ]
    if s.chains:
        went = ", ".join(f"{counted(steps, 'step')} in {n}" for steps, n in s.chains)
        parts.append(f"escalation chains: {went}")
    if not person:
        parts.append(f"{s.refused} refused at the field")
    return md("• ", _who(s.key, person=person), ": ", join("; ", parts))


def publish_line(s: PublishStats, *, person: bool) -> Mrkdwn:
    return md(
        "• ",
        _who(s.key, person=person),
        f": {counted(s.publishes, 'publish', 'publishes')}; record → approved "
        f"p50 {hours(s.approval_p50)}, p90 {hours(s.approval_p90)}; {s.on_time} on time, "
        f"{s.late} late",
    )


def outlier_line(o: Outlier) -> Mrkdwn:
    return md("• ", _who(o.who, person=o.is_person), " ", o.observation, " → ", o.action)


def _section(title: str, found: Sequence[Mrkdwn]) -> Block:
    shown = list(found[:MAX_LINES])
    if len(found) > MAX_LINES:
        shown.append(md(f"…and {len(found) - MAX_LINES} more"))
    return section(lines([bold(title), *shown]))


def report_sections(report: Report) -> list[Block]:
    """The report's body, shared by /report and the digest's cycle-time section."""
    if not report:
        return [section(md("No handoffs or publishes in this period."))]
    blocks: list[Block] = []
    if report.by_channel:
        blocks.append(
            _section(
                "Handoffs by channel", [handoff_line(s, person=False) for s in report.by_channel]
            )
        )
    if report.by_owner:
        blocks.append(
            _section(
                "Handoffs by next owner", [handoff_line(s, person=True) for s in report.by_owner]
            )
        )
    if report.publishes_by_channel:
        blocks.append(
            _section(
                "Publishes by channel",
                [publish_line(s, person=False) for s in report.publishes_by_channel],
            )
        )
        blocks.append(
            _section(
                "Publishes by owner",
                [publish_line(s, person=True) for s in report.publishes_by_owner],
            )
        )
    blocks.append(
        _section(
            "Outliers",
            [outlier_line(o) for o in report.outliers] or [md("none: nobody stands out")],
        )
    )
    return blocks


def report_message(
    report: Report, *, weeks: int, scope: Mrkdwn, chart_note: str | None = None
) -> Message:
    title = md("Cycle-time report: ", scope, ", ", counted(weeks, "week"))
    # A section, not a header: a header is plain_text, where `<#C…>` shows as typed.
    blocks: list[Block] = [section(bold(title)), *report_sections(report)]
    blocks.append(
        context(
            md(
                f"{report.start:%Y-%m-%d} – {report.end:%Y-%m-%d}. Times in hours from "
                "the handoff (or publish record); p50 is the median.",
                f" {chart_note}" if chart_note else "",
            )
        )
    )
    handoffs = sum(s.handoffs for s in report.by_channel)
    publishes = sum(s.publishes for s in report.publishes_by_channel)
    outliers = len(report.outliers)
    counts = [
        counted(handoffs, "handoff"),
        counted(publishes, "publish", "publishes"),
        counted(outliers, "outlier"),
    ]
    text = md(title, ": ", ", ".join(counts))
    if chart_note:
        text = md(text, ". ", chart_note)
    return Message(text=text, blocks=blocks_of(*blocks))
