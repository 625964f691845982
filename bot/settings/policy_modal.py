"""The escalation policy read back before it is saved: a small modal pushed over the settings
form, carrying everything the form would save (its Save saves it all; Back returns to the
form)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_sdk.models.blocks import ContextBlock, SectionBlock
from slack_sdk.models.views import View

from bot.ids import Callback
from bot.kernel.channel_roles import ChannelRoles
from bot.kernel.mrkdwn import Mrkdwn, bold, channel, md
from bot.kernel.text import context, section
from bot.policies.policy import Policy
from bot.policies.words import describe
from bot.rotations.service import RotationPick
from bot.rotations.turns import Changeover

DEFAULT_WORDS = (
    "as by default: a nudge to the next owner at act-by, then the backup owner (or the "
    "author) and the thread"
)


@dataclass(frozen=True)
class PendingSave:
    """What the settings form asked to save, held by the read-back until Save."""

    channel_id: str
    admin: bool
    roles: ChannelRoles
    policy: Policy | None
    rotation: RotationPick | None = None

    def dump(self) -> str:
        delay = self.roles.decision_delay
        return json.dumps(
            {
                "channel": self.channel_id,
                "admin": self.admin,
                "owners": list(self.roles.owners),
                "strategy": self.roles.strategy_channel,
                "delay": delay.total_seconds() if delay is not None else None,
                "policy": self.policy.to_json() if self.policy else None,
                "rotation": _rotation_json(self.rotation),
            },
            separators=(",", ":"),
        )

    @classmethod
    def load(cls, raw: str | None) -> PendingSave | None:
        try:
            data = json.loads(raw or "")
            delay = data["delay"]
            return cls(
                str(data["channel"]),
                bool(data["admin"]),
                ChannelRoles(
                    tuple(str(o) for o in data["owners"]),
                    data["strategy"],
                    timedelta(seconds=float(delay)) if delay is not None else None,
                ),
                Policy.from_json(data["policy"]) if data["policy"] else None,
                _rotation_of(data.get("rotation")),
            )
        except (ValueError, KeyError, TypeError):
            return None


def _rotation_json(rotation: RotationPick | None) -> dict[str, Any] | None:
    if rotation is None:
        return None
    changes = rotation.changes
    return {
        "people": list(rotation.people),
        "weekday": changes.weekday,
        "hour": changes.hour,
        "zone": changes.zone,
    }


def _rotation_of(data: dict[str, Any] | None) -> RotationPick | None:
    if not data:
        return None
    changes = Changeover(int(data["weekday"]), int(data["hour"]), str(data["zone"]))
    return RotationPick(tuple(str(p) for p in data["people"]), changes)


def plan_words(policy: Policy | None) -> Mrkdwn:
    return describe(policy) if policy else md("Escalation: ", DEFAULT_WORDS)


def read_back_modal(pending: PendingSave) -> dict[str, Any]:
    blocks: list[SectionBlock | ContextBlock] = [
        section(
            md(
                "Baton will escalate new handoffs in ",
                channel(pending.channel_id),
                " like this:\n",
                bold(plan_words(pending.policy)),
                "\nExisting handoffs keep theirs.",
            )
        ),
        context(md("Save saves the whole form; Back returns to it.")),
    ]
    view = View(
        type="modal",
        callback_id=Callback.SETTINGS_CONFIRM_MODAL,
        title="Escalation policy",
        submit="Save",
        close="Back",
        private_metadata=pending.dump(),
        blocks=blocks,
    )
    return view.to_dict()
