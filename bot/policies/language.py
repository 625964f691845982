"""The escalation policy as channel owners write it, one step per line (pure: no Slack, no SQL).

    at act-by: next owner
    +2h: backup
    +1d: owners
    +1d: thread
    repeat 2

A person or a user group is named by its handle (`@ana`, `@launch-oncall`) or as Slack writes
a mention (`<@U0ANA>`, `<!subteam^S0LAUNCH|@launch-oncall>`); who they are comes from a
`Directory` the caller gathered (`handles` says which to look up). Every refusal names the
line and what is expected there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from bot.kernel.durations import OutOfRange, parse_duration
from bot.people.person import Person
from bot.policies.policy import MAX_REPEAT, MAX_STEPS, Policy, Step, Target, TargetKind

MAX_DELAY = timedelta(days=30)
USERGROUPS_SCOPE = "usergroups:read"
TARGETS = "next owner, backup, author, owners, thread, rotation, @person or @user-group"
_BY_REF = (TargetKind.PERSON, TargetKind.GROUP)
_NAMED = {kind.value: kind for kind in TargetKind if kind not in _BY_REF}
_STEP = re.compile(r"^(?:at\s+act-by|\+\s*(?P<delay>[^:]+?))\s*:\s*(?P<target>.+)$", re.IGNORECASE)
_REPEAT = re.compile(r"^repeat\s+(?P<times>\S+)$", re.IGNORECASE)
_SHORT = re.compile(r"^(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>s|m|h|d|w)$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_HANDLE = re.compile(r"^@(?P<handle>[\w.\-]{1,80})$")
_USER_MENTION = re.compile(r"^<@(?P<id>[UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_GROUP_MENTION = re.compile(r"^<!subteam\^(?P<id>S[A-Z0-9]+)(?:\|@?(?P<handle>[^>]*))?>$")
_HANDLE_IN_TEXT = re.compile(r"(?<![<\w])@([\w.\-]{1,80})")
_IDS_IN_TEXT = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


class GroupsUnreadable(StrEnum):
    """Why Baton does not know the workspace's user groups."""

    MISSING_SCOPE = "missing_scope"  # installed without usergroups:read
    NOT_YET = "not_yet"  # Slack has not answered yet (looked up after the ack)


@dataclass(frozen=True)
class Directory:
    """Who the handles in a policy are, as Baton knows them: people by handle (lower case) and
    by id, and user groups by handle (lower case) → id."""

    people_by_handle: Mapping[str, Person] = field(default_factory=dict)
    people_by_id: Mapping[str, Person] = field(default_factory=dict)
    groups: Mapping[str, str] | GroupsUnreadable = field(default_factory=dict)


@dataclass(frozen=True)
class PolicyRefusal:
    """Why the text is not a policy: at `line` (1-based, as the editor sees it)."""

    line: int
    reason: str

    @property
    def message(self) -> str:
        return f"Line {self.line}: {self.reason}"


def handles(text: str) -> tuple[set[str], set[str]]:
    """The `@handles` (lower case) and the user ids (`<@U…>`) a policy text names, so the
    caller knows whom to look up before parsing."""
    return (
        {h.lower() for h in _HANDLE_IN_TEXT.findall(text)},
        set(_IDS_IN_TEXT.findall(text)),
    )


def parse_policy(text: str, directory: Directory | None = None) -> Policy | PolicyRefusal | None:
    """The policy the text says; None for an empty text (the default behaviour)."""
    directory = directory or Directory()
    steps: list[Step] = []
    repeat: tuple[int, int] | None = None  # (line, times)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if repeat is not None:
            return PolicyRefusal(number, "`repeat` comes last, after the steps.")
        repeat_match = _REPEAT.match(line)
        if repeat_match:
            times = _times(repeat_match.group("times"))
            if times is None:
                return PolicyRefusal(number, f"expected `repeat N` with N from 0 to {MAX_REPEAT}.")
            if times > MAX_REPEAT:
                return PolicyRefusal(
                    number, f"repeat at most {MAX_REPEAT} times (`repeat 0` to `repeat 9`)."
                )
            repeat = (number, times)
            continue
        step = _step(number, line, first=not steps, directory=directory)
        if isinstance(step, PolicyRefusal):
            return step
        if len(steps) == MAX_STEPS:
            return PolicyRefusal(number, f"a policy has at most {MAX_STEPS} steps.")
        steps.append(step)
    if not steps:
        if repeat is not None:
            return PolicyRefusal(repeat[0], "add the steps to repeat, e.g. `+2h: backup`.")
        return None
    if repeat is not None and repeat[1] > 0:
        again = steps[1:]
        if not again:
            return PolicyRefusal(
                repeat[0],
                "`repeat` runs the steps after the first again: add one, e.g. `+2h: backup`.",
            )
        if all(s.delay == timedelta(0) for s in again):
            return PolicyRefusal(
                repeat[0],
                "the repeated steps all have no delay, so they would repeat at once: "
                "give one a delay, e.g. `+1h: owners`.",
            )
    return Policy(tuple(steps), repeat[1] if repeat else 0)


