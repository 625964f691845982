"""The workspace's user groups (`@launch-oncall` → its id), from usergroups.list, kept in
memory: a form's 3-second answer reads them from here, never from Slack. They are read again
after an ack (`refresh`: when `/baton settings` opens, and after a Submit that found them
missing), so a group made a minute ago is known by the time the form is sent."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.policies.language import GroupsUnreadable

log = logging.getLogger("baton.people")

# A Submit may wait this long for a read already under way, never for a call of its own.
WAIT_FOR_READ = 2.0


class UserGroups:
    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._known: Mapping[str, str] | GroupsUnreadable = GroupsUnreadable.NOT_YET
        self._reading: threading.Event | None = None
        self._guard = threading.Lock()

    def by_handle(self, wait: float = WAIT_FOR_READ) -> Mapping[str, str] | GroupsUnreadable:
        """Handle (lower case) → group id as last read; a read under way is waited for, at
        most `wait` seconds, when nothing was read yet."""
        with self._guard:
            known, reading = self._known, self._reading
        if known == GroupsUnreadable.NOT_YET and reading is not None:
            reading.wait(wait)
            with self._guard:
                known = self._known
        return known

    def expect(self) -> None:
        """Mark a read as under way (memory only, for the ack path), so a Submit that comes
        before it ends waits for it instead of saying "try again"."""
        with self._guard:
            if self._reading is None:
                self._reading = threading.Event()

    def refresh(self) -> None:
        """Read the groups from Slack (after an ack). Without `usergroups:read` they are
        remembered as unreadable; another failure keeps what was known."""
        self.expect()
        found: Mapping[str, str] | GroupsUnreadable = self._known
        try:
            answer = self.client.usergroups_list()
            found = {
                str(group["handle"]).lower(): str(group["id"])
                for group in answer.get("usergroups") or []
            }
        except SlackApiError as error:
            if error.response.get("error") == "missing_scope":
                found = GroupsUnreadable.MISSING_SCOPE
            else:
                log.info("could not read user groups: %s", error.response.get("error"))
        except (OSError, TimeoutError) as error:
            log.info("could not read user groups: %s", error)
        finally:
            with self._guard:
                self._known = found
                reading, self._reading = self._reading, None
            if reading is not None:
                reading.set()
