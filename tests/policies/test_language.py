"""The policy language: good policies parse, each bad one is refused naming its line and what
is expected there, and a stored policy reads back in words and as the lines that wrote it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.people.person import Person
from bot.policies.language import Directory, GroupsUnreadable, PolicyRefusal, handles, parse_policy
from bot.policies.policy import Policy, Step, Target, TargetKind
from bot.policies.words import describe, policy_text

ANA = Person("U0ANA", "ana")
GONE = Person("U0GONE", "gone", deleted=True)
KNOWN = Directory(
    people_by_handle={"ana": ANA, "gone": GONE},
    people_by_id={"U0ANA": ANA},
    groups={"launch-oncall": "S0LAUNCH"},
)
EXAMPLE = "at act-by: next owner\n+2h: backup\n+1d: owners\n+1d: thread\nrepeat 2"


def refusal(text: str, directory: Directory = KNOWN) -> str:
    parsed = parse_policy(text, directory)
    assert isinstance(parsed, PolicyRefusal), parsed
    return parsed.message


def test_the_example_policy_parses() -> None:
    assert parse_policy(EXAMPLE) == Policy(
        (
            Step(timedelta(0), Target(TargetKind.NEXT_OWNER)),
            Step(timedelta(hours=2), Target(TargetKind.BACKUP)),
            Step(timedelta(days=1), Target(TargetKind.OWNERS)),
            Step(timedelta(days=1), Target(TargetKind.THREAD)),
        ),
        repeat=2,
    )


def test_empty_text_is_no_policy() -> None:
    assert parse_policy("") is None
    assert parse_policy("  \n\n ") is None


@pytest.mark.parametrize(
    ("words", "delay"),
    [
        ("30m", timedelta(minutes=30)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("45s", timedelta(seconds=45)),
        ("PT30S", timedelta(seconds=30)),
        ("pt2h", timedelta(hours=2)),
        ("P1DT1H", timedelta(hours=25)),
        ("0m", timedelta(0)),
    ],
)
def test_delays(words: str, delay: timedelta) -> None:
    parsed = parse_policy(f"at act-by: next owner\n+{words}: author")
    assert isinstance(parsed, Policy)
    assert parsed.steps[1].delay == delay


def test_people_groups_and_named_targets() -> None:
    text = "at act-by: Next Owner\n+1h: @ana\n+1h: <@U0ANA>\n+1h: @launch-oncall\n+1h: rotation"
    parsed = parse_policy(text, KNOWN)
    assert isinstance(parsed, Policy)
    assert [s.target for s in parsed.steps] == [
        Target(TargetKind.NEXT_OWNER),
        Target(TargetKind.PERSON, "U0ANA", "ana"),
        Target(TargetKind.PERSON, "U0ANA", "ana"),
        Target(TargetKind.GROUP, "S0LAUNCH", "launch-oncall"),
        Target(TargetKind.ROTATION),
    ]
    assert handles(text) == ({"ana", "launch-oncall"}, {"U0ANA"})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "at act-by: next owner\n+2 hours backup",
            "Line 2: expected `at act-by: <target>`, `+<delay>: <target>` (e.g. `+2h: backup`) "
            "or `repeat N`, not “+2 hours backup”.",
        ),
        (
            "at act-by: next owner\n\n+soon: backup",
            "Line 3: expected a delay such as 30m, 2h, 1d or PT30S, not “soon”.",
        ),
        (
            "at act-by: next owner\n+2h: bakup",
            "Line 2: “bakup” is not a target; expected next owner, backup, author, owners, "
            "thread, rotation, @person or @user-group.",
        ),
        (
            "at act-by: next owner\n+2h: @zed",
            "Line 2: Baton knows no person or user group @zed; check the handle.",
        ),
        (
            "at act-by: next owner\n+2h: @gone",
            "Line 2: @gone is deactivated; name a person who can act.",
        ),
        (
            "at act-by: next owner\n+0m: backup\nrepeat 2",
            "Line 3: the repeated steps all have no delay, so they would repeat at once: "
            "give one a delay, e.g. `+1h: owners`.",
        ),
        (
            "at act-by: next owner\n+2h: backup\nrepeat 10",
            "Line 3: repeat at most 9 times (`repeat 0` to `repeat 9`).",
        ),
        (
            "at act-by: next owner\nrepeat 2",
            "Line 2: `repeat` runs the steps after the first again: add one, e.g. `+2h: backup`.",
        ),
        (
            "at act-by: next owner\nrepeat twice",
            "Line 2: expected `repeat N` with N from 0 to 9.",
        ),
        (
            "at act-by: next owner\nrepeat 1\n+2h: backup",
            "Line 3: `repeat` comes last, after the steps.",
        ),
        (
            "at act-by: next owner\nat act-by: backup",
            "Line 2: only the first step is `at act-by`; write `+<delay>:`, e.g. `+2h:`.",
        ),
        (
            "at act-by: next owner\n+31d: backup",
            "Line 2: a step waits at most 30d after the one before.",
        ),
        (
            "at act-by: next owner\n" + "+1h: thread\n" * 10,
            "Line 11: a policy has at most 10 steps.",
        ),
    ],
)
def test_each_refusal_names_the_line_and_what_is_expected(text: str, message: str) -> None:
    assert refusal(text) == message


def test_a_user_group_baton_cannot_read() -> None:
    unreadable = Directory(people_by_handle={"ana": ANA}, groups=GroupsUnreadable.MISSING_SCOPE)
    assert refusal("at act-by: next owner\n+1h: @launch-oncall", unreadable) == (
        "Line 2: Baton cannot read user groups to find @launch-oncall: the app lacks the "
        "usergroups:read scope. A workspace admin must reinstall Baton to add it."
    )
    # A person is found without the groups.
    assert isinstance(parse_policy("at act-by: @ana", unreadable), Policy)
    waiting = Directory(groups=GroupsUnreadable.NOT_YET)
    assert refusal("+1h: @launch-oncall", waiting) == (
        "Line 1: Slack has not said yet who @launch-oncall is; try again in a moment."
    )


def test_describe_with_roles_and_with_people() -> None:
    parsed = parse_policy("at act-by: next owner\n+2h: backup\n+1d: owners\nrepeat 2")
    assert isinstance(parsed, Policy)
    assert describe(parsed) == (
        "Escalation: next owner at act-by → backup +2h → owners +1d, repeats 2×"
    )
    who = {TargetKind.NEXT_OWNER: "U0BEN", TargetKind.BACKUP: "U0CAI"}
    assert describe(parsed, who) == (
        "Escalation: <@U0BEN> at act-by → <@U0CAI> +2h → owners +1d, repeats 2×"
    )
    nobody = {TargetKind.NEXT_OWNER: "U0BEN", TargetKind.BACKUP: None}
    assert "backup (none named) +2h" in describe(parsed, nobody)
    grouped = parse_policy("+30m: @launch-oncall", KNOWN)
    assert isinstance(grouped, Policy)
    assert describe(grouped) == "Escalation: @launch-oncall +30m after act-by"


@pytest.mark.parametrize(
    "text",
    [
        EXAMPLE,
        "+30s: @ana\n+90m: @launch-oncall\n+0m: thread\n+1d: rotation\nrepeat 9",
        "at act-by: author",
    ],
)
def test_a_stored_policy_writes_back_as_the_lines_that_make_it(text: str) -> None:
    parsed = parse_policy(text, KNOWN)
    assert isinstance(parsed, Policy)
    assert parse_policy(policy_text(parsed), KNOWN) == parsed
    assert Policy.from_json(parsed.to_json()) == parsed
    assert policy_text(None) == ""
