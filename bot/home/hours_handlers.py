"""App Home's working hours: the Set working hours button, its modal's submission, and Use
team default."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.container import Services
from bot.home.hours_views import hours_modal, read_hours_form
from bot.ids import HoursBlock
from bot.kernel.mrkdwn import Mrkdwn, bold, md
from bot.kernel.reader_hours import HoursRefused, check_own_hours
from bot.slack.acked import acked_first


def _refused_at(refused: HoursRefused, start_given: bool) -> HoursBlock:
    if refused is HoursRefused.NO_DAY:
        return HoursBlock.DAYS
    if refused is HoursRefused.NO_TIME and not start_given:
        return HoursBlock.START
    return HoursBlock.END


def _publish_home(services: Services, client: WebClient, user_id: str, notice: Mrkdwn) -> None:
    client.views_publish(user_id=user_id, view=services.home.view_for(user_id, notice=notice))


@acked_first
def open_hours_modal(services: Services, body: dict[str, Any], client: WebClient) -> None:
    shown = services.own_hours.shown(body["user"]["id"])
    client.views_open(trigger_id=body["trigger_id"], view=hours_modal(shown))


def submit_hours(
    services: Services, ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
) -> None:
    days, start, end = read_hours_form(view)
    checked = check_own_hours(days, start, end)
    if isinstance(checked, HoursRefused):
        block = _refused_at(checked, start is not None)
        ack(response_action="errors", errors={block: str(checked)})
        return
    user_id = body["user"]["id"]
    shown = services.own_hours.save(user_id, checked)
    ack()
    notice = md("Saved: Baton's messages to you now wait for ", bold(str(shown)), ".")
    services.after_ack(lambda: _publish_home(services, client, user_id, notice))


@acked_first
def use_team_hours(services: Services, body: dict[str, Any], client: WebClient) -> None:
    user_id = body["user"]["id"]
    shown = services.own_hours.use_team_default(user_id)
    _publish_home(services, client, user_id, md("Back to ", bold(str(shown)), "."))
