"""The Revise modal: which candidate action the decision takes up."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.decisions.choices import MAX_ACTION
from bot.ids import Action, Callback, ReviseBlock
from bot.kernel.mrkdwn import bold, md
from bot.kernel.text import section

MAX_LISTED = 10  # Slack's limit on radio buttons
OPTION_TEXT = 75  # Slack's limit on an option's text


@dataclass(frozen=True)
class ReviseContext:
    publish_id: int
    revision: int
    channel_id: str

    def dump(self) -> str:
        return json.dumps(
            {"publish_id": self.publish_id, "revision": self.revision, "channel": self.channel_id}
        )

    @classmethod
    def load(cls, raw: str | None) -> ReviseContext | None:
        try:
            data = json.loads(raw or "")
            return cls(int(data["publish_id"]), int(data["revision"]), str(data["channel"]))
        except (ValueError, KeyError, TypeError):
            return None


def revise_modal(
    *, context: ReviseContext, name: str, triggered: Sequence[str]
) -> dict[str, object]:
    listed = [a for a in triggered if len(a) <= OPTION_TEXT][:MAX_LISTED]
    blocks: list[InputBlock | SectionBlock] = [
        section(md("Revise ", bold(name), ": which action do you take up?"))
    ]
    if listed:
        blocks.append(
            InputBlock(
                block_id=ReviseBlock.PICKED,
                label="Action",
                optional=True,
                hint="The candidate actions its rules triggered.",
                element=RadioButtonsElement(
                    action_id=Action.VALUE,
                    options=[Option(text=a, value=a) for a in listed],
                ),
            )
        )
    blocks.append(
        InputBlock(
            block_id=ReviseBlock.WRITTEN,
            label="Another action",
            optional=bool(listed),
            hint="In words, when none of the listed ones fits.",
            element=PlainTextInputElement(
                action_id=Action.VALUE, max_length=MAX_ACTION, placeholder="e.g. shorter opener"
            ),
        )
    )
    view = View(
        type="modal",
        callback_id=Callback.REVISE_MODAL,
        title="Revise",
        submit="Decide",
        close="Cancel",
        private_metadata=context.dump(),
        blocks=blocks,
    )
    return view.to_dict()
