"""What Baton says about a backup rotation (pure: Block Kit from values)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.kernel.mrkdwn import Mrkdwn, bold, channel, code, lines, md, mention
from bot.kernel.text import Message, blocks_of, section
from bot.rotations.turns import Changeover, Turn
from store.models import Handoff, WorkItem


def passed_over_dm(channel_id: str, person: str, *, covering: str) -> Message:
    """To each of the channel's owners, once: someone on the rotation can no longer take a
    turn (deactivated, or a bot), so the next person covers."""
    text = md(
        mention(person),
        " can no longer take a turn on ",
        channel(channel_id),
        "'s backup rotation, so their turns pass to the next person (",
        mention(covering),
        " now). Change the rotation in ",
        code("/baton settings"),
        ".",
    )
    return Message(text, blocks_of(section(text)))


def _when(instant: datetime, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime("%a %d %b %H:%M")


def rotation_line(
    changes: Changeover | None, now: Turn | None, after: Turn | None, zone: ZoneInfo
) -> Mrkdwn:
    if changes is None:
        return md("No backup rotation here: set one in ", code("/baton settings"), ".")
    if now is None:
        return md(
            bold("Backup rotation"),
            f" ({changes}): nobody in it can take a turn; change it in ",
            code("/baton settings"),
            ".",
        )
    then = (
        md("; ", mention(after.person), f" from {_when(after.starts, zone)} your time ({zone.key})")
        if after is not None
        else md("")
    )
    return md(bold("Backup rotation"), f" ({changes}): ", mention(now.person), " now", then, ".")


def item_lines(
    handoffs: Sequence[tuple[Handoff, WorkItem]],
    items: Sequence[WorkItem],
    more: int,
    *,
    at: datetime,
    zone: ZoneInfo,
) -> list[Mrkdwn]:
    """The channel's open items and who owns each: live handoffs by act-by (overdue first),
    then items no handoff carries."""
    if not handoffs and not items:
        return [md("Nothing is open in this channel.")]
    shown: list[Mrkdwn] = [bold("Open items and their owners")]
    for handoff, item in handoffs:
        due = _when(handoff.act_by, zone)
        when = f"overdue since {due}" if handoff.act_by <= at else f"act by {due}"
        shown.append(md("• ", bold(item.name), ": ", mention(handoff.next_owner_id), f", {when}"))
    for item in items:
        owner = mention(item.owner_id) if item.owner_id else md("nobody owns it")
        shown.append(md("• ", bold(item.name), ": ", owner))
    if more:
        shown.append(md(f"…and {more} more."))
    return shown


def who_text(
    changes: Changeover | None,
    now: Turn | None,
    after: Turn | None,
    item_rows: list[Mrkdwn],
    zone: ZoneInfo,
) -> Mrkdwn:
    return lines([rotation_line(changes, now, after, zone), *item_rows])
