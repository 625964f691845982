"""/kpi <publish> <metric>=<value> ... [at=<ISO time>]: log readings; alone, a modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.container import Services
from bot.decisions.kpi_messages import logged_text, no_publish_text, refused_text, usage_text
from bot.decisions.kpi_modal import kpi_modal
from bot.decisions.kpis import KpiRefusal, parse_kpi_command
from bot.kernel.slack_text import plain_text_of
from bot.slack.acked import acked_first
from bot.slack.modal import open_modal
from bot.slack.modal_context import ModalContext
from bot.slack.respond import ephemeral


@acked_first
def kpi(services: Services, command: dict[str, Any], client: WebClient, respond: Respond) -> None:
    text = plain_text_of(command.get("text") or "").strip()
    channel = command["channel_id"]
    if not text:
        view = kpi_modal(context=ModalContext(channel_id=channel))
        open_modal(client, respond, command, view, otherwise=usage_text())
        return
    parsed = parse_kpi_command(text, now=services.clock.now())
    if isinstance(parsed, KpiRefusal):
        ephemeral(respond, refused_text(parsed.problems))
        return
    logged = services.publishes.log_readings(
        channel,
        parsed.publish,
        parsed.values,
        observed_at=parsed.observed_at,
        by=command["user_id"],
        source="slack",
    )
    if logged is None:
        ephemeral(respond, no_publish_text(parsed.publish))
        return
    ephemeral(respond, logged_text(logged))
