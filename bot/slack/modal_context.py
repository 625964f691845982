"""What a modal carries through Slack in private_metadata: the channel it was opened from, and
the handoff an Edit changes. Every feature's modal uses it."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class ModalContext:
    """Carried through the modal in private_metadata (`handoff_id`: the handoff an Edit
    changes)."""

    channel_id: str
    handoff_id: int | None = None

    def dump(self) -> str:
        data: dict[str, object] = {"channel_id": self.channel_id}
        if self.handoff_id is not None:
            data["handoff_id"] = self.handoff_id
        return json.dumps(data)

    @classmethod
    def load(cls, raw: str | None) -> ModalContext | None:
        try:
            data = json.loads(raw or "")
            handoff_id = data.get("handoff_id")
            return cls(
                channel_id=str(data["channel_id"]),
                handoff_id=int(handoff_id) if handoff_id is not None else None,
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
