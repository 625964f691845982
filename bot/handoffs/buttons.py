"""The lifecycle buttons on a handoff's post, DMs and App Home: Acknowledge, Done, Reassign,
Snooze, Take over, Reach them, Edit, Withdraw."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.container import Services
from bot.handoffs import lifecycle_modals as modals
from bot.handoffs.lifecycle import Button
from bot.handoffs.messages import BUTTON_OF
from bot.handoffs.modal import Prefill, edit_modal
from bot.handoffs.outcome import Change, Outcome
from bot.ids import Action
from bot.kernel.mrkdwn import Mrkdwn, bold, md
from bot.kernel.working_hours import zone_or_utc
from bot.slack.acked import acked_first
from bot.slack.modal_context import ModalContext
from bot.slack.reply import tell_clicker

MODAL_BUTTONS = (Button.REASSIGN, Button.SNOOZE, Button.EDIT)


def from_home(body: dict[str, Any]) -> bool:
    return (body.get("container") or {}).get("type") == "view"


def answer(change: Change, button: Button) -> Mrkdwn | None:
    """What to tell the presser when nothing changed; None when it worked."""
    if change.outcome is Outcome.UNKNOWN or change.card is None:
        return md("That handoff no longer exists.")
    if change.outcome is Outcome.NOT_ALLOWED:
        return modals.not_allowed(button, change.card, change.allowed)
    if change.outcome is Outcome.NOT_NOW and change.refused is not None:
        return modals.not_now(button, change.card, change.refused)
    return None


def publish_home(
    services: Services, client: WebClient, user_id: str, notice: Mrkdwn | None = None
) -> None:
    view = services.home.view_for(user_id, notice=notice)
    client.views_publish(user_id=user_id, view=view)


def reply_to(
    services: Services, body: dict[str, Any], client: WebClient
) -> Callable[[Mrkdwn], None]:
    if from_home(body):  # App Home has no conversation: the notice goes on the page
        return lambda text: publish_home(services, client, body["user"]["id"], text)
    return tell_clicker(client, body)


@acked_first
def press(
    services: Services, body: dict[str, Any], action: dict[str, Any], client: WebClient
) -> None:
    user_id = body["user"]["id"]
    tell = reply_to(services, body, client)
    try:
        handoff_id = int(action.get("value", ""))
        button = BUTTON_OF[Action(action["action_id"])]
    except (ValueError, KeyError):
        tell(md("That button does not point at a handoff any more."))
        return
    if button in MODAL_BUTTONS:
        open_form(services, body, client, tell, handoff_id, button)
        return
    result = services.handoffs.press(handoff_id, button, user_id)
    if problem := answer(result, button):
        tell(problem)
        return
    if from_home(body):
        publish_home(services, client, user_id)


def open_form(
    services: Services,
    body: dict[str, Any],
    client: WebClient,
    tell: Callable[[Mrkdwn], None],
    handoff_id: int,
    button: Button,
) -> None:
    checked = services.handoffs.check(handoff_id, button, body["user"]["id"])
    if problem := answer(checked, button):
        tell(problem)
        return
    card = checked.card
    assert card is not None
    if button is Button.REASSIGN:
        view = modals.reassign_modal(card)
    elif button is Button.SNOOZE:
        bounds = services.handoffs.snooze_bounds(handoff_id)
        assert bounds is not None
        zone = zone_or_utc(services.people.cached_tz(card.next_owner_id))
        view = modals.snooze_modal(card, latest=bounds[1], zone=zone)
    else:
        prefill = Prefill(
            work_item=card.work_item,
            status=card.status,
            done=card.done,
            open=card.open,
            next_owner_id=card.next_owner_id,
            next_action=card.next_action,
            backup_owner_id=card.backup_owner_id,
            act_by=card.act_by,
            urgency=card.urgency.value,
        )
        context = ModalContext(channel_id=card.channel_id, handoff_id=card.id)
        checklist = services.guardrails.checklist(card.channel_id)
        view = edit_modal(context=context, prefill=prefill, checklist=checklist)
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except SlackApiError:
        tell(
            md(
                "Slack closed the window before the form could open: press ",
                bold(button.value),
                " again.",
            )
        )
        return
    if button is Button.EDIT:  # the people it starts with are known before Submit
        services.people.learn([card.next_owner_id, card.backup_owner_id])
