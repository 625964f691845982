"""Conversations and who is in them, as Slack has it.

A bot is a member of a public or private channel only once it joined (public) or was invited;
of a DM it opened, always. A private channel or group DM it is not in does not exist for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    CHANNEL = "channel"  # public channel
    GROUP = "group"  # private channel
    MPIM = "mpim"  # group DM
    IM = "im"  # the bot's DM with one person


@dataclass
class Conversation:
    id: str
    name: str
    kind: Kind
    bot_member: bool
    # None: everyone in the workspace (the stand-in's default for public channels).
    members: set[str] | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_private(self) -> bool:
        return self.kind is not Kind.CHANNEL

    @property
    def visible_to_bot(self) -> bool:
        """Slack answers channel_not_found for a private conversation the bot is not in."""
        return self.bot_member or not self.is_private

    def has_member(self, user_id: str) -> bool:
        return self.members is None or user_id in self.members

    def command_channel_name(self) -> str:
        """The `channel_name` of a slash command run here, as Slack sends it to the app."""
        if self.kind is Kind.IM:
            return "directmessage"
        if self.is_private and not self.bot_member:
            return "privategroup"
        return self.name

    def as_slack(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": self.kind is Kind.CHANNEL,
            "is_group": self.kind is Kind.GROUP,
            "is_im": self.kind is Kind.IM,
            "is_mpim": self.kind is Kind.MPIM,
            "is_private": self.is_private,
            "is_member": self.bot_member,
            "is_archived": False,
        }
