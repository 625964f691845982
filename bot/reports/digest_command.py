"""/digest [weeks]: the strategy owners' view, ephemerally, on demand."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond

from bot.container import Services
from bot.kernel.mrkdwn import code, md
from bot.reports import charts
from bot.reports.digest_messages import digest_message
from bot.slack.acked import acked_first
from bot.slack.channel_access import ChannelAccess
from bot.slack.respond import ephemeral

MAX_WEEKS = 12


@acked_first
def digest(services: Services, command: dict[str, Any], respond: Respond) -> None:
    text = (command.get("text") or "").strip()
    if text and not (text.isdigit() and 1 <= int(text) <= MAX_WEEKS):
        ephemeral(
            respond,
            md(
                "Usage: ",
                code("/digest [weeks]"),
                f", weeks from 1 to {MAX_WEEKS} (default 1), e.g. ",
                code("/digest 2"),
                ".",
            ),
        )
        return
    weeks = int(text) if text else 1
    end = services.clock.now()
    # Only the channels the asker can read: a private channel's publishes stay in it.
    readable = ChannelAccess(services.client).readable_by(
        command["user_id"],
        sorted(services.digests.channels_shown(end, weeks)),
        known=[command.get("channel_id", "")],
    )
    found = services.digests.digest(end, weeks, channels=readable)
    message = digest_message(found, end=end, weeks=weeks)
    ephemeral(respond, message.text, message.blocks)
    kpis = services.digests.kpi_chart(end, channels=readable)
    services.charts.to_dm(
        command["user_id"],
        kpis,
        title=f"KPI medians per surface, {charts.span(kpis)}",
        request=command["trigger_id"],
    )
