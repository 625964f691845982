"""/report [weeks] [#channel|@person]: the cycle-time report, ephemerally."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond

from bot.container import Services
from bot.kernel.mrkdwn import channel, md, mention
from bot.reports.charts import cycle_spec
from bot.reports.report_messages import report_message
from bot.reports.report_rules import NOT_READABLE, chart_title, parse_report
from bot.slack.acked import acked_first
from bot.slack.channel_access import ChannelAccess
from bot.slack.respond import ephemeral


@acked_first
def report(services: Services, command: dict[str, Any], respond: Respond) -> None:
    here, asker = command["channel_id"], command["user_id"]
    access = ChannelAccess(services.client)
    request = parse_report(command.get("text") or "", here=here)
    if isinstance(request, str):
        ephemeral(respond, md(request))
        return
    # Only what the asker can read: public channels and the ones they are in (after the
    # ack: this asks Slack). The chart is drawn from the same filtered report.
    if request.channel_id and not access.readable_by(asker, [request.channel_id], known=[here]):
        ephemeral(respond, md(NOT_READABLE))
        return
    result = services.reports.report(
        request.weeks,
        channel_id=request.channel_id,
        person=request.person,
        may_see=lambda found: access.readable_by(asker, found, known=[here]),
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
    services.charts.to_dm(
        asker,
        cycle_spec(result.weekly),
        title=chart_title(request, here=here, here_name=command.get("channel_name")),
        request=command["trigger_id"],
    )
