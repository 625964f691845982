"""Messages about one publish: its record in the channel, the decision prompt in its thread,
and the DMs that chase missing KPIs and open decisions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, HeaderBlock, SectionBlock

from bot.decisions.choices import CountedReadings, Decision
from bot.decisions.cycles import compare
from bot.decisions.kpis import METRICS
from bot.decisions.rules import Rule, RuleResult, render_rule
from bot.ids import AFTER_LINK, Action
from bot.kernel.mrkdwn import (
    Mrkdwn,
    blockquote,
    bold,
    channel,
    code,
    italic,
    join,
    lines,
    link,
    local_time,
    md,
    mention,
    pending_link,
)
from bot.kernel.text import Message, blocks_of, context, field, section
from bot.kernel.windows import Window
from bot.publishing.approval_rules import Approval, ApprovalState
from bot.publishing.readiness import PartState

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


def _window(window: Window) -> Mrkdwn:
    start = local_time(window.start, "{date_short_pretty} {time}")
    return md(start, " – ", local_time(window.end, "{time}"))


def _number(value: float) -> str:
    return f"{value:g}"


APPROVAL_MARK = {
    ApprovalState.APPROVED: "✓ approved",
    ApprovalState.PENDING: "… waiting",
    ApprovalState.CHANGES_REQUESTED: "✗ changes requested",
}


def approval_line(approvals: Sequence[Approval]) -> Mrkdwn:
    if not approvals:
        return md(bold("Approvals:"), " none asked")
    shown = []
    for a in approvals:
        said = md(mention(a.approver_id), " ", APPROVAL_MARK[a.state])
        if a.state is ApprovalState.CHANGES_REQUESTED and a.note:
            said = md(said, " (“", a.note[:300], "”)")
        shown.append(said)
    return md(bold("Approvals:"), " ", join(", ", shown))


def readiness_lines(parts: Sequence[PartState]) -> list[Mrkdwn]:
    return [
        md(
            "✓ " if p.ready else "✗ ",
            bold(p.part.value, ":"),
            " ",
            p.state,
            " — ",
            join(", ", [mention(o) for o in p.owners]),
        )
        for p in parts
    ]


def record_post(
    card: PublishCard,
    *,
    approvals: Sequence[Approval] = (),
    parts: Sequence[PartState] = (),
    previous: PreviousCycle | None = None,
) -> Message:
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
        section(approval_line(approvals)),
    ]
    if parts:
        ready = sum(1 for p in parts if p.ready)
        title = md(bold("Readiness"), f" ({ready} of {len(parts)} parts ready)")
        blocks.append(section(lines([title, *readiness_lines(parts)])))
    if previous is not None:
        blocks.append(section(previous_line(previous)))
    blocks.append(
        context(
            md(
                "Recorded by ",
                mention(card.created_by),
                ". The decision prompt comes in this thread; log KPIs with ",
                code("/kpi"),
                ".",
            )
        )
    )
    text = md("Publish recorded: ", card.name, f" ({card.surface}), owner ", mention(card.owner_id))
    return Message(text=text, blocks=blocks_of(*blocks))


@dataclass(frozen=True)
class PreviousCycle:
    name: str
    decision: Decision | None
    kpis: Mapping[str, float]


def previous_line(previous: PreviousCycle) -> Mrkdwn:
    decided = (
        decided_line(previous.decision) if previous.decision is not None else md("not decided yet")
    )
    return md(bold("Follows:"), " ", previous.name, ": ", decided)


def cycle_line(previous: PreviousCycle, current: Mapping[str, float]) -> Mrkdwn:
    """“engagement_rate 0.011 → 0.019 after “shorter opener”, against the cycle before."""
    changes = compare(previous.kpis, current)
    after = md("")
    if previous.decision is not None:
        taken = previous.decision.action or previous.decision.choice.value
        after = md(" after “", taken, "”")
    shown = join(
        ", ", [md(c.metric, f" {_number(c.before)} → {_number(c.after)}") for c in changes]
    ) or md("no metric logged in both cycles yet")
    return md(bold("Since the last cycle"), " (", previous.name, "): ", shown, after)


def _approval_buttons(card: PublishCard, block_id: str) -> ActionsBlock:
    return ActionsBlock(
        block_id=block_id,
        elements=[
            ButtonElement(
                text="Approve", action_id=Action.APPROVE, value=str(card.id), style="primary"
            ),
            ButtonElement(
                text="Request changes", action_id=Action.REQUEST_CHANGES, value=str(card.id)
            ),
        ],
    )


def approval_request_dm(
    card: PublishCard, *, approvals: Sequence[Approval] = (), me: str | None = None
) -> Message:
    """The approver's DM: Approve / Request changes, and where they stand once answered."""
    mine = next((a for a in approvals if a.approver_id == me), None)
    found = [
        md(
            mention(card.created_by),
            " asks you to approve ",
            bold(card.name),
            " (",
            card.surface,
            ", ",
            _window(card.window),
            "): ",
            link(card.link, "open it"),
            ".",
        ),
        md("Owner: ", mention(card.owner_id), "."),
    ]
    if mine is not None and mine.state is not ApprovalState.PENDING and mine.at is not None:
        found.append(md("You: ", APPROVAL_MARK[mine.state], " ", local_time(mine.at), "."))
    blocks: list[Block] = [section(lines(found))]
    if mine is None or mine.state is not ApprovalState.APPROVED:
        blocks.append(_approval_buttons(card, f"publish-{card.id}-approval"))
    text = md("Approve ", card.name, "? Asked by ", mention(card.created_by))
    return Message(text=text, blocks=blocks_of(*blocks))


