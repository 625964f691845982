"""Whether people are out, as Slack last said (users.profile.get, dnd.info): read off Slack's
clock (when someone is picked in a form, before a step reaches them), kept in the database so
that every process knows it, also after a restart; answered from there on the 3 s paths."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.clock import Clock
from bot.people.away import Away, Presence, away_at, presence_from_slack
from store import presence as presence_rows
from store.db import Database
from store.models import SlackPresence

log = logging.getLogger("baton.people")

# A person picked again within this is not asked about again (a form picks and re-picks).
READ_AGAIN_AFTER = timedelta(minutes=1)
# What Slack said longer ago than this says nothing now: a status may have been cleared by
# hand since (one with an expiry says when it ends, one without may stay for weeks).
STALE_AFTER = timedelta(hours=12)


class Presences:
    def __init__(self, db: Database, client: WebClient, clock: Clock) -> None:
        self.db = db
        self.client = client
        self.clock = clock

    def away(self, user_id: str, at: datetime) -> Away | None:
        """Away at `at`, by what Slack last said (database only, no Web API call); None when
        nothing says so, or when what Baton knows is stale."""
        with self.db.read() as session:
            row = presence_rows.known(session, user_id)
        if row is None or row.read_at < self.clock.now() - STALE_AFTER:
            return None
        return away_at(_presence(row), at)

    def read(self, user_ids: list[str], *, read_again_after: timedelta = READ_AGAIN_AFTER) -> None:
        """Ask Slack about these people's status and Do Not Disturb, unless asked lately (off
        Slack's clock). What Slack does not answer (a scope not granted yet, someone unknown)
        leaves what Baton knew; a status read without its snooze is kept."""
        now = self.clock.now()
        for user_id in dict.fromkeys(user_ids):
            with self.db.read() as session:
                row = presence_rows.known(session, user_id)
            if row is not None and row.read_at > now - read_again_after:
                continue
            profile = _ask("users.profile.get", user_id, self.client.users_profile_get)
            if profile is None:
                continue
            dnd = _ask("dnd.info", user_id, self.client.dnd_info)
            seen = presence_from_slack(profile.get("profile"), dnd)
            with self.db.write() as session:
                presence_rows.remember(session, _row(user_id, seen, now))


def _ask(method: str, user_id: str, call: Callable[..., SlackResponse]) -> dict[str, Any] | None:
    try:
        data = call(user=user_id).data
    except SlackApiError as error:
        log.info("%s for %s: %s", method, user_id, error.response.get("error"))
        return None
    except (OSError, TimeoutError) as error:
        log.info("%s for %s: %s", method, user_id, error)
        return None
    return data if isinstance(data, dict) else None


def _presence(row: SlackPresence) -> Presence:
    return Presence(row.status_text, row.status_emoji, row.status_expires, row.snoozed_until)


def _row(user_id: str, seen: Presence, now: datetime) -> SlackPresence:
    return SlackPresence(
        user_id=user_id,
        status_text=seen.status_text,
        status_emoji=seen.status_emoji,
        status_expires=seen.status_expires,
        snoozed_until=seen.snoozed_until,
        read_at=now,
    )
