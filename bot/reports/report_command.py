"""/report [weeks] [#channel|@person]: the cycle-time report, ephemerally."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond

from bot.container import Services
from bot.kernel.mrkdwn import channel, md, mention
from bot.reports.charts import cycle_spec
from bot.reports.report_messages import report_message
from bot.reports.report_rules import parse_report
from bot.slack.acked import acked_first
from bot.slack.respond import ephemeral


@acked_first
def report(services: Services, command: dict[str, Any], respond: Respond) -> None:
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
        chart_note="The chart comes in your DM with Baton (an ephemeral message carries no file).",
    )
    ephemeral(respond, message.text, message.blocks)
    keys = services.charts.to_dm(
        command["user_id"],
        cycle_spec(result.weekly),
        title=f"Time to acknowledge and to done, {scope}",
        request=command["trigger_id"],
    )
    services.deliverer.deliver_keys(keys)
