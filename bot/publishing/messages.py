"""Messages about one publish: its record in the channel, and the approval DMs. The decision
prompt and its DMs are the decisions feature's (bot/decisions/messages.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, HeaderBlock, SectionBlock

from bot.decisions.choices import Decision
from bot.decisions.cycles import compare
from bot.decisions.rules import Rule, render_rule
from bot.ids import Action
from bot.kernel.mrkdwn import (
    Mrkdwn,
    blockquote,
    bold,
    code,
    join,
    lines,
    link,
    local_time,
    md,
    mention,
)
from bot.kernel.text import Message, blocks_of, context, field, section
from bot.kernel.windows import Window
from bot.publishing.approval_rules import Approval, ApprovalState
from bot.publishing.readiness import PartState

HEADER_LIMIT = 150


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


def window_text(window: Window) -> Mrkdwn:
    start = local_time(window.start, "{date_short_pretty} {time}")
    return md(start, " – ", local_time(window.end, "{time}"))


def number_text(value: float) -> str:
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
                field(md(bold("Posting window:"), " ", window_text(card.window))),
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


def decided_line(decision: Decision) -> Mrkdwn:
    """“Revise: shorter opener, decided by @ana <time>”: what was decided, exactly."""
    return md(decision.summary, ", decided by ", mention(decision.by), " ", local_time(decision.at))


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
        ", ", [md(c.metric, f" {number_text(c.before)} → {number_text(c.after)}") for c in changes]
    ) or md("no metric logged in both cycles yet")
    return md(bold("Since the last cycle"), " (", previous.name, "): ", shown, after)


def approval_buttons(card: PublishCard, block_id: str) -> ActionsBlock:
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
            window_text(card.window),
            "): ",
            link(card.link, "open it"),
            ".",
        ),
    ]
    if card.owner_id != card.created_by:  # the asker is the owner most often: say it once
        found.append(md("Owner: ", mention(card.owner_id), "."))
    if mine is not None and mine.state is not ApprovalState.PENDING and mine.at is not None:
        found.append(md("You: ", APPROVAL_MARK[mine.state], " ", local_time(mine.at), "."))
    blocks: list[Block] = [section(lines(found))]
    if mine is None or mine.state is not ApprovalState.APPROVED:
        blocks.append(approval_buttons(card, f"publish-{card.id}-approval"))
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
        approval_buttons(card, f"publish-{card.id}-approval-chase"),
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
