"""Enable / Dismiss on a guardrail proposal, and Disable in the /guardrails list."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.container import Services
from bot.guardrails.deciding import Verdict
from bot.guardrails.messages import guardrails_list
from bot.ids import Action
from bot.kernel.mrkdwn import join, local_time, md, mention
from bot.slack.acked import acked_first
from bot.slack.reply import tell_clicker
from bot.slack.respond import ephemeral, replace


def _guardrail_id(action: dict[str, Any]) -> int | None:
    try:
        return int(action.get("value", ""))
    except ValueError:
        return None


@acked_first
def decide(
    services: Services, body: dict[str, Any], action: dict[str, Any], client: WebClient
) -> None:
    user_id = body["user"]["id"]
    tell = tell_clicker(client, body)

    guardrail_id = _guardrail_id(action)
    if guardrail_id is None:
        tell(md("That button does not point at a guardrail any more."))
        return
    enable = action["action_id"] == Action.GUARDRAIL_ENABLE
    channel_id = (body.get("channel") or {}).get("id") or ""
    owners = services.channel_settings.stored(channel_id).owners
    result = services.guardrails.decide(
        guardrail_id,
        by=user_id,
        enable=enable,
        owners=owners,
        is_admin=user_id not in owners and services.people.is_admin(user_id),
    )
    if result.verdict is Verdict.UNKNOWN:
        tell(md("That guardrail no longer exists."))
    elif result.verdict is Verdict.NOT_ALLOWED:
        people = [mention(p) for p in (*owners, *result.people) if p]
        who = join(", ", people) if people else md("nobody yet")
        tell(
            md(
                "Only this channel's owners, the people involved in its failures, or a "
                "workspace admin decide on this guardrail (",
                who,
                "). Nothing was changed.",
            )
        )
    elif result.verdict is Verdict.ALREADY and result.entry is not None:
        entry = result.entry
        who = mention(entry.decided_by) if entry.decided_by else md("someone")
        when = local_time(entry.decided_at) if entry.decided_at else md("")
        tell(
            md(
                f"Already decided: {entry.state.value} by ",
                who,
                " ",
                when,
                ". Nothing was changed.",
            )
        )


@acked_first
def disable(
    services: Services, body: dict[str, Any], action: dict[str, Any], respond: Respond
) -> None:
    user_id = body["user"]["id"]
    guardrail_id = _guardrail_id(action)
    if guardrail_id is None:
        ephemeral(respond, md("Unknown guardrail."))
        return
    result = services.guardrails.disable(
        guardrail_id, by=user_id, is_admin=services.people.is_admin(user_id)
    )
    if result.verdict is Verdict.NOT_ALLOWED and result.entry is not None:
        decided_by = result.entry.decided_by
        enabler = mention(decided_by) if decided_by else md("its enabler")
        ephemeral(
            respond,
            md(
                "Only ",
                enabler,
                " (who enabled it) or a workspace admin can disable this guardrail. "
                "Nothing was changed.",
            ),
        )
        return
    if result.verdict is Verdict.UNKNOWN:
        ephemeral(respond, md("Unknown guardrail."))
        return
    channel_id = (body.get("channel") or {}).get("id") or ""
    message = guardrails_list(services.guardrails.of_channel(channel_id))
    replace(respond, message.text, message.blocks)
