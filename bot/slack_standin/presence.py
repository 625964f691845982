"""A stand-in user's status and Do Not Disturb, answered as users.profile.get and dnd.info
answer (docs.slack.dev/reference/methods/users.profile.get, …/dnd.info)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Presence:
    status_text: str = ""
    status_emoji: str = ""
    status_expiration: int = 0  # epoch seconds; 0: "Don't clear"
    snooze_endtime: int = 0  # epoch seconds; 0: not snoozed

    def status(self, now: float) -> dict[str, Any]:
        """The profile's status fields: Slack clears a status when it expires."""
        if self.status_expiration and self.status_expiration <= now:
            return {"status_text": "", "status_emoji": "", "status_expiration": 0}
        return {
            "status_text": self.status_text,
            "status_emoji": self.status_emoji,
            "status_expiration": self.status_expiration,
        }

    def dnd(self, now: float, *, own: bool) -> dict[str, Any]:
        """dnd.info's answer. No schedule is modelled (Do Not Disturb off, as for someone who
        never set one). The snooze_* fields are shown only when the user asked about is the
        token's own user; snooze_endtime and snooze_remaining only while snoozed."""
        answer: dict[str, Any] = {
            "dnd_enabled": False,
            "next_dnd_start_ts": 1,
            "next_dnd_end_ts": 1,
        }
        if own:
            snoozed = self.snooze_endtime > now
            answer["snooze_enabled"] = snoozed
            if snoozed:
                answer["snooze_endtime"] = self.snooze_endtime
                answer["snooze_remaining"] = int(self.snooze_endtime - now)
        return answer
