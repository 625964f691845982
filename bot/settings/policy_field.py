"""The settings form's Escalation policy field, read on the 3-second path: the people and
user groups it names come from what Baton knows (the database, the user group cache), never
from a Web API call; whoever is missing is looked up after the ack."""

from __future__ import annotations

from dataclasses import dataclass

from bot.container import Services
from bot.people.service import PeopleUnavailable
from bot.policies.language import (
    Directory,
    GroupsUnreadable,
    PolicyRefusal,
    handles,
    parse_policy,
)
from bot.policies.policy import Policy
from bot.policies.words import policy_text


@dataclass(frozen=True)
class Unchanged:
    """The field says what is stored: nothing to read back."""


@dataclass(frozen=True)
class Changed:
    policy: Policy | None  # None: back to the default


@dataclass(frozen=True)
class Refused:
    message: str


def read_policy_field(
    services: Services, text: str | None, stored: Policy | None
) -> Unchanged | Changed | Refused:
    written = "\n".join(line.strip() for line in (text or "").strip().splitlines())
    if written == policy_text(stored):
        return Unchanged()
    names, ids = handles(written)
    try:
        by_id = services.people.for_submission([*sorted(ids)])
    except PeopleUnavailable as unknown:
        missing = list(unknown.args)
        services.after_ack(lambda: services.people.learn(missing))
        by_id = {}
    people = services.people.by_handle(sorted(names))
    groups: dict[str, str] | GroupsUnreadable = {}
    if set(names) - set(people) or "<!subteam^" in written:
        found = services.groups.by_handle()
        if found == GroupsUnreadable.NOT_YET:
            services.groups.expect()
            services.after_ack(services.groups.refresh)
        groups = found if isinstance(found, GroupsUnreadable) else dict(found)
    parsed = parse_policy(written, Directory(people, by_id, groups))
    if isinstance(parsed, PolicyRefusal):
        return Refused(parsed.message)
    return Changed(parsed)