def changes_requested_dm(card: PublishCard, *, by: str, what: str) -> Message:
    text = md(
        mention(by),
        " requests changes to ",
        bold(card.name),
        " before it goes out:\n",
        blockquote(what),
        "\nIt is back with you: change it, then ask ",
        mention(by),
        " to approve (the Approve button stays in their DM).",
    )
    return Message(text=text, blocks=blocks_of(section(text)))


def approval_chase_dm(card: PublishCard) -> Message:
    text = md(
        bold(card.name),
        " goes out ",
        local_time(card.window.start),
        " and still waits for your approval.",
    )
    blocks: list[Block] = [
        section(text),
        _approval_buttons(card, f"publish-{card.id}-approval-chase"),
    ]
    return Message(text=text, blocks=blocks_of(*blocks))


def approval_chase_owner_dm(card: PublishCard, missing: Sequence[str]) -> Message:
    text = md(
        bold(card.name),
        " opens ",
        local_time(card.window.start),
        " and is not fully approved: still waiting for ",
        join(", ", [mention(m) for m in missing]),
        " (reminded just now).",
    )
    return Message(text=text, blocks=blocks_of(section(text)))


def _condition_line(result: RuleResult) -> Mrkdwn:
    parts = []
    for outcome in result.conditions:
        c = outcome.condition
        got = "no reading" if outcome.value is None else _number(outcome.value)
        mark = {True: "✓", False: "✗", None: "?"}[outcome.holds]
        parts.append(f"{c.metric} {c.op.value} {_number(c.threshold)} (is {got}) {mark}")
    verdict = bold("triggered") if result.triggered else md("not triggered")
    return md("• ", join(" and ", parts), " → ", result.rule.action, ": ", verdict)


def _readings_text(readings: Mapping[str, tuple[float, datetime]]) -> Mrkdwn:
    return join(
        ", ",
        [
            md(metric, f" {_number(value)} (", local_time(at, "{date_short} {time}"), ")")
            for metric, (value, at) in sorted(readings.items())
        ],
    )


def decided_line(decision: Decision) -> Mrkdwn:
    """“Revise: shorter opener, decided by @ana <time>”: what was decided, exactly."""
    return md(decision.summary, ", decided by ", mention(decision.by), " ", local_time(decision.at))


def decision_buttons(card: PublishCard, revision: int) -> ActionsBlock:
    """The value carries the revision the message shows: a click on an out-of-date message
    is told what was decided since, instead of overwriting it."""
    return ActionsBlock(
        block_id=f"publish-{card.id}-decision",
        elements=[
            ButtonElement(text=label, action_id=action, value=f"{card.id}:{revision}", style=style)
            for label, action, style in CHOICES
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
    triggered = [r.rule.action for r in results if r.triggered]
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
    blocks.append(decision_buttons(card, revision))
    if decision is None:
        text = md(
            "Decision time for ",
            card.name,
            ": ",
            md("triggered ", join("; ", triggered)) if triggered else "nothing triggered",
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
