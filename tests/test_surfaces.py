"""Surface constraints from surfaces.yml and the copy checks: no Slack, no database."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.surfaces import Surface, check_copy, constraints_text, load_surfaces

SHIPPED = load_surfaces(Path(__file__).resolve().parent.parent / "bot" / "surfaces.yml")


def test_the_shipped_file_declares_the_publish_surfaces() -> None:
    assert {"X", "LinkedIn", "Threads", "Instagram", "Newsletter", "Blog"} <= set(SHIPPED)
    assert SHIPPED["X"].max_chars == 280 and SHIPPED["LinkedIn"].max_chars == 3000
    assert SHIPPED["Threads"].max_chars == 500 and SHIPPED["Newsletter"].subject_max == 60
    assert "at most 280 characters" in constraints_text(SHIPPED["X"])


def test_copy_over_the_limit_states_the_excess() -> None:
    problems = check_copy(SHIPPED["X"], copy="a" * 320, subject=None, link=None)
    assert problems == {"Copy": "320 characters, 40 over X's 280."}
    assert check_copy(SHIPPED["X"], copy="a" * 280, subject=None, link=None) == {}


def test_x_counts_a_link_as_23_characters() -> None:
    copy = "a" * 250 + " https://example.com/" + "p" * 200
    assert check_copy(SHIPPED["X"], copy=copy, subject=None, link=None) == {}
    assert "Copy" in check_copy(SHIPPED["LinkedIn"], copy=copy * 7, subject=None, link=None)


def test_characters_are_code_points_not_bytes() -> None:
    assert check_copy(SHIPPED["X"], copy="é" * 280, subject=None, link=None) == {}


def test_hashtags_subject_and_link() -> None:
    tags = check_copy(SHIPPED["Threads"], copy="#a #b #c", subject=None, link=None)
    assert tags == {"Copy": "3 hashtags, 2 over Threads's 1."}
    newsletter = check_copy(SHIPPED["Newsletter"], copy="Hi", subject="s" * 72, link=None)
    assert (
        newsletter["Subject"] == "72 characters, 12 over Newsletter's 60-character subject limit."
    )
    assert "need a link" in newsletter["Link"]


def test_a_team_file_overrides_and_a_broken_one_says_where(tmp_path: Path) -> None:
    own = tmp_path / "surfaces.yml"
    own.write_text("X:\n  max_chars: 140\nMastodon:\n  max_chars: 500\n")
    surfaces = load_surfaces(own)
    assert surfaces["X"] == Surface("X", max_chars=140) and "Mastodon" in surfaces
    own.write_text("X:\n  max_chars: lots\n")
    with pytest.raises(ValueError, match=r"surfaces.yml: X.max_chars"):
        load_surfaces(own)
    own.write_text("- just a list\n")
    with pytest.raises(ValueError, match="mapping"):
        load_surfaces(own)
