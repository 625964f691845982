"""/handoff [work item]: open the handoff modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.container import Services
from bot.handoffs.lifecycle import default_act_by
from bot.handoffs.modal import act_by_hint, handoff_modal
from bot.kernel.durations import format_duration
from bot.kernel.slack_text import plain_text_of
from bot.kernel.working_hours import zone_or_utc
from bot.slack.acked import acked_first
from bot.slack.modal import open_modal
from bot.slack.modal_context import ModalContext


@acked_first
def open_handoff_modal(
    services: Services, command: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    # The trigger lives 3 s and is single-use: open the view before anything slow.
    settings = services.settings
    known_tz = services.people.cached_tz(command["user_id"])
    zone = zone_or_utc(known_tz)
    now = services.clock.now()
    for_you = default_act_by(now, settings.act_within, settings.working_hours, zone)
    on_turn = services.rotations.on_turn(command["channel_id"], now)
    view = handoff_modal(
        context=ModalContext(channel_id=command["channel_id"]),
        work_item=plain_text_of(command.get("text") or "").strip(),
        hint=act_by_hint(
            format_duration(settings.act_within),
            for_you.astimezone(zone),
            str(zone),
            str(settings.working_hours),
        ),
        checklist=services.guardrails.checklist(command["channel_id"]),
        backup=on_turn,
    )
    open_modal(client, respond, command, view)
    if on_turn is not None:  # known by Submit, should they keep the default
        services.after_ack(lambda: services.people.learn([on_turn]), background=True)
    if known_tz is None:  # learnt now, so the next hint is in their own time zone
        services.after_ack(lambda: services.people.refresh([command["user_id"]]), background=True)
