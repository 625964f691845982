"""Messages about one publish: its record in the channel, the decision prompt in its thread,
and the DMs that chase missing KPIs and open decisions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.domain.approvals import Approval, ApprovalState
from bot.domain.cycles import compare
from bot.domain.decisions import CountedReadings, Decision
from bot.domain.kpis import METRICS
from bot.domain.readiness import PartState
from bot.domain.rules import Rule, RuleResult, render_rule
from bot.domain.windows import Window
from bot.ids import Action
from bot.views.handoff_messages import Message
from bot.views.text import SECTION_TEXT_LIMIT, escape, local_time, mention

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


def _blocks(blocks: Sequence[Block]) -> list[dict[str, object]]:
    return [block.to_dict() for block in blocks]


def _window(window: Window) -> str:
    start = local_time(window.start, "{date_short_pretty} {time}")
    return f"{start} – {local_time(window.end, '{time}')}"


def _number(value: float) -> str:
    return f"{value:g}"


APPROVAL_MARK = {
    ApprovalState.APPROVED: "✓ approved",
    ApprovalState.PENDING: "… waiting",
    ApprovalState.CHANGES_REQUESTED: "✗ changes requested",
}


def approval_line(approvals: Sequence[Approval]) -> str:
    if not approvals:
        return "*Approvals:* none asked"
    shown = []
    for a in approvals:
        said = f"{mention(a.approver_id)} {APPROVAL_MARK[a.state]}"
        if a.state is ApprovalState.CHANGES_REQUESTED and a.note:
            said += f" (“{escape(a.note[:300])}”)"
        shown.append(said)
    return "*Approvals:* " + ", ".join(shown)


def readiness_lines(parts: Sequence[PartState]) -> list[str]:
    return [
        f"{'✓' if p.ready else '✗'} *{p.part.value}:* {escape(p.state)} — "
        + ", ".join(mention(o) for o in p.owners)
        for p in parts
    ]


def record_post(
    card: PublishCard,
    *,
    approvals: Sequence[Approval] = (),
    parts: Sequence[PartState] = (),
    previous: PreviousCycle | None = None,
) -> Message:
    rules = "\n".join(f"• `{escape(render_rule(rule))}`" for rule in card.rules)
    blocks: list[Block] = [
        HeaderBlock(text=card.name[:HEADER_LIMIT]),
        SectionBlock(
            fields=[
                MarkdownTextObject(text=f"*Surface:* {escape(card.surface)}"),
                MarkdownTextObject(text=f"*Link:* <{card.link}|open>"),
                MarkdownTextObject(text=f"*Owner:* {mention(card.owner_id)}"),
                MarkdownTextObject(text=f"*Backup owner:* {mention(card.backup_owner_id)}"),
                MarkdownTextObject(text=f"*Posting window:* {_window(card.window)}"),
            ]
        ),
        SectionBlock(text=f"*Decision table*\n{rules}"[:SECTION_TEXT_LIMIT]),
        SectionBlock(text=approval_line(approvals)[:SECTION_TEXT_LIMIT]),
    ]
    if parts:
        ready = sum(1 for p in parts if p.ready)
        text = f"*Readiness* ({ready} of {len(parts)} parts ready)\n" + "\n".join(
            readiness_lines(parts)
        )
        blocks.append(SectionBlock(text=text[:SECTION_TEXT_LIMIT]))
    if previous is not None:
        blocks.append(SectionBlock(text=previous_line(previous)[:SECTION_TEXT_LIMIT]))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Recorded by {mention(card.created_by)}. The decision prompt comes "
                    "in this thread; log KPIs with `/kpi`."
                )
            ]
        )
    )
    text = f"Publish recorded: {card.name} ({card.surface}), owner {mention(card.owner_id)}"
    return Message(text=text, blocks=_blocks(blocks))


@dataclass(frozen=True)
class PreviousCycle:
    name: str
    decision: Decision | None
    kpis: Mapping[str, float]


def previous_line(previous: PreviousCycle) -> str:
    decided = (
        decided_line(previous.decision) if previous.decision is not None else "not decided yet"
    )
    return f"*Follows:* {escape(previous.name)}: {decided}"


def cycle_line(previous: PreviousCycle, current: Mapping[str, float]) -> str:
    """“engagement_rate 0.011 → 0.019 after “shorter opener”, against the cycle before."""
    changes = compare(previous.kpis, current)
    after = ""
    if previous.decision is not None:
        taken = previous.decision.action or previous.decision.choice.value
        after = f" after “{escape(taken)}”"
    shown = ", ".join(
        f"{escape(c.metric)} {_number(c.before)} → {_number(c.after)}" for c in changes
    )
    if not shown:
        shown = "no metric logged in both cycles yet"
    return f"*Since the last cycle* ({escape(previous.name)}): {shown}{after}"


def approval_request_dm(
    card: PublishCard, *, approvals: Sequence[Approval] = (), me: str | None = None
) -> Message:
    """The approver's DM: Approve / Request changes, and where they stand once answered."""
    mine = next((a for a in approvals if a.approver_id == me), None)
    lines = [
        f"{mention(card.created_by)} asks you to approve *{escape(card.name)}* "
        f"({escape(card.surface)}, {_window(card.window)}): <{card.link}|open it>.",
        f"Owner: {mention(card.owner_id)}.",
    ]
    if mine is not None and mine.state is not ApprovalState.PENDING and mine.at is not None:
        lines.append(f"You: {APPROVAL_MARK[mine.state]} {local_time(mine.at)}.")
    blocks: list[Block] = [SectionBlock(text="\n".join(lines)[:SECTION_TEXT_LIMIT])]
    if mine is None or mine.state is not ApprovalState.APPROVED:
        blocks.append(
            ActionsBlock(
                block_id=f"publish-{card.id}-approval",
                elements=[
                    ButtonElement(
                        text="Approve",
                        action_id=Action.APPROVE,
                        value=str(card.id),
                        style="primary",
                    ),
                    ButtonElement(
                        text="Request changes", action_id=Action.REQUEST_CHANGES, value=str(card.id)
                    ),
                ],
            )
        )
    text = f"Approve {card.name}? Asked by {mention(card.created_by)}"
    return Message(text=text, blocks=_blocks(blocks))


