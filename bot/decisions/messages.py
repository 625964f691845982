"""The decision prompt in a publish's thread (each KPI against its rule, the triggered
candidate actions, Repeat / Revise / Stop) and the DMs that chase missing KPIs and open
decisions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.decisions.choices import Choice, CountedReadings, Decision, Recommendation, recommended
from bot.decisions.kpis import METRICS
from bot.decisions.rules import RuleResult
from bot.ids import AFTER_LINK, Action
from bot.kernel.mrkdwn import (
    Mrkdwn,
    bold,
    channel,
    code,
    italic,
    join,
    lines,
    local_time,
    md,
    mention,
    pending_link,
)
from bot.kernel.text import Message, blocks_of, context, section
from bot.publishing.messages import (
    PreviousCycle,
    PublishCard,
    cycle_line,
    decided_line,
    number_text,
)

CHOICES = (
    ("Repeat", Action.DECIDE_REPEAT, Choice.REPEAT),
    ("Revise", Action.DECIDE_REVISE, Choice.REVISE),
    ("Stop", Action.DECIDE_STOP, Choice.STOP),
)


def _style(choice: Choice, recommended: Choice | None) -> str | None:
    """The recommended button is the primary one (a recommended Stop too: one click away,
    never two primaries); Stop is red otherwise."""
    if choice is recommended:
        return "primary"
    return "danger" if choice is Choice.STOP else None


def recommendation_text(recommendation: Recommendation) -> Mrkdwn:
    """“Revise — revise opening line”, or “Repeat — no rule triggered”."""
    label = recommendation.choice.value.title()
    why = (
        join("; ", list(recommendation.actions)) if recommendation.actions else "no rule triggered"
    )
    return md(label, " — ", why)


def _condition_line(result: RuleResult) -> Mrkdwn:
    parts = []
    for outcome in result.conditions:
        c = outcome.condition
        got = "no reading" if outcome.value is None else number_text(outcome.value)
        mark = {True: "✓", False: "✗", None: "?"}[outcome.holds]
        parts.append(f"{c.metric} {c.op.value} {number_text(c.threshold)} (is {got}) {mark}")
    verdict = bold("triggered") if result.triggered else md("not triggered")
    return md("• ", join(" and ", parts), " → ", result.rule.action, ": ", verdict)


def _readings_text(readings: Mapping[str, tuple[float, datetime]]) -> Mrkdwn:
    return join(
        ", ",
        [
            md(metric, f" {number_text(value)} (", local_time(at, "{date_short} {time}"), ")")
            for metric, (value, at) in sorted(readings.items())
        ],
    )


def decision_buttons(
    card: PublishCard, revision: int, recommended: Choice | None = None
) -> ActionsBlock:
    """The value carries the revision the message shows: a click on an out-of-date message
    is told what was decided since, instead of overwriting it. Only the `recommended` choice
    is primary: without one, none is (never a green Repeat the rules argue against)."""
    return ActionsBlock(
        block_id=f"publish-{card.id}-decision",
        elements=[
            ButtonElement(
                text=label,
                action_id=action,
                value=f"{card.id}:{revision}",
                style=_style(choice, recommended),
            )
            for label, action, choice in CHOICES
        ],
    )


def decision_prompt(
    card: PublishCard,
    results: Sequence[RuleResult],
    readings: CountedReadings,
    *,
    decision: Decision | None = None,
    earlier: Sequence[Decision] = (),
    revision: int = 0,
    previous: PreviousCycle | None = None,
) -> Message:
    missing = sorted({m for r in results for m in r.missing})
    recommendation = recommended([r.rule.action for r in results if r.triggered])
    found = [
        md(bold("Decision time for ", card.name), " (", card.surface, ")"),
        md(
            bold("KPIs since the window opened:"),
            " ",
            _readings_text(readings.counted) or md("none logged"),
        ),
    ]
    if readings.before_window:
        found.append(
            md(bold("Before the window (ignored):"), " ", _readings_text(readings.before_window))
        )
    if previous is not None:
        found.append(cycle_line(previous, readings.values))
    found += [
        bold("Rules:"),
        *(_condition_line(r) for r in results),
        md(bold("Recommended:"), " ", recommendation_text(recommendation)),
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
                    "): decide. Revise asks which action.",
                )
            )
        )
    else:
        said = md(":ballot_box_with_check: ", bold("Decided:"), " ", decided_line(decision))
        if earlier:
            said = md(
                said,
                "\n",
                italic("Changed from:"),
                " ",
                join("; then ", [decided_line(d) for d in earlier]),
            )
        blocks.append(section(said))
        blocks.append(
            context(
                md(
                    "Only ",
                    mention(card.owner_id),
                    " or ",
                    mention(card.backup_owner_id),
                    " can change it.",
                )
            )
        )
    blocks.append(decision_buttons(card, revision, recommendation.choice))
    if decision is None:
        text = md(
            "Decision time for ", card.name, ": recommended ", recommendation_text(recommendation)
        )
    else:
        text = md(card.name, ": ", decision.summary, ", decided by ", mention(decision.by))
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
