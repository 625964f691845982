"""The Request changes modal: what the owner must change before the approver signs off."""

from __future__ import annotations

import json
from dataclasses import dataclass

from slack_sdk.models.blocks import InputBlock, PlainTextInputElement
from slack_sdk.models.views import View

from bot.ids import Action, Callback, ChangesBlock
from bot.publishing.approval_rules import MAX_CHANGES


@dataclass(frozen=True)
class ChangesContext:
    publish_id: int
    channel_id: str  # where the click came from: refusals are told there

    def dump(self) -> str:
        return json.dumps({"publish_id": self.publish_id, "channel": self.channel_id})

    @classmethod
    def load(cls, raw: str | None) -> ChangesContext | None:
        try:
            data = json.loads(raw or "")
            return cls(int(data["publish_id"]), str(data["channel"]))
        except (ValueError, KeyError, TypeError):
            return None


def request_changes_modal(*, context: ChangesContext, name: str) -> dict[str, object]:
    view = View(
        type="modal",
        callback_id=Callback.REQUEST_CHANGES_MODAL,
        title="Request changes",
        submit="Send",
        close="Cancel",
        private_metadata=context.dump(),
        blocks=[
            InputBlock(
                block_id=ChangesBlock.WHAT,
                label="What to change",
                hint=f"The owner of “{name[:100]}” gets this as it stands.",
                element=PlainTextInputElement(
                    action_id=Action.VALUE, multiline=True, max_length=MAX_CHANGES
                ),
            )
        ],
    )
    return view.to_dict()
