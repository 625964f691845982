"""The one mrkdwn helper: user text is shown, never executed; Baton's own tokens stay live."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.graph.blocked_command import USAGE
from bot.kernel.mrkdwn import (
    BACKTICK_LOOKALIKE,
    Mrkdwn,
    blockquote,
    bold,
    clip,
    code,
    join,
    link,
    local_time,
    md,
    mention,
    pending_link,
    stored,
)
from bot.kernel.slack_text import plain_text_of
from bot.slack_standin.render import live_tokens, mrkdwn_to_text

AT = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
HOSTILE = ["<!channel> launch", "<https://evil.example|click>", "a `b` & <c>", "<@U0ANA>", "&amp;"]


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@given(st.text())
def test_no_user_string_brings_a_control_character(user: str) -> None:
    for shown in (md(user), bold(user), code(user), join(", ", [user, user])):
        assert "<" not in shown and ">" not in shown
        assert live_tokens(shown) == []
    quoted = blockquote(user).splitlines()
    assert all(line.startswith("> ") and "<" not in line and ">" not in line[1:] for line in quoted)
    assert unescape(md(user)) == user  # shown exactly as typed


@given(st.text(), st.text())
def test_user_text_beside_baton_tokens_leaves_only_baton_tokens_live(
    before: str, after: str
) -> None:
    shown = md(
        before, mention("U0CAI"), " ", local_time(AT), after, link("https://x.example/a", after)
    )
    assert [t.split("^")[0] for t in live_tokens(shown)] == [
        "@U0CAI",
        "!date",
        "https://x.example/a",
    ]


@given(st.text())
def test_a_code_span_cannot_be_broken_out_of(user: str) -> None:
    span = code(user)
    assert span.startswith("`") and span.endswith("`") and span.count("`") == 2
    assert "\n" not in span
    assert unescape(span[1:-1]) == " ".join(user.replace("`", BACKTICK_LOOKALIKE).splitlines())


@given(st.text(), st.text())
def test_a_link_is_one_token_whatever_its_url_and_label(url_tail: str, label: str) -> None:
    shown = link("https://x.example/" + url_tail, label)
    assert len(live_tokens(shown)) == 1
    assert live_tokens(shown)[0].startswith("https://x.example/")
    assert not re.search(r"[\s<>|]", live_tokens(shown)[0])


def test_a_link_that_is_not_http_is_text() -> None:
    assert live_tokens(link("javascript:alert(1)", "click")) == []
    assert live_tokens(link("<!channel>", "x")) == []


def test_mentions_are_live_only_for_slack_ids() -> None:
    assert mention("U0ANA") == "<@U0ANA>"
    assert live_tokens(mention("U0ANA|x><!channel")) == []


parts = st.lists(
    st.one_of(st.text(max_size=30), st.sampled_from([mention("U0DEE"), local_time(AT)])),
    max_size=12,
)


@given(parts, st.integers(min_value=1, max_value=200))
def test_clipping_never_cuts_a_token_or_an_entity(pieces: list[str], limit: int) -> None:
    whole = md(*pieces)
    cut = clip(whole, limit)
    assert len(cut) <= max(limit, 1)
    assert cut.count("<") == cut.count(">")
    assert not re.search(r"&[a-z]{0,3}$", cut.removesuffix("…"))
    assert isinstance(cut, Mrkdwn)


def test_help_text_shows_placeholders_as_text() -> None:
    shown = md(USAGE)
    assert "`/blocked &lt;item&gt;`" in shown
    assert live_tokens(shown) == []


def test_the_renderer_shows_escaped_text_as_typed_and_tokens_resolved() -> None:
    for user in HOSTILE:
        assert mrkdwn_to_text(md("x ", user), str) == f"x {user}"
    assert mrkdwn_to_text("<!channel> <https://evil.example|click>", str) == "@channel click"


def test_command_text_becomes_what_the_person_wrote() -> None:
    assert plain_text_of("&lt;!channel&gt; a &amp; b") == "<!channel> a & b"
    assert plain_text_of("ask <@U0ANA|ana> in <#C1|launch> <!here>") == "ask @ana in #launch @here"
    assert plain_text_of("see <https://x.example/a|x.example/a>") == "see x.example/a"
    assert plain_text_of("<@U0ANA>") == "@U0ANA"


@given(st.text(), st.text())
def test_mrkdwn_read_back_from_the_store_is_unchanged(before: str, after: str) -> None:
    written = md(before, mention("U0CAI"), after)
    assert stored(written) == written


def test_a_stored_row_can_bring_no_broadcast_or_link() -> None:
    legacy = "/blocked “<!channel> x” by <@U0CAI>: see <https://evil.example|click> & more"
    assert live_tokens(stored(legacy)) == ["@U0CAI"]
    assert mrkdwn_to_text(stored(legacy), str) == legacy.replace("<@U0CAI>", "@U0CAI")


def test_a_pending_link_keeps_its_placeholder_and_shows_its_label_as_text() -> None:
    assert pending_link("baton-link", "the <post> & more") == (
        "<baton-link|the &lt;post&gt; &amp; more>"
    )
    with pytest.raises(ValueError):
        pending_link("https://evil.example", "click")
