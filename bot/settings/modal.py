"""The /baton settings modal: the channel's roles, its backup rotation and its escalation
policy."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from slack_sdk.models.blocks import (
    ConversationFilter,
    ConversationSelectElement,
    InputBlock,
    PlainTextInputElement,
    SectionBlock,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.ids import Action, Callback, SettingsBlock
from bot.kernel.channel_roles import MAX_OWNERS, ChannelRoles
from bot.kernel.durations import format_duration
from bot.kernel.mrkdwn import channel, md
from bot.kernel.text import section
from bot.rotations.service import RotationPick
from bot.settings.rotation_fields import rotation_blocks

POLICY_MAX_LENGTH = 1500
POLICY_HINT = (
    "How new handoffs here escalate, one step per line: `at act-by: next owner`, "
    "`+2h: backup`, `+1d: owners`, `+1d: thread`, then `repeat N` (0-9). Targets: next owner, "
    "backup, author, owners, thread, rotation, @person, @user-group. Delays: 30m, 2h, 1d or "
    "ISO 8601. Empty: a nudge at act-by, then the backup owner (or the author) and the thread."
)


@dataclass(frozen=True)
class SettingsContext:
    channel_id: str
    admin: bool  # a workspace admin opened it (checked when it opened)

    def dump(self) -> str:
        return json.dumps({"channel": self.channel_id, "admin": self.admin})

    @classmethod
    def load(cls, raw: str | None) -> SettingsContext | None:
        try:
            data = json.loads(raw or "")
            return cls(str(data["channel"]), bool(data["admin"]))
        except (ValueError, KeyError, TypeError):
            return None


def settings_modal(
    *,
    context: SettingsContext,
    roles: ChannelRoles,
    default_strategy: str | None,
    default_delay: timedelta,
    rotation: RotationPick | None = None,
    editor_zone: str = "UTC",
    policy_lines: str = "",
) -> dict[str, object]:
    default_where = f"<#{default_strategy}>" if default_strategy else "no channel (none is set)"
    blocks: list[InputBlock | SectionBlock] = [
        section(
            md(
                "Settings for ",
                channel(context.channel_id),
                ". Leading signals (the decision prompt) go to each publish's owners; lagging "
                "ones (the weekly digest) to the strategy channel.",
            )
        ),
        InputBlock(
            dispatch_action=True,  # a pick is looked up before Submit
            block_id=SettingsBlock.OWNERS,
            label="Channel owners",
            optional=True,
            hint="They change these settings and may enable guardrails here.",
            element=UserMultiSelectElement(
                action_id=Action.VALUE,
                initial_users=list(roles.owners) or None,
                max_selected_items=MAX_OWNERS,
            ),
        ),
        InputBlock(
            block_id=SettingsBlock.STRATEGY_CHANNEL,
            label="Strategy channel",
            optional=True,
            hint=f"Gets this channel's weekly digest. Empty: {default_where}.",
            element=ConversationSelectElement(
                action_id=Action.VALUE,
                initial_conversation=roles.strategy_channel,
                filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
            ),
        ),
        InputBlock(
            block_id=SettingsBlock.DECISION_DELAY,
            label="Decision delay",
            optional=True,
            hint="How long after a window opens the decision prompt comes, e.g. 24h, 2d. "
            f"Empty: {format_duration(default_delay)}.",
            element=PlainTextInputElement(
                action_id=Action.VALUE,
                initial_value=format_duration(roles.decision_delay)
                if roles.decision_delay
                else None,
                placeholder="24h",
            ),
        ),
        *rotation_blocks(rotation, editor_zone),
        InputBlock(
            block_id=SettingsBlock.ESCALATION_POLICY,
            label="Escalation policy",
            optional=True,
            hint=POLICY_HINT,
            element=PlainTextInputElement(
                action_id=Action.VALUE,
                multiline=True,
                max_length=POLICY_MAX_LENGTH,
                initial_value=policy_lines or None,
                placeholder="at act-by: next owner",
            ),
        ),
    ]
    view = View(
        type="modal",
        callback_id=Callback.SETTINGS_MODAL,
        title="Baton settings",
        submit="Save",
        close="Cancel",
        private_metadata=context.dump(),
        blocks=blocks,
    )
    return view.to_dict()
