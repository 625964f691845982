"""/baton settings: the channel's roles (owners, strategy channel, decision delay) and its
backup rotation; /baton who: who is on that rotation, and who owns what is open."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.container import Services
from bot.kernel.channel_roles import may_change
from bot.kernel.mrkdwn import code, join, md, mention
from bot.policies.words import policy_text
from bot.settings.modal import SettingsContext, settings_modal
from bot.settings.who import answer_who
from bot.slack.acked import acked_first
from bot.slack.modal import open_modal
from bot.slack.respond import ephemeral

USAGE = md(
    "Usage: ",
    code("/baton settings"),
    " — this channel's owners, strategy channel, decision delay, backup rotation and escalation ",
    "policy; ",
    code("/baton who"),
    " — who is on the rotation now and next, and who owns each open item here.",
)


@acked_first
def baton(services: Services, command: dict[str, Any], client: WebClient, respond: Respond) -> None:
    asked = (command.get("text") or "").strip().lower()
    if asked == "who":
        answer_who(services, command, respond)
        return
    if asked != "settings":
        ephemeral(respond, USAGE)
        return
    channel, user = command["channel_id"], command["user_id"]
    roles = services.channel_settings.stored(channel)
    admin = bool(roles.owners) and user not in roles.owners
    admin = admin and services.people.is_admin(user)
    if not may_change(user, roles, is_admin=admin):
        owners = join(", ", [mention(o) for o in roles.owners])
        ephemeral(
            respond,
            md(
                "Only this channel's owners (",
                owners,
                ") or a workspace admin change its settings.",
            ),
        )
        return
    view = settings_modal(
        context=SettingsContext(channel, admin),
        roles=roles,
        default_strategy=services.settings.strategy_channel,
        default_delay=services.settings.decision_delay,
        rotation=services.rotations.pick_of(channel),
        # The editor's zone: known already, else asked of Slack once (then cached).
        editor_zone=services.people.cached_tz(user) or services.people.tz_of(user) or "UTC",
        policy_lines=policy_text(services.channel_settings.policy(channel)),
    )
    open_modal(client, respond, command, view)
    # Whoever the form starts with is known before Submit (picks are looked up as made), and
    # the user groups a policy may name.
    services.people.learn([user, *roles.owners])
    services.groups.refresh()
