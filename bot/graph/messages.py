"""What `/blocked` answers, and the blocker DMs: always the precise blocker, never just
"blocked"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.graph.blocked_command import USAGE
from bot.graph.rules import ItemRef, ItemReport
from bot.ids import Action
from bot.kernel.durations import format_duration
from bot.kernel.mrkdwn import Mrkdwn, bold, channel, code, join, lines, local_time, md, mention
from bot.kernel.rights import DoneRights, Role
from bot.kernel.text import Message, blocks_of, bullet_sections, section
from bot.publishing.readiness import BlockedPublish

MAX_NAMED = 8  # who may mark an item done: a handful, then "and N more"


def _owner(ref: ItemRef) -> Mrkdwn:
    return md("owner ", mention(ref.owner_id)) if ref.owner_id else md("no owner yet")


def _chain(names: Sequence[str]) -> Mrkdwn:
    return join(" → ", [bold(n) for n in names])


def _names(refs: Sequence[ItemRef]) -> Mrkdwn:
    """`*a*`, `*a* and *b*`, `*a*, *b* and *c*`"""
    names = [bold(r.name) for r in refs]
    return md(join(", ", names[:-1]), " and ", names[-1]) if len(names) > 1 else names[0]


def _ready(refs: Sequence[ItemRef]) -> Mrkdwn:
    return md(_names(refs), " is ready" if len(refs) == 1 else " are ready")


def report_text(report: ItemReport, *, now: datetime) -> Mrkdwn:
    """`*publish copy* is ready, but *KPI capture* is blocked by *instrumentation metadata*
    (owner @dee, hard, waiting 26h)`: what is ready first, then each root blocker, naming
    the item that waits on it directly (and the chain from the asked item when longer)."""
    name = bold(report.item.name)
    found: list[Mrkdwn] = []
    if report.item.done:
        found.append(md(name, " is done."))
    elif not report.blockers:
        why = _ready(report.ready) if report.ready else md("nothing hard it waits on is open")
        found.append(md(name, " is not blocked: ", why, "."))
    else:
        for number, blocker in enumerate(report.blockers):
            waiting = bold(blocker.chain[-2]) if len(blocker.chain) > 1 else name
            line = md(
                waiting,
                " is blocked by ",
                bold(blocker.root.name),
                " (",
                _owner(blocker.root),
                f", hard, waiting {format_duration(now - blocker.since)})",
            )
            if number == 0 and report.ready:
                line = md(_ready(report.ready), ", but ", line)
            if len(blocker.chain) > 2:
                line = md(line, "\n      via ", _chain(blocker.chain))
            found.append(line)
    for ref, reason in report.soft:
        because = md(", assuming: ", reason) if reason else md("")
        found.append(
            md(
                "Proceeding on an assumption: ",
                bold(ref.name),
                " (",
                _owner(ref),
                ", soft",
                because,
                ")",
            )
        )
    return lines(found)


def report_message(report: ItemReport, *, now: datetime) -> Message:
    text = report_text(report, now=now)
    return Message(text=text, blocks=blocks_of(section(text)))


def publish_text(publish: BlockedPublish, *, now: datetime) -> Mrkdwn:
    hours = max(int((publish.window_start - now).total_seconds() // 3600), 0)
    parts = join(
        "; ",
        [
            md(
                bold(p.part.value),
                " (",
                p.state,
                "), owner ",
                join(", ", [mention(o) for o in p.owners]),
            )
            for p in publish.missing
        ],
    )
    return md(
        bold(publish.name),
        " (",
        publish.surface,
        f", opens in {hours}h) is blocked by ",
        parts,
    )


def channel_list(
    reports: list[ItemReport],
    total: int,
    *,
    now: datetime,
    publishes: Sequence[BlockedPublish] = (),
) -> Message:
    if not reports and not publishes:
        text = md("Nothing in this channel is blocked.")
        return Message(text=text, blocks=blocks_of(section(text)))
    blocks: list[Block] = []
    if publishes:
        blocks += [
            section(chunk)
            for chunk in bullet_sections(
                "Publishes opening within 24h", [publish_text(p, now=now) for p in publishes]
            )
        ]
    if not reports:
        text = md(f"{len(publishes)} publish(es) in this channel miss a part")
        return Message(text=text, blocks=blocks_of(*blocks))
    count = f"{len(reports)} of {total}" if total > len(reports) else str(total)
    blocks.append(section(md(bold("Blocked in this channel"), f" ({count})")))
    for report in reports:
        blocks.append(section(report_text(report, now=now)))
    if total > len(reports):
        blocks.append(
            section(
                md(
                    f"…and {total - len(reports)} more, waiting less long. Ask about one with ",
                    code("/blocked <item>"),
                    ".",
                )
            )
        )
    return Message(text=md(f"{total} blocked item(s) in this channel"), blocks=blocks_of(*blocks))


@dataclass(frozen=True)
class Wait:
    """One chain of work waiting on a blocker: names from the waiting item down to the
    blocker, whose the waiting item is, and the `because` given for the edge onto the blocker."""

    chain: list[str]
    owner_id: str | None
    reason: str | None


def _waiting(wait: Wait) -> Mrkdwn:
    """The work that waits, without the blocker itself: `*launch* → *KPI capture*`."""
    return _chain(wait.chain[:-1] or wait.chain)


def _wait_line(wait: Wait) -> Mrkdwn:
    """`• *KPI capture* (owner @ana) · reason: no UTM labels`"""
    who = md("owner ", mention(wait.owner_id)) if wait.owner_id else md("no owner named")
    reason = md(" · reason: ", wait.reason) if wait.reason else md("")
    return md("• ", _waiting(wait), " (", who, ")", reason)


def blocker_buttons(item_id: int) -> ActionsBlock:
    """Resolved / Snooze 1 day, on the blocker DM and on its owner's App Home."""
    return ActionsBlock(
        block_id=f"blocker-{item_id}-actions",
        elements=[
            ButtonElement(text="Resolved", action_id=Action.RESOLVED, value=str(item_id)),
            ButtonElement(text="Snooze 1 day", action_id=Action.BLOCKER_SNOOZE, value=str(item_id)),
        ],
    )


