"""The buttons on a blocker DM: Resolved (the item is done, if the clicker may say so) and
Snooze 1 day."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond

from bot.container import Services
from bot.graph import messages as views
from bot.graph.resolving import DoneRefused
from bot.kernel.mrkdwn import md
from bot.slack.acked import acked_first
from bot.slack.respond import ephemeral, replace


@acked_first
def resolved(
    services: Services, body: dict[str, Any], action: dict[str, Any], respond: Respond
) -> None:
    try:
        item_id = int(action.get("value", ""))
    except ValueError:
        return
    result = services.graph.resolve(
        item_id, by=body["user"]["id"], is_admin=services.people.is_admin
    )
    if result is None:
        ephemeral(respond, md("That item is gone."))
    elif isinstance(result, DoneRefused):
        ephemeral(respond, views.done_refused(result.item, result.rights))
    else:
        told = views.done_confirmation(result.report, len(result.notify_keys))
        replace(respond, md(":white_check_mark: ", told))


@acked_first
def snooze(
    services: Services, body: dict[str, Any], action: dict[str, Any], respond: Respond
) -> None:
    try:
        item_id = int(action.get("value", ""))
    except ValueError:
        return
    snoozed = services.graph.snooze_blocker(item_id, by=body["user"]["id"])
    if snoozed is None:
        ephemeral(respond, md("That item is gone."))
        return
    ref, until = snoozed
    replace(respond, views.snoozed(ref, until))
