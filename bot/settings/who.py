"""/baton who: who is on the channel's backup rotation now and next, and who owns each of the
channel's open items; answered to the asker alone, times in their zone."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond

from bot.container import Services
from bot.kernel.working_hours import zone_or_utc
from bot.rotations.messages import item_lines, who_text
from bot.slack.respond import ephemeral


def answer_who(services: Services, command: dict[str, Any], respond: Respond) -> None:
    at = services.clock.now()
    zone = zone_or_utc(services.people.tz_of(command["user_id"]))
    who = services.rotations.who(command["channel_id"], at)
    rows = item_lines(who.handoffs, who.items, who.more, at=at, zone=zone)
    ephemeral(respond, who_text(who.changes, who.now, who.next, rows, zone))
    # Someone on the rotation who left since is learnt, so that their turn passes on.
    rotation = services.rotations.pick_of(command["channel_id"])
    if rotation is not None:
        people: list[str | None] = list(rotation.people)
        services.after_ack(lambda: services.people.refresh(people), background=True)
