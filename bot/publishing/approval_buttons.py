"""Approve / Request changes on an approver's DM: only the publish's approvers may answer."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.container import Services
from bot.kernel.mrkdwn import Mrkdwn, bold, join, md, mention
from bot.publishing.approval_modal import ChangesContext, request_changes_modal
from bot.publishing.approvals import Answered, NotApprover
from bot.slack.acked import acked_first
from bot.slack.home_page import from_home, refresh_home, tell_here


def not_approver_text(result: NotApprover | None) -> Mrkdwn:
    if result is None:
        return md("That publish no longer exists.")
    who = join(", ", [mention(a) for a in result.approvers]) or md("nobody")
    return md(
        "Only the approvers of ",
        bold(result.card.name),
        " (",
        who,
        ") answer this. Nothing was changed.",
    )


@acked_first
def approve(
    services: Services,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
) -> None:
    tell = tell_here(services, body, client, respond)
    try:
        publish_id = int(action.get("value", ""))
    except ValueError:
        tell(md("That button does not point at a publish any more."))
        return
    result = services.approvals.answer(publish_id, by=body["user"]["id"], approve=True)
    if isinstance(result, Answered):
        if not result.changed:
            tell(md("You had approved ", bold(result.card.name), " already."))
        elif from_home(body):
            refresh_home(services, client, body["user"]["id"])
    else:
        tell(not_approver_text(result))


@acked_first
def request_changes(
    services: Services,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
) -> None:
    tell = tell_here(services, body, client, respond)
    try:
        publish_id = int(action.get("value", ""))
    except ValueError:
        tell(md("That button does not point at a publish any more."))
        return
    allowed = services.approvals.approvers_of(publish_id, body["user"]["id"])
    if allowed is None or isinstance(allowed, NotApprover):
        tell(not_approver_text(allowed))
        return
    context = ChangesContext(publish_id, (body.get("channel") or {}).get("id", ""))
    try:
        client.views_open(
            trigger_id=body["trigger_id"],
            view=request_changes_modal(context=context, name=allowed.name),
        )
    except SlackApiError:
        tell(md("Slack closed the window before the form could open. Press it again."))
