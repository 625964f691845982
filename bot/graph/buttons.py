"""The buttons on a blocker DM: Resolved (the item is done, if the clicker may say so) and
Snooze 1 day."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.container import Services
from bot.graph import messages as views
from bot.graph.resolving import DoneRefused
from bot.kernel.mrkdwn import md
from bot.slack.acked import acked_first
from bot.slack.home_page import from_home, refresh_home, tell_here
from bot.slack.respond import replace


@acked_first
def resolved(
    services: Services,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
) -> None:
    tell = tell_here(services, body, client, respond)
    try:
        item_id = int(action.get("value", ""))
    except ValueError:
        return
    result = services.graph.resolve(
        item_id, by=body["user"]["id"], is_admin=services.people.is_admin
    )
    if result is None:
        tell(md("That item is gone."))
    elif isinstance(result, DoneRefused):
        tell(views.done_refused(result.item, result.rights))
    else:
        told = md(
            ":white_check_mark: ", views.done_confirmation(result.report, len(result.notify_keys))
        )
        if from_home(body):
            refresh_home(services, client, body["user"]["id"], told)
        else:
            replace(respond, told)


@acked_first
def snooze(
    services: Services,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
) -> None:
    tell = tell_here(services, body, client, respond)
    try:
        item_id = int(action.get("value", ""))
    except ValueError:
        return
    snoozed = services.graph.snooze_blocker(item_id, by=body["user"]["id"])
    if snoozed is None:
        tell(md("That item is gone."))
        return
    ref, until = snoozed
    if from_home(body):
        refresh_home(services, client, body["user"]["id"], views.snoozed(ref, until))
    else:
        replace(respond, views.snoozed(ref, until))
