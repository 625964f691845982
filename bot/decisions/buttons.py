"""Repeat / Revise / Stop on a decision prompt: only the owner or the backup owner decides;
Revise first asks which action it takes up."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.container import Services
from bot.decisions.choices import Choice
from bot.decisions.modal import ReviseContext, revise_modal
from bot.decisions.service import AlreadyDecided, Decided, NotAllowed, ReviseOptions
from bot.ids import Action
from bot.kernel.mrkdwn import Mrkdwn, bold, local_time, md, mention
from bot.slack.acked import acked_first
from bot.slack.home_page import from_home, refresh_home, tell_clicker_here

CHOICE_OF = {
    Action.DECIDE_REPEAT: Choice.REPEAT,
    Action.DECIDE_REVISE: Choice.REVISE,
    Action.DECIDE_STOP: Choice.STOP,
}


def parse_value(value: str) -> tuple[int, int]:
    """`<publish id>:<revision>`; a bare id (older messages) is revision 0."""
    publish, _, seen = value.partition(":")
    return int(publish), int(seen or 0)


def refusal_text(result: NotAllowed | AlreadyDecided | None) -> Mrkdwn:
    if result is None:
        return md("That publish no longer exists.")
    if isinstance(result, NotAllowed):
        card = result.card
        return md(
            "Only ",
            mention(card.owner_id),
            " (owner) or ",
            mention(card.backup_owner_id),
            " (backup owner) decide on ",
            bold(card.name),
            ". Nothing was changed.",
        )
    earlier = result.decision
    return md(
        "Already decided: ",
        earlier.summary,
        " by ",
        mention(earlier.by),
        " ",
        local_time(earlier.at),
        ".",
    )


@acked_first
def decide(
    services: Services, body: dict[str, Any], action: dict[str, Any], client: WebClient
) -> None:
    user_id = body["user"]["id"]
    tell = tell_clicker_here(services, body, client)
    try:
        publish_id, seen = parse_value(action.get("value", ""))
        choice = CHOICE_OF[Action(action["action_id"])]
    except (ValueError, KeyError):
        tell(md("That button does not point at a publish any more."))
        return
    if choice is Choice.REVISE:
        options = services.decisions.revise_options(publish_id, by=user_id, seen_revision=seen)
        if not isinstance(options, ReviseOptions):
            tell(refusal_text(options))
            return
        context = ReviseContext(
            publish_id, options.revision, (body.get("channel") or {}).get("id", "")
        )
        view = revise_modal(context=context, name=options.card.name, triggered=options.triggered)
        try:
            client.views_open(trigger_id=body["trigger_id"], view=view)
        except SlackApiError:
            tell(md("Slack closed the window before the form could open. Press Revise again."))
        return
    result = services.decisions.decide(publish_id, by=user_id, choice=choice, seen_revision=seen)
    if not isinstance(result, Decided):
        tell(refusal_text(result))
    elif from_home(body):
        refresh_home(services, client, user_id)
