"""What a pick's block_actions names, as Baton reads it: people only, and not without end."""

from __future__ import annotations

from bot.people.picks import MAX_PICKED, picked_people


def test_a_single_select_names_its_person() -> None:
    assert picked_people({"type": "users_select", "selected_user": "U0ANA"}) == ["U0ANA"]
    assert picked_people({"type": "users_select", "selected_user": None}) == []


def test_a_multi_select_names_everyone_chosen_so_far_up_to_a_bound() -> None:
    many = [f"U{n:05d}" for n in range(MAX_PICKED * 3)]
    assert picked_people({"type": "multi_users_select", "selected_users": many}) == many[:50]
    hostile = {"type": "multi_users_select", "selected_users": ["U0ANA", {"id": 1}, 7]}
    assert picked_people(hostile) == ["U0ANA"]


def test_other_selects_name_nobody() -> None:
    assert picked_people({"type": "static_select", "selected_option": {"value": "x"}}) == []
    assert picked_people({"type": "multi_users_select", "selected_users": "U0ANA"}) == []
