"""Surface constraints from surfaces.yml and the copy checks: no Slack, no database."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import bot.drafts
from bot.drafts.surfaces import PACKAGED, Surface, check_copy, constraints_text, load_surfaces

SHIPPED = load_surfaces(Path(__file__).resolve().parents[2] / "bot" / "drafts" / "surfaces.yml")


def test_the_shipped_file_declares_the_publish_surfaces() -> None:
    assert {"X", "LinkedIn", "Threads", "Instagram", "Newsletter", "Blog"} <= set(SHIPPED)
    assert SHIPPED["X"].max_chars == 280 and SHIPPED["LinkedIn"].max_chars == 3000
    assert SHIPPED["Threads"].max_chars == 500 and SHIPPED["Newsletter"].subject_max == 60
    assert "at most 280 characters" in constraints_text(SHIPPED["X"])


def test_copy_over_the_limit_states_the_excess() -> None:
    problems = check_copy(SHIPPED["X"], copy="a" * 320, subject=None, link=None)
    assert problems == {"Copy": "320 characters: 40 over the X limit of 280; cut 40."}
    assert check_copy(SHIPPED["X"], copy="a" * 280, subject=None, link=None) == {}


def test_x_counts_a_link_as_23_characters() -> None:
    copy = "a" * 250 + " https://example.com/" + "p" * 200
    assert check_copy(SHIPPED["X"], copy=copy, subject=None, link=None) == {}
    assert "Copy" in check_copy(SHIPPED["LinkedIn"], copy=copy * 7, subject=None, link=None)


def test_characters_are_code_points_not_bytes() -> None:
    assert check_copy(SHIPPED["X"], copy="é" * 280, subject=None, link=None) == {}


def test_hashtags_subject_and_link() -> None:
    tags = check_copy(SHIPPED["Threads"], copy="#a #b #c", subject=None, link=None)
    assert tags == {"Copy": "3 hashtags: 2 over the Threads limit of 1; remove 2."}
    newsletter = check_copy(SHIPPED["Newsletter"], copy="Hi", subject="s" * 72, link=None)
    assert (
        newsletter["Subject"]
        == "72 characters: 12 over the Newsletter subject limit of 60; cut 12."
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


def test_the_default_is_the_file_shipped_inside_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Path(bot.drafts.__file__).resolve().parent / "surfaces.yml" == PACKAGED
    monkeypatch.chdir(tmp_path)
    assert load_surfaces() == SHIPPED


def test_a_surfaces_file_in_the_working_directory_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "surfaces.yml").write_text("Mastodon:\n  max_chars: 500\n")
    monkeypatch.chdir(tmp_path)
    assert list(load_surfaces()) == ["Mastodon"]


def test_the_template_text_states_each_limit() -> None:
    assert constraints_text(SHIPPED["X"]).startswith(
        "X: at most 280 characters, at most 3 hashtags."
    )
    assert (
        constraints_text(SHIPPED["Threads"])
        == "Threads: at most 500 characters, at most 1 hashtag."
    )
    assert constraints_text(Surface("Podcast", max_hashtags=0)) == "Podcast: no hashtags."
    assert constraints_text(Surface("Blog", subject_max=100, link_required=True)) == (
        "Blog: a subject of at most 100 characters, a link."
    )


def test_the_hashtag_excess_is_stated_in_the_agreed_form() -> None:
    copy = "Spring is here #a #b #c #d #e, not #1a#b or a#c"
    assert check_copy(SHIPPED["X"], copy=copy, subject=None, link=None) == {
        "Copy": "6 hashtags: 3 over the X limit of 3; remove 3."
    }


def test_too_long_and_too_many_tags_are_both_said() -> None:
    copy = "#a #b #c #d " + "x" * 300
    assert check_copy(SHIPPED["X"], copy=copy, subject=None, link=None) == {
        "Copy": "312 characters: 32 over the X limit of 280; cut 32. "
        "4 hashtags: 1 over the X limit of 3; remove 1."
    }


def test_only_x_shortens_links() -> None:
    link = "https://example.com/" + "p" * 481  # 501 characters as typed
    assert check_copy(SHIPPED["X"], copy=link, subject=None, link=None) == {}
    assert check_copy(SHIPPED["Threads"], copy=link, subject=None, link=None) == {
        "Copy": "501 characters: 1 over the Threads limit of 500; cut 1."
    }


@given(st.text(max_size=400), st.integers(min_value=1, max_value=300))
def test_the_copy_limit_counts_code_points(copy: str, limit: int) -> None:
    problems = check_copy(Surface("Plain", max_chars=limit), copy=copy, subject=None, link=None)
    if len(copy) <= limit:
        assert problems == {}
    else:
        assert problems == {
            "Copy": f"{len(copy)} characters: {len(copy) - limit} over the Plain limit of "
            f"{limit}; cut {len(copy) - limit}."
        }


@pytest.mark.parametrize("link", [None, "", "   "])
def test_a_blank_link_is_no_link(link: str | None) -> None:
    problems = check_copy(SHIPPED["Blog"], copy="Post", subject="Title", link=link)
    assert problems == {"Link": "Blog drafts need a link (where the copy will live)."}
    assert check_copy(SHIPPED["Blog"], copy="Post", subject="T", link="https://a.b/c") == {}


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("X: 280\n", "X: expected its limits as a mapping"),
        ("X:\n  max_chars: [280\n", "cannot read surfaces"),
        ("X:\n  max_chars: true\n", "X.max_chars"),
        ("X:\n  max_hashtags: -1\n", "X.max_hashtags"),
        ("X:\n  colour: blue\n", "X.colour"),
        ("X:\n  max_chars: 280\nx:\n  max_chars: 140\n", "x and X are the same surface"),
        ("", "expected a mapping"),
    ],
)
def test_a_malformed_file_is_refused_in_one_line_naming_the_file(
    tmp_path: Path, body: str, said: str
) -> None:
    own = tmp_path / "team-surfaces.yml"
    own.write_text(body)
    with pytest.raises(ValueError) as refused:
        load_surfaces(own)
    message = str(refused.value)
    assert message.startswith(f"{own}: ") and said in message and "\n" not in message


def test_a_missing_file_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"nowhere\.yml"):
        load_surfaces(tmp_path / "nowhere.yml")