def changes_requested_dm(card: PublishCard, *, by: str, what: str) -> Message:
    text = (
        f"{mention(by)} requests changes to *{escape(card.name)}* before it goes out:\n"
        f"> {escape(what)}\nIt is back with you: change it, then ask {mention(by)} to approve "
        "(the Approve button stays in their DM)."
    )
    return Message(text=text, blocks=_blocks([SectionBlock(text=text[:SECTION_TEXT_LIMIT])]))


def approval_chase_dm(card: PublishCard) -> Message:
    text = (
        f"*{escape(card.name)}* goes out {local_time(card.window.start)} and still waits for "
        "your approval."
    )
    blocks: list[Block] = [
        SectionBlock(text=text),
        ActionsBlock(
            block_id=f"publish-{card.id}-approval-chase",
            elements=[
                ButtonElement(
                    text="Approve", action_id=Action.APPROVE, value=str(card.id), style="primary"
                ),
                ButtonElement(
                    text="Request changes", action_id=Action.REQUEST_CHANGES, value=str(card.id)
                ),
            ],
        ),
    ]
    return Message(text=text, blocks=_blocks(blocks))


def approval_chase_owner_dm(card: PublishCard, missing: Sequence[str]) -> Message:
    text = (
        f"*{escape(card.name)}* opens {local_time(card.window.start)} and is not fully approved: "
        f"still waiting for {', '.join(mention(m) for m in missing)} (reminded just now)."
    )
    return Message(text=text, blocks=_blocks([SectionBlock(text=text[:SECTION_TEXT_LIMIT])]))


