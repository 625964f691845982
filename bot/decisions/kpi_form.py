"""The /kpi modal's submission: the same checks as the command, refused at the field."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack

from bot.container import Services
from bot.decisions.kpi_messages import logged_text
from bot.decisions.kpis import KpiRefusal, parse_kpi_command
from bot.ids import KpiBlock
from bot.slack.form_state import value_of
from bot.slack.modal_context import ModalContext


def submit_kpis(
    services: Services, ack: Ack, body: dict[str, Any], view: dict[str, Any], client: Any
) -> None:
    context = ModalContext.load(view.get("private_metadata"))
    publish = " ".join(str(value_of(view, KpiBlock.PUBLISH) or "").split())
    if context is None or not publish:
        ack(response_action="errors", errors={KpiBlock.PUBLISH: "Name the publish."})
        return
    readings = " ".join(str(value_of(view, KpiBlock.READINGS) or "").split())
    observed = value_of(view, KpiBlock.OBSERVED_AT)
    at = (
        f" at={datetime.fromtimestamp(int(observed), UTC).isoformat()}"
        if observed is not None
        else ""
    )
    quoted = publish.replace('"', "")
    parsed = parse_kpi_command(f'"{quoted}" {readings}{at}', now=services.clock.now())
    if isinstance(parsed, KpiRefusal):
        block = (
            KpiBlock.OBSERVED_AT
            if at and "at=" in " ".join(parsed.problems)
            else (KpiBlock.READINGS)
        )
        ack(response_action="errors", errors={block: " ".join(parsed.problems)[:2000]})
        return
    user = body["user"]["id"]
    logged = services.publishes.log_readings(
        context.channel_id,
        parsed.publish,
        parsed.values,
        observed_at=parsed.observed_at,
        by=user,
        source="slack",
    )
    if logged is None:
        ack(
            response_action="errors",
            errors={KpiBlock.PUBLISH: f"No publish called “{publish}” in this channel."},
        )
        return
    ack()
    text = logged_text(logged)
    services.after_ack(
        lambda: client.chat_postEphemeral(channel=context.channel_id, user=user, text=text)
    )
