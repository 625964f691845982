"""/kpi <publish> <metric>=<value> ... [at=<ISO time>]: log readings; alone, a modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot.domain.kpis import KPI_USAGE, KpiRefusal, parse_kpi_command
from bot.listeners.acked import acked_first
from bot.listeners.commands.modal import open_modal
from bot.services.container import Services
from bot.views.handoff_modal import ModalContext
from bot.views.kpi import logged_text
from bot.views.publish_modal import kpi_modal


def register(app: App, services: Services) -> None:
    @app.command("/kpi")
    @acked_first(services)
    def kpi(command: dict[str, Any], client: WebClient, respond: Respond) -> None:
        text = (command.get("text") or "").strip()
        channel = command["channel_id"]
        if not text:
            view = kpi_modal(context=ModalContext(channel_id=channel))
            open_modal(client, respond, command, view, otherwise=KPI_USAGE)
            return
        parsed = parse_kpi_command(text, now=services.clock.now())
        if isinstance(parsed, KpiRefusal):
            problems = "\n".join(f"• {p}" for p in parsed.problems)
            respond(response_type="ephemeral", text=f"Nothing was logged:\n{problems}\n{KPI_USAGE}")
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
            respond(
                response_type="ephemeral",
                text=f"No publish called “{parsed.publish}” in this channel. "
                "Record it with `/publish` first.",
            )
            return
        respond(response_type="ephemeral", text=logged_text(logged))