def blocker_dm(
    root: ItemRef, waits: list[Wait], *, since: datetime, now: datetime, channel_id: str
) -> Message:
    waited = format_duration(now - since)
    where = channel(channel_id)
    if root.owner_id:
        opening = md(bold(root.name), " is blocking other work in ", where, f", for {waited} now:")
        closing = md(
            "When it is done, press ",
            bold("Resolved"),
            " (or type ",
            code(f'/blocked "{root.name}" done'),
            " in ",
            where,
            "); ",
            bold("Snooze 1 day"),
            " to hear of it tomorrow.",
        )
    else:
        opening = md(
            bold(root.name),
            " in ",
            where,
            f" has no owner and is blocking other work for {waited}:",
        )
        closing = md(
            "You declared this dependency: please name an owner with ",
            code(f'/blocked <item> on "{root.name}" @owner'),
            " in ",
            where,
            ".",
        )
    bullets = [_wait_line(w) for w in waits] or [md("• ", bold(root.name))]
    blocks: list[Block] = [
        section(lines([opening, *bullets, closing])),
        blocker_buttons(root.id),
    ]
    text = md(
        root.name,
        " is blocking: ",
        join("; ", [join(" → ", w.chain[:-1] or w.chain) for w in waits]),
    )
    return Message(text=text, blocks=blocks_of(*blocks))


def blocker_last_word(
    root: ItemRef, waits: list[Wait], *, days: int, since: datetime, now: datetime
) -> Message:
    """After the reminder limit: said once in the channel, then Baton stops reminding."""
    owner = mention(root.owner_id) if root.owner_id else md("its declarer")
    waiting = join("; ", [_waiting(w) for w in waits]) if waits else md("other work")
    text = md(
        ":warning: ",
        bold(root.name),
        " has blocked ",
        waiting,
        f" for {format_duration(now - since)}. ",
        owner,
        f" had a reminder on {days} working days; Baton stops reminding now. When it is done: ",
        code(f'/blocked "{root.name}" done'),
        ".",
    )
    return Message(text=text, blocks=blocks_of(section(text)))


def snoozed(root: ItemRef, until: datetime) -> Mrkdwn:
    return md(":zzz: ", bold(root.name), ": no reminder before ", local_time(until), ".")


def unblocked_dm(done: ItemRef, waiting: ItemReport, *, by: str) -> Message:
    head = md(bold(done.name), " was marked done by ", mention(by), ".")
    if waiting.blockers:
        roots = join(
            ", ", [md(bold(b.root.name), " (", _owner(b.root), ")") for b in waiting.blockers]
        )
        tail = md(bold(waiting.item.name), " is still blocked by ", roots, ".")
    else:
        tail = md(bold(waiting.item.name), " is now unblocked.")
    text = md(head, " ", tail)
    return Message(text=text, blocks=blocks_of(section(text)))


def done_confirmation(report: ItemReport, told: int) -> Mrkdwn:
    name = bold(report.item.name)
    if not told:
        return md(name, " is done. Nothing was waiting on it.")
    return md(name, f" is done. The owners of the {told} item(s) waiting on it have been told.")


ROLE_WORDS = {
    Role.OWNER: "owner",
    Role.DECLARER: "declared an edge onto it",
    Role.WAITING_OWNER: "owns an item waiting on it",
}


def done_refused(item: str, rights: DoneRights) -> Mrkdwn:
    """`Only @dee (owner), @ana (declared an edge onto it) or a workspace admin can mark …`"""
    holders = rights.holders()
    named = [
        md(mention(user), " (", "; ".join(ROLE_WORDS[r] for r in roles), ")")
        for user, roles in holders[:MAX_NAMED]
    ]
    if len(holders) > MAX_NAMED:
        named.append(md(f"{len(holders) - MAX_NAMED} more people with an item on it"))
    who = md(join(", ", named), " or a workspace admin") if named else md("a workspace admin")
    return md("Only ", who, " can mark ", bold(item), " done. Nothing was changed.")


def usage(problem: str) -> Mrkdwn:
    return md(problem, "\n", USAGE)