def _condition_line(result: RuleResult) -> str:
    parts = []
    for outcome in result.conditions:
        c = outcome.condition
        got = "no reading" if outcome.value is None else _number(outcome.value)
        mark = {True: "✓", False: "✗", None: "?"}[outcome.holds]
        parts.append(f"{c.metric} {c.op.value} {_number(c.threshold)} (is {got}) {mark}")
    verdict = "*triggered*" if result.triggered else "not triggered"
    return f"• {' and '.join(escape(p) for p in parts)} → {escape(result.rule.action)}: {verdict}"


def _readings_text(readings: Mapping[str, tuple[float, datetime]]) -> str:
    return ", ".join(
        f"{escape(metric)} {_number(value)} ({local_time(at, '{date_short} {time}')})"
        for metric, (value, at) in sorted(readings.items())
    )


def decided_line(decision: Decision) -> str:
    """“Revise: shorter opener, decided by @ana <time>”: what was decided, exactly."""
    return (
        f"{escape(decision.summary)}, decided by {mention(decision.by)} {local_time(decision.at)}"
    )


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
    lines = [
        f"*Decision time for {escape(card.name)}* ({escape(card.surface)})",
        f"*KPIs since the window opened:* {_readings_text(readings.counted) or 'none logged'}",
    ]
    if readings.before_window:
        lines.append(f"*Before the window (ignored):* {_readings_text(readings.before_window)}")
    if previous is not None:
        lines.append(cycle_line(previous, readings.values))
    lines += [
        "*Rules:*",
        *(_condition_line(r) for r in results),
        "*Triggered:* "
        + ("; ".join(escape(a) for a in triggered) if triggered else "nothing triggered"),
    ]
    if missing:
        lines.append(
            f"*Missing KPIs:* {', '.join(missing)}: {mention(card.owner_id)}, log them with `/kpi`."
        )
    blocks: list[Block] = [SectionBlock(text="\n".join(lines)[:SECTION_TEXT_LIMIT])]
    if decision is None:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"{mention(card.owner_id)} (or {mention(card.backup_owner_id)}): "
                        "decide. Revise asks which action."
                    )
                ]
            )
        )
    else:
        said = f":ballot_box_with_check: *Decided:* {decided_line(decision)}"
        if earlier:
            said += "\n_Changed from:_ " + "; then ".join(decided_line(d) for d in earlier)
        blocks.append(SectionBlock(text=said[:SECTION_TEXT_LIMIT]))
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"Only {mention(card.owner_id)} or {mention(card.backup_owner_id)} "
                        "can change it."
                    )
                ]
            )
        )
    blocks.append(decision_buttons(card, revision))
    if decision is None:
        text = f"Decision time for {card.name}: " + (
            f"triggered {'; '.join(triggered)}" if triggered else "nothing triggered"
        )
    else:
        text = f"{card.name}: {decision.summary}, decided by {mention(decision.by)}"
    return Message(text=text[:3000], blocks=_blocks(blocks))


def missing_kpis_dm(card: PublishCard, missing: Sequence[str]) -> Message:
    examples = " ".join(f"{m}=<{METRICS[m].unit.value}>" for m in missing if m in METRICS)
    text = (
        f"The decision prompt for *{escape(card.name)}* is waiting on KPIs nobody logged: "
        f'{", ".join(missing)}.\nLog them with `/kpi "{escape(card.name)}" {examples}` '
        "(add `at=<ISO time>` when they were observed earlier)."
    )
    return Message(text=text, blocks=_blocks([SectionBlock(text=text[:SECTION_TEXT_LIMIT])]))


def decision_reminder_dm(card: PublishCard, *, to_backup: bool, since: datetime) -> Message:
    who = (
        f"{mention(card.owner_id)} has not decided, so it is yours: "
        if to_backup
        else "Still open: "
    )
    text = (
        f"{who}*{escape(card.name)}* needs a Repeat / Revise / Stop decision "
        f"(prompted {local_time(since)}). The buttons are in the publish thread."
    )
    return Message(text=text, blocks=_blocks([SectionBlock(text=text[:SECTION_TEXT_LIMIT])]))
