"""Who a Slack user id is: users.info, cached in the database for time zones."""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import Clock
from bot.people.person import Person
from store import users
from store.db import Database
from store.models import SlackUser

log = logging.getLogger("baton.people")

CACHE_FOR = timedelta(hours=12)
# The ack path reads people from memory: what this process learned or read lately.
MEMORY_FOR = 600.0  # seconds (monotonic)
MEMORY_SIZE = 2_000  # people; the rest are read from the database
UNKNOWN_USER_ERRORS = frozenset({"user_not_found", "users_not_found", "account_inactive"})
# A lookup Slack's 3-second ack waits for: one try, and this long at most for all of them.
ACK_PATH_DEADLINE = 2.0


class PeopleUnavailable(Exception):
    """Slack did not say in time who someone is (the form asks them to try again)."""


class People:
    def __init__(
        self,
        db: Database,
        client: WebClient,
        clock: Clock,
        *,
        quick_client: Callable[[float], WebClient] | None = None,
    ) -> None:
        self.db = db
        self.client = client
        self.clock = clock
        self._memory = _Recent(MEMORY_SIZE, MEMORY_FOR)
        # For the ack path: a client that gives up after the given seconds and never retries.
        self.quick_client = quick_client or (
            lambda timeout: WebClient(
                token=client.token,
                base_url=client.base_url,
                timeout=timeout,  # type: ignore[arg-type]
                retry_handlers=[],
            )
        )

    def lookup(self, user_id: str, *, fresh: bool = False) -> Person | None:
        """The person, or None when Slack does not know the id."""
        now = self.clock.now()
        if not fresh:
            with self.db.read() as session:
                hit = users.cached(session, user_id, fresh_after=now - CACHE_FOR)
                if hit is not None:
                    return _person(hit)
        return self._fetch(user_id, self.client)

    def _fetch(self, user_id: str, client: WebClient) -> Person | None:
        now = self.clock.now()
        try:
            info = client.users_info(user=user_id)["user"]
        except SlackApiError as error:
            if error.response.get("error") in UNKNOWN_USER_ERRORS:
                return None
            raise
        record = SlackUser(
            id=user_id,
            name=str(info.get("name") or info.get("real_name") or user_id)[:200],
            tz=info.get("tz"),
            is_bot=bool(info.get("is_bot")) or user_id == "USLACKBOT",
            deleted=bool(info.get("deleted")),
            fetched_at=now,
        )
        with self.db.write() as session:
            users.remember(session, record)
        return self._memory.put(_person(record), record.fetched_at)

    def for_submission(self, user_ids: list[str | None]) -> dict[str, Person]:
        """The people a form names, for its 3-second answer: what Baton knows (whatever its
        age), else one quick users.info each within ACK_PATH_DEADLINE. Raises
        PeopleUnavailable when Slack fails or is too slow to say."""
        wanted = [uid for uid in dict.fromkeys(user_ids) if uid]
        found = self._known(wanted)
        deadline = time.monotonic() + ACK_PATH_DEADLINE
        for user_id in (uid for uid in wanted if uid not in found):
            left = deadline - time.monotonic()
            if left <= 0:
                raise PeopleUnavailable(user_id)
            try:
                person = self._fetch(user_id, self.quick_client(left))
            except (SlackApiError, OSError, TimeoutError) as error:
                raise PeopleUnavailable(user_id) from error
            if person is not None:
                found[user_id] = person
        return found

    def refresh(self, user_ids: list[str | None]) -> None:
        """Bring stale cache entries up to date (after an ack, off Slack's clock); people this
        process read or fetched lately are left alone."""
        wanted = [uid for uid in dict.fromkeys(user_ids) if uid]
        fresh = self._memory.fetched_since(wanted, self.clock.now() - CACHE_FOR)
        for user_id in (uid for uid in wanted if uid not in fresh):
            try:
                self.lookup(user_id)
            except (SlackApiError, OSError, TimeoutError) as error:
                log.info("could not refresh %s: %s", user_id, error)

    def is_admin(self, user_id: str) -> bool:
        """A workspace admin or owner. Asked of Slack each time (rights change, and the cache
        is for time zones); when Slack does not answer, the answer is no."""
        try:
            user = self.client.users_info(user=user_id)["user"]
        except SlackApiError as error:
            log.warning("users.info failed: %s", error.response.get("error"))
            return False
        return bool(user.get("is_admin") or user.get("is_owner"))

    def cached_tz(self, user_id: str) -> str | None:
        """The time zone Baton already knows, without asking Slack (for the 3 s paths)."""
        person = self._known([user_id]).get(user_id)
        return person.tz if person else None

    def _known(self, user_ids: list[str]) -> dict[str, Person]:
        """The people Baton knows of these, whatever the age of what it knows, without asking
        Slack: from memory, else from the database (then kept in memory)."""
        found = self._memory.get_many(user_ids)
        missing = [uid for uid in user_ids if uid not in found]
        if missing:
            with self.db.read() as session:
                known = users.known_many(session, missing)
            for user in known.values():
                found[user.id] = self._memory.put(_person(user), user.fetched_at)
        return found

    def tz_of(self, user_id: str) -> str | None:
        """The user's Slack time zone (cached), None when unknown: callers fall back to UTC."""
        person = self.lookup(user_id)
        return person.tz if person else None

    def lookup_many(self, user_ids: list[str | None], *, fresh: bool = False) -> dict[str, Person]:
        found: dict[str, Person] = {}
        for user_id in dict.fromkeys(uid for uid in user_ids if uid):
            person = self.lookup(user_id, fresh=fresh)
            if person is not None:
                found[user_id] = person
        return found


class _Recent:
    """People seen lately, at most `size`, each for `ttl` seconds (then read again), with when
    Slack described them."""

    def __init__(self, size: int, ttl: float) -> None:
        self.size = size
        self.ttl = ttl
        self._people: OrderedDict[str, tuple[float, Person, datetime]] = OrderedDict()
        self._guard = threading.Lock()

    def put(self, person: Person, fetched_at: datetime) -> Person:
        with self._guard:
            self._people[person.id] = (time.monotonic() + self.ttl, person, fetched_at)
            self._people.move_to_end(person.id)
            while len(self._people) > self.size:
                self._people.popitem(last=False)
        return person

    def _live(self, user_ids: list[str]) -> list[tuple[Person, datetime]]:
        now = time.monotonic()
        with self._guard:
            entries = [self._people.get(user_id) for user_id in user_ids]
        return [(entry[1], entry[2]) for entry in entries if entry is not None and entry[0] > now]

    def get_many(self, user_ids: list[str]) -> dict[str, Person]:
        return {person.id: person for person, _ in self._live(user_ids)}

    def fetched_since(self, user_ids: list[str], since: datetime) -> set[str]:
        return {person.id for person, fetched_at in self._live(user_ids) if fetched_at >= since}


def _person(user: SlackUser) -> Person:
    # Zones are few and shared by many people: one string each.
    tz = sys.intern(user.tz) if user.tz else None
    return Person(id=user.id, name=user.name, tz=tz, is_bot=user.is_bot, deleted=user.deleted)
