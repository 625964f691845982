"""Who may mark an item done: the rule alone, no Slack, no database."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.kernel.rights import DoneRights, Role, may_mark_done

RIGHTS = DoneRights.of("U0DEE", ["U0CAI", "U0CAI", "U0BEN"], ["U0ANA", None, "U0DEE"])


def never_admin(user_id: str) -> bool:
    raise AssertionError("admin status asked for although a role allows it")


def test_each_role_may_without_asking_slack() -> None:
    for user in ("U0DEE", "U0CAI", "U0BEN", "U0ANA"):
        assert may_mark_done(user, RIGHTS, is_admin=never_admin)


def test_a_stranger_may_only_as_an_admin() -> None:
    assert not may_mark_done("U0EVE", RIGHTS, is_admin=lambda user: False)
    assert may_mark_done("U0EVE", RIGHTS, is_admin=lambda user: user == "U0EVE")


def test_holders_list_each_person_once_with_all_roles_owner_first() -> None:
    assert RIGHTS.holders() == [
        ("U0DEE", (Role.OWNER, Role.WAITING_OWNER)),
        ("U0CAI", (Role.DECLARER,)),
        ("U0BEN", (Role.DECLARER,)),
        ("U0ANA", (Role.WAITING_OWNER,)),
    ]


def test_an_item_nobody_holds_is_for_admins_only() -> None:
    nobody = DoneRights.of(None, [], [])
    assert nobody.holders() == []
    assert not may_mark_done("U0DEE", nobody, is_admin=lambda user: False)


users = st.sampled_from(["U0ANA", "U0BEN", "U0CAI", "U0DEE", "U0EVE"])


@given(st.none() | users, st.lists(users), st.lists(st.none() | users), users, st.booleans())
def test_allowed_exactly_for_a_role_or_an_admin(
    owner: str | None, declarers: list[str], waiting: list[str | None], user: str, admin: bool
) -> None:
    rights = DoneRights.of(owner, declarers, waiting)
    has_role = user == owner or user in declarers or user in waiting
    assert may_mark_done(user, rights, is_admin=lambda _: admin) == (has_role or admin)
    assert bool(rights.roles_of(user)) == has_role
