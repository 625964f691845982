"""Messages about one publish: its record in the channel, the decision prompt in its thread,
and the DMs that chase missing KPIs and open decisions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, HeaderBlock, SectionBlock

from bot.domain.kpis import METRICS
from bot.domain.rules import Rule, RuleResult, render_rule
from bot.domain.windows import Window
from bot.ids import AFTER_LINK, Action
from bot.views.handoff_messages import Message
from bot.views.mrkdwn import (
    Mrkdwn,
    bold,
    channel,
    code,
    join,
    lines,
    link,
    local_time,
    md,
    mention,
    pending_link,
)
from bot.views.text import blocks_of, context, field, section

HEADER_LIMIT = 150
CHOICES = (
    ("Repeat", Action.DECIDE_REPEAT, "primary"),
    ("Revise", Action.DECIDE_REVISE, None),
    ("Stop", Action.DECIDE_STOP, "danger"),
)


@dataclass(frozen=True)
class PublishCard:
    id: int
    name: str
    link: str
    surface: str
    owner_id: str
    backup_owner_id: str
    window: Window
    rules: tuple[Rule, ...]
    created_by: str
    channel_id: str = ""


@dataclass(frozen=True)
class Decision:
    choice: str
    by: str
    at: datetime
    actions: tuple[str, ...]


def _window(window: Window) -> Mrkdwn:
    start = local_time(window.start, "{date_short_pretty} {time}")
    return md(start, " – ", local_time(window.end, "{time}"))


def _number(value: float) -> str:
    return f"{value:g}"


def record_post(card: PublishCard) -> Message:
    rules = lines(md("• ", code(render_rule(rule))) for rule in card.rules)
    blocks: list[Block] = [
        HeaderBlock(text=card.name[:HEADER_LIMIT]),  # plain_text: shown as typed
        SectionBlock(
            fields=[
                field(md(bold("Surface:"), " ", card.surface)),
                field(md(bold("Link:"), " ", link(card.link, "open"))),
                field(md(bold("Owner:"), " ", mention(card.owner_id))),
                field(md(bold("Backup owner:"), " ", mention(card.backup_owner_id))),
                field(md(bold("Posting window:"), " ", _window(card.window))),
            ]
        ),
        section(md(bold("Decision table"), "\n", rules)),
        context(
            md(
                "Recorded by ",
                mention(card.created_by),
                ". The decision prompt comes in this thread; log KPIs with ",
                code("/kpi"),
                ".",
            )
        ),
    ]
    text = md("Publish recorded: ", card.name, f" ({card.surface}), owner ", mention(card.owner_id))
    return Message(text=text, blocks=blocks_of(*blocks))


def _condition_line(result: RuleResult) -> Mrkdwn:
    parts = []
    for outcome in result.conditions:
        c = outcome.condition
        got = "no reading" if outcome.value is None else _number(outcome.value)
        mark = {True: "✓", False: "✗", None: "?"}[outcome.holds]
        parts.append(f"{c.metric} {c.op.value} {_number(c.threshold)} (is {got}) {mark}")
    verdict = bold("triggered") if result.triggered else md("not triggered")
    return md("• ", join(" and ", parts), " → ", result.rule.action, ": ", verdict)


def decision_prompt(
    card: PublishCard,
    results: Sequence[RuleResult],
    latest: Mapping[str, tuple[float, datetime]],
    *,
    decision: Decision | None = None,
) -> Message:
    missing = sorted({m for r in results for m in r.missing})
    triggered = [r.rule.action for r in results if r.triggered]
    readings = join(
        ", ",
        [
            md(f"{metric} {_number(value)} (", local_time(at, "{date_short} {time}"), ")")
            for metric, (value, at) in sorted(latest.items())
        ],
    ) or md("none logged")
    found = [
        md(bold("Decision time for ", card.name), " (", card.surface, ")"),
        md(bold("Latest KPIs:"), " ", readings),
        bold("Rules:"),
        *(_condition_line(r) for r in results),
        md(bold("Triggered:"), " ", join("; ", triggered) if triggered else "nothing triggered"),
    ]
    if missing:
        found.append(
            md(
                bold("Missing KPIs:"),
                f" {', '.join(missing)}: ",
                mention(card.owner_id),
                ", log them with ",
                code("/kpi"),
                ".",
            )
        )
    blocks: list[Block] = [section(lines(found))]
    if decision is None:
        blocks.append(
            context(
                md(
                    mention(card.owner_id),
                    " (or ",
                    mention(card.backup_owner_id),
                    "): decide.",
                )
            )
        )
        blocks.append(
            ActionsBlock(
                block_id=f"publish-{card.id}-decision",
                elements=[
                    ButtonElement(text=label, action_id=action, value=str(card.id), style=style)
                    for label, action, style in CHOICES
                ],
            )
        )
    else:
        taken = join("; ", decision.actions) or md("no triggered action")
        blocks.append(
            context(
                md(
                    ":ballot_box_with_check: ",
                    bold(decision.choice.title()),
                    ", decided by ",
                    mention(decision.by),
                    " ",
                    local_time(decision.at),
                    "; takes up: ",
                    taken,
                )
            )
        )
    text = md(
        "Decision time for ",
        card.name,
        ": ",
        md("triggered ", join("; ", triggered)) if triggered else "nothing triggered",
    )
    return Message(text=text, blocks=blocks_of(*blocks))


def missing_kpis_dm(card: PublishCard, missing: Sequence[str]) -> Message:
    examples = " ".join(f"{m}=<{METRICS[m].unit.value}>" for m in missing if m in METRICS)
    text = md(
        "The decision prompt for ",
        bold(card.name),
        f" is waiting on KPIs nobody logged: {', '.join(missing)}.\nLog them with ",
        code(f'/kpi "{card.name}" {examples}'),
        " (add ",
        code("at=<ISO time>"),
        " when they were observed earlier).",
    )
    return Message(text=text, blocks=blocks_of(section(text)))


def decision_reminder_dm(card: PublishCard, *, to_backup: bool, since: datetime) -> Message:
    who = (
        md(mention(card.owner_id), " has not decided, so it is yours: ")
        if to_backup
        else md("Still open: ")
    )
    text = md(
        who,
        bold(card.name),
        " needs a Repeat / Revise / Stop decision (prompted ",
        local_time(since),
        ") in ",
        channel(card.channel_id),
        ". The buttons are in ",
        pending_link(AFTER_LINK, "the publish thread"),
        ".",
    )
    return Message(text=text, blocks=blocks_of(section(text)))
