"""Who a Slack user id is: users.info, cached in the database for time zones."""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections import OrderedDict
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import Clock
from bot.kernel.working_hours import zone_or_utc
from bot.people.away import Away, describe
from bot.people.person import Person
from bot.people.presence import Presences
from store import users
from store.db import Database
from store.models import SlackUser

log = logging.getLogger("baton.people")

CACHE_FOR = timedelta(hours=12)
# The ack path reads people from memory: what this process learned or read lately.
MEMORY_FOR = 600.0  # seconds (monotonic)
MEMORY_SIZE = 2_000  # people; the rest are read from the database
UNKNOWN_USER_ERRORS = frozenset({"user_not_found", "users_not_found", "account_inactive"})
# A form's answer may wait this long for a lookup already under way (started when the person
# was picked), never for a Web API call of its own.
PICKED_WAIT = 2.0
ABANDONED_AFTER = 60.0  # seconds: a lookup marked this long ago and not ended is done again


class PeopleUnavailable(Exception):
    """Slack did not say in time who someone is (the form asks them to try again)."""


class People:
    def __init__(self, db: Database, client: WebClient, clock: Clock) -> None:
        self.db = db
        self.client = client
        self.clock = clock
        self._memory = _Recent(MEMORY_SIZE, MEMORY_FOR)
        self._lookups = _Lookups()
        self._presences = Presences(db, client, clock)

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
                self._memory.forget_unknown(user_id)
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

    def learn(self, user_ids: list[str | None]) -> None:
        """Look up, off Slack's clock, the people Baton has just heard of (picked in a form,
        @-mentioned, named as approver or owner) and does not know: so that a form's answer
        and every message planned for them have their name and zone."""
        self.look_up(self.expect(user_ids))

    def expect(self, user_ids: list[str | None]) -> list[str]:
        """Mark these as being looked up (memory only, for the ack path: a Submit that comes
        before the lookup ends waits for it); the ones this caller is to `look_up`."""
        return self._lookups.start_many([uid for uid in dict.fromkeys(user_ids) if uid])

    def look_up(self, expected: list[str], *, presence: bool = False) -> None:
        """Ask Slack about those `expect` returned and Baton does not know; a failure is
        logged, and the next form that names them asks for a retry. With `presence` (someone
        picked in a form), whether they are out too, before a Submit waiting on it goes on."""
        try:
            if presence:
                self._presences.read(expected)
            known = self._known(expected)
            for user_id in (uid for uid in expected if uid not in known):
                try:
                    self._fetch(user_id, self.client)
                except (SlackApiError, OSError, TimeoutError) as error:
                    log.info("could not look up %s: %s", user_id, error)
                finally:
                    self._lookups.finish(user_id)
        finally:
            for user_id in expected:
                self._lookups.finish(user_id)

    def for_submission(self, user_ids: list[str | None]) -> dict[str, Person]:
        """The people a form names, for its 3-second answer, from what Baton knows (whatever
        its age): memory and database only, never a Web API call. A person still being
        looked up (picked a moment ago) is waited for, PICKED_WAIT at most. Raises
        PeopleUnavailable naming whoever is still unknown; the caller has them learnt."""
        wanted = [uid for uid in dict.fromkeys(user_ids) if uid]
        found = self._known(wanted)
        missing = [uid for uid in wanted if uid not in found and not self._memory.unknown(uid)]
        if missing:
            # A lookup under way is waited for; one that ended since the first read (it may
            # have ended just now) left its answer in memory: read again either way.
            self._lookups.wait(missing, PICKED_WAIT)
            found |= self._known(missing)
            missing = [uid for uid in missing if uid not in found and not self._memory.unknown(uid)]
        if missing:
            raise PeopleUnavailable(*missing)
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

    def away(self, user_id: str, at: datetime, *, zone: str | None = None) -> str | None:
        """Whether Slack says this person is out at `at`: the words after their name ("is out
        of office until Mon 7 Dec": their day back, or a time in the reader's `zone`, else
        theirs), or None. Database only, no Web API call (for the 3 s paths and the
        planners); `read_away` first, off them."""
        away = self.away_of(user_id, at)
        if away is None:
            return None
        own = self.cached_tz(user_id)
        return describe(away, zone_or_utc(zone or own), own=zone_or_utc(own) if own else None)

    def away_of(self, user_id: str, at: datetime) -> Away | None:
        return self._presences.away(user_id, at)

    def read_away(self, user_ids: list[str | None]) -> None:
        """Ask Slack whether these people are out (users.profile.get, dnd.info), unless asked
        in the last minute: off Slack's clock, e.g. before a step reaches them."""
        self._presences.read([uid for uid in dict.fromkeys(user_ids) if uid])

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

    def by_handle(self, handles: list[str]) -> dict[str, Person]:
        """The people Baton knows by these handles (lower case), from the database: no Web
        API call (the 3-second paths)."""
        with self.db.read() as session:
            return {name: _person(user) for name, user in users.named(session, handles).items()}

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
        self._nobody: dict[str, float] = {}  # ids Slack said it does not know, until when
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

    def forget_unknown(self, user_id: str) -> None:
        """Slack said it knows no such person: remembered as such, for `ttl`."""
        with self._guard:
            self._nobody[user_id] = time.monotonic() + self.ttl

    def unknown(self, user_id: str) -> bool:
        with self._guard:
            until = self._nobody.get(user_id)
        return until is not None and until > time.monotonic()

    def get_many(self, user_ids: list[str]) -> dict[str, Person]:
        return {person.id: person for person, _ in self._live(user_ids)}

    def fetched_since(self, user_ids: list[str], since: datetime) -> set[str]:
        return {person.id for person, fetched_at in self._live(user_ids) if fetched_at >= since}


class _Lookups:
    """The users.info calls under way in this process, so that a person picked twice is asked
    of Slack once, and a form can wait for the answer instead of asking again."""

    def __init__(self) -> None:
        self._running: dict[str, tuple[float, threading.Event]] = {}
        self._guard = threading.Lock()

    def start_many(self, user_ids: list[str]) -> list[str]:
        """Those of `user_ids` nobody is looking up (or whose lookup was abandoned), now marked
        as this caller's to look up."""
        now = time.monotonic()
        mine = []
        with self._guard:
            for user_id in user_ids:
                running = self._running.get(user_id)
                if running is None or running[0] < now - ABANDONED_AFTER:
                    self._running[user_id] = (now, threading.Event())
                    mine.append(user_id)
        return mine

    def finish(self, user_id: str) -> None:
        with self._guard:
            running = self._running.pop(user_id, None)
        if running is not None:
            running[1].set()

    def wait(self, user_ids: list[str], timeout: float) -> bool:
        """Wait for the lookups of these under way; True when there were any."""
        with self._guard:
            running = [self._running[uid][1] for uid in user_ids if uid in self._running]
        deadline = time.monotonic() + timeout
        for done in running:
            done.wait(max(deadline - time.monotonic(), 0.0))
        return bool(running)


def _person(user: SlackUser) -> Person:
    # Zones are few and shared by many people: one string each.
    tz = sys.intern(user.tz) if user.tz else None
    return Person(id=user.id, name=user.name, tz=tz, is_bot=user.is_bot, deleted=user.deleted)
