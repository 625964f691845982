"""/report [weeks] [#channel|@person]: the cycle-time report, ephemerally."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Respond

from bot.charts import cycle_spec
from bot.domain.report_command import parse_report
from bot.listeners.acked import acked_first
from bot.listeners.respond import ephemeral
from bot.services.container import Services
from bot.views.mrkdwn import channel, md, mention
from bot.views.report import report_message


def register(app: App, services: Services) -> None:
    @app.command("/report")
    @acked_first(services)
    def report(command: dict[str, Any], respond: Respond) -> None:
        request = parse_report(command.get("text") or "", here=command["channel_id"])
        if isinstance(request, str):
            ephemeral(respond, md(request))
            return
        result = services.reports.report(
            request.weeks, channel_id=request.channel_id, person=request.person
        )
        scope = (
            mention(request.person)
            if request.person
            else channel(request.channel_id or command["channel_id"])
        )
        message = report_message(
            result,
            weeks=request.weeks,
            scope=scope,
            chart_note="The chart comes in your DM with Baton (an ephemeral message carries no "
            "file).",
        )
        ephemeral(respond, message.text, message.blocks)
        services.charts.to_dm(
            command["user_id"],
            cycle_spec(result.weekly),
            title=f"Time to acknowledge and to done, {scope}",
            request=command["trigger_id"],
        )