def _times(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() else None


def _step(number: int, line: str, *, first: bool, directory: Directory) -> Step | PolicyRefusal:
    match = _STEP.match(line)
    if match is None:
        return PolicyRefusal(
            number,
            f"expected `at act-by: <target>`, `+<delay>: <target>` (e.g. `+2h: backup`) "
            f"or `repeat N`, not “{line}”.",
        )
    words = match.group("delay")
    if words is None:
        if not first:
            return PolicyRefusal(
                number, "only the first step is `at act-by`; write `+<delay>:`, e.g. `+2h:`."
            )
        delay = timedelta(0)
    else:
        parsed = parse_delay(words)
        if isinstance(parsed, str):
            return PolicyRefusal(number, parsed)
        delay = parsed
    target = parse_target(match.group("target"), directory)
    if isinstance(target, str):
        return PolicyRefusal(number, target)
    return Step(delay, target)


def parse_delay(words: str) -> timedelta | str:
    """`30m`, `2h`, `1d`, `1w`, `45s`, `0m` or ISO 8601 (`PT30S`); a reason when not."""
    text = words.strip()
    short = _SHORT.match(text) if text.isascii() else None
    expected = f"expected a delay such as 30m, 2h, 1d or PT30S, not “{text}”."
    if short:
        seconds = float(short.group("amount")) * _UNIT_SECONDS[short.group("unit").lower()]
        if seconds > MAX_DELAY.total_seconds():
            return f"a step waits at most {MAX_DELAY.days}d after the one before."
        return timedelta(seconds=seconds)
    if text[:1] not in ("P", "p") or not text.isascii():
        return expected
    try:
        delay = parse_duration(text)
    except OutOfRange as error:
        if "more than zero" in str(error):
            return timedelta(0)
        return f"a step waits at most {MAX_DELAY.days}d after the one before."
    except ValueError:
        return expected
    if delay > MAX_DELAY:
        return f"a step waits at most {MAX_DELAY.days}d after the one before."
    return delay


def parse_target(words: str, directory: Directory) -> Target | str:
    """The step's target, or a reason naming what is expected."""
    text = " ".join(words.split())
    named = _NAMED.get(text.lower())
    if named is not None:
        return Target(named)
    if user := _USER_MENTION.match(text):
        person = directory.people_by_id.get(user.group("id"))
        if person is None:
            return f"Slack has not said yet who {text} is; try again in a moment."
        return _person(person, text)
    if group := _GROUP_MENTION.match(text):
        return _group_by_id(group.group("id"), group.group("handle"), directory)
    handle = _HANDLE.match(text)
    if handle is None:
        return f"“{text}” is not a target; expected {TARGETS}."
    name = handle.group("handle").lower()
    person = directory.people_by_handle.get(name)
    if person is not None:
        return _person(person, f"@{name}")
    groups = directory.groups
    if groups == GroupsUnreadable.MISSING_SCOPE:
        return (
            f"Baton cannot read user groups to find @{name}: the app lacks the "
            f"{USERGROUPS_SCOPE} scope. A workspace admin must reinstall Baton to add it."
        )
    if groups == GroupsUnreadable.NOT_YET:
        return f"Slack has not said yet who @{name} is; try again in a moment."
    assert not isinstance(groups, GroupsUnreadable)
    if name in groups:
        return Target(TargetKind.GROUP, groups[name], name)
    return f"Baton knows no person or user group @{name}; check the handle."


def _person(person: Person, written: str) -> Target | str:
    if not person.can_act:
        kind = "a bot" if person.is_bot else "deactivated"
        return f"{written} is {kind}; name a person who can act."
    return Target(TargetKind.PERSON, person.id, person.name or None)


def _group_by_id(group_id: str, handle: str | None, directory: Directory) -> Target | str:
    groups = directory.groups
    written = f"@{handle}" if handle else group_id
    if groups == GroupsUnreadable.MISSING_SCOPE:
        return (
            f"Baton cannot read the user group {written}: the app lacks the "
            f"{USERGROUPS_SCOPE} scope. A workspace admin must reinstall Baton to add it."
        )
    if groups == GroupsUnreadable.NOT_YET:
        return f"Slack has not said yet who {written} is; try again in a moment."
    assert not isinstance(groups, GroupsUnreadable)
    found = next((h for h, gid in groups.items() if gid == group_id), None)
    if found is None:
        return f"Baton knows no user group {written}; check the handle."
    return Target(TargetKind.GROUP, group_id, found)
