"""/blocked text, parsed: the four forms, quoting, owners, reasons, and what is refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.graph.blocked_command import (
    MAX_NAME,
    USAGE,
    BlockedRequest,
    DeclareEdge,
    ListBlocked,
    MarkDone,
    ShowItem,
    Unparseable,
    parse_blocked,
    tokens_of,
)
from bot.graph.rules import EdgeKind

HARD, SOFT = EdgeKind.HARD, EdgeKind.SOFT


def edge(
    item: str,
    dependency: str,
    kind: EdgeKind = HARD,
    owner_id: str | None = None,
    reason: str | None = None,
) -> DeclareEdge:
    return DeclareEdge(item, dependency, kind, owner_id, reason)


def refused(text: str) -> str:
    request = parse_blocked(text)
    assert isinstance(request, Unparseable), f"{text!r} parsed as {request!r}"
    return request.problem


# -- the four forms -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_nothing_lists_the_channel(text: str) -> None:
    assert parse_blocked(text) == ListBlocked()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KPI capture", ShowItem("KPI capture")),
        ("  KPI    capture  ", ShowItem("KPI capture")),
        ('"KPI capture"', ShowItem("KPI capture")),
        ("done", ShowItem("done")),  # a lone keyword is a name
        ("KPI capture done", MarkDone("KPI capture")),
        ("KPI capture DONE", MarkDone("KPI capture")),
        ('"KPI capture" done', MarkDone("KPI capture")),
        ('"launch is done" done', MarkDone("launch is done")),
        ('launch "done"', ShowItem("launch done")),  # a quoted keyword is just a word
        ("done done", MarkDone("done")),
    ],
)
def test_show_and_done(text: str, expected: BlockedRequest) -> None:
    assert parse_blocked(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KPI capture on metadata", edge("KPI capture", "metadata")),
        ("KPI capture ON metadata", edge("KPI capture", "metadata")),
        ("a on b soft", edge("a", "b", SOFT)),
        ("a on b SOFT", edge("a", "b", SOFT)),
        ("a on b hard", edge("a", "b", HARD)),
        ("a on b <@U1>", edge("a", "b", owner_id="U1")),
        ("a on b <@U1|dee>", edge("a", "b", owner_id="U1")),
        ("a on b <@W2ABC|dee> soft", edge("a", "b", SOFT, "W2ABC")),
        ("a on b soft <@U1|dee>", edge("a", "b", SOFT, "U1")),
        ("a on b because legal", edge("a", "b", reason="legal")),
        ("a on b Because legal said so", edge("a", "b", reason="legal said so")),
        (
            "KPI capture on instrumentation metadata soft <@U1|dee> because absent tracking",
            edge("KPI capture", "instrumentation metadata", SOFT, "U1", "absent tracking"),
        ),
        (
            '"KPI capture" on "instrumentation metadata" <@U0DEE|dee> because absent tracking',
            edge("KPI capture", "instrumentation metadata", HARD, "U0DEE", "absent tracking"),
        ),
    ],
)
def test_declaring_a_dependency(text: str, expected: DeclareEdge) -> None:
    assert parse_blocked(text) == expected


# -- names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"carry on" on "sign off"', edge("carry on", "sign off")),
        ("“carry on” on “sign off” soft", edge("carry on", "sign off", SOFT)),
        ('"go soft" on "hard launch"', edge("go soft", "hard launch")),
        ('a on "b soft"', edge("a", "b soft")),
        ('a on "b" "soft"', edge("a", "b soft")),
        ('"wait because" on "because reasons"', edge("wait because", "because reasons")),
        ('"hold because of legal" on b', edge("hold because of legal", "b")),
        ('"on"', ShowItem("on")),
        ('"A  spaced   name" on b', edge("A spaced name", "b")),
        ('“He said "no"” on b', edge('He said "no"', "b")),
        ('"@dee\'s laptop" on b', edge("@dee's laptop", "b")),
        ('a on "<@U1>"', edge("a", "@U1")),  # quoted, a mention is just text: its readable one
        ('a on "<@U1|dee> laptop"', edge("a", "@dee laptop")),
    ],
)
def test_quotes_make_a_name_of_anything(text: str, expected: BlockedRequest) -> None:
    assert parse_blocked(text) == expected


def test_only_the_first_unquoted_on_splits() -> None:
    assert parse_blocked("carry on on sign off") == edge("carry", "on sign off")


def test_soft_and_hard_are_modifiers_only_after_the_dependency_name() -> None:
    assert parse_blocked("a on the soft launch") == edge("a", "the soft launch")
    assert parse_blocked("a on soft launch soft") == edge("a", "soft launch", SOFT)
    assert parse_blocked("a on soft") == edge("a", "soft")  # nothing else to be the name


def test_names_keep_their_case_and_collapse_spaces() -> None:
    # Matching is case-insensitive in the store; the parser keeps what people typed.
    assert parse_blocked("KPI Capture  ON  Legal   Review") == edge("KPI Capture", "Legal Review")


def test_slack_escapes_are_undone_in_names_and_reasons() -> None:
    # Slack sends &, < and > typed in a command as &amp; &lt; &gt;.
    assert parse_blocked("R&amp;D on Q&amp;A because a &lt; b") == edge(
        "R&D", "Q&A", reason="a < b"
    )
    assert parse_blocked("R&amp;D") == ShowItem("R&D")


def test_the_reason_is_kept_as_typed() -> None:
    request = parse_blocked('a on b because the "legacy" system -- on hold, soft')
    assert request == edge("a", "b", reason='the "legacy" system -- on hold, soft')
    # An unbalanced quote after `because` is the reason's business.
    assert parse_blocked('a on b because it is 5" short') == edge("a", "b", reason='it is 5" short')


def test_a_word_merely_containing_a_keyword_is_a_word() -> None:
    assert parse_blocked("online onboarding") == ShowItem("online onboarding")
    assert parse_blocked("a on becausey") == edge("a", "becausey")
    assert parse_blocked("a on b softly") == edge("a", "b softly")


def test_long_names_are_refused() -> None:
    assert parse_blocked("x" * MAX_NAME) == ShowItem("x" * MAX_NAME)
    assert "under 80 characters" in refused("x" * (MAX_NAME + 1))
    assert "under 80 characters" in refused(f"a on {'y' * (MAX_NAME + 1)}")
    assert "under 80 characters" in refused(f"{'y' * (MAX_NAME + 1)} done")


# -- refused --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a on", "Name what it waits on after `on`."),
        ("a on <@U1>", "Name what it waits on after `on`."),
        ("on b", "Name the item that waits before `on`."),
        ("on", "Name the item that waits before `on`."),
        ('""', "A name in quotes is empty."),
        ('"  " on b', "A name in quotes is empty."),
        ('a on ""', "A name in quotes is empty."),
        ("“”", "A name in quotes is empty."),
        ('"KPI capture on b', "A quote is not closed."),
        ('KPI capture" on b', "A quote is not closed."),
        ("“KPI capture on b", "A quote is not closed."),
        ('"KPI capture” on b', "A quote is not closed."),
        ('a on "b" "c', "A quote is not closed."),
        ("a on b because", "Say why after `because`, or leave `because` out."),
        ("a on b because   ", "Say why after `because`, or leave `because` out."),
        ("because", "Name the item."),
        ("because of reasons", "Name the item."),
        ("a because b", "`because` goes with `on`: say what the item waits on."),
        ("a done because shipped", "`because` goes with `on`: say what the item waits on."),
        ("a on b <@U1> <@U2>", "Name one owner for the dependency."),
        ("a on b soft hard", "Say `soft` or `hard`, not both."),
    ],
)
def test_refusals_say_what_is_wrong(text: str, problem: str) -> None:
    assert refused(text) == problem


def test_an_at_name_that_is_not_a_mention_is_refused() -> None:
    assert refused("a on b @dee") == "@dee is not a Slack mention: pick the person from the list."


def test_usage_shows_every_form_with_an_example() -> None:
    assert "Example: `/blocked " in USAGE
    for form in ("`/blocked`", "`/blocked <item>`", "<item> on <dependency>", "<item> done"):
        assert form in USAGE
    example = USAGE.split("Example: `/blocked ", 1)[1].rsplit("`", 1)[0]
    # The example parses as a declaration (with @dee written as Slack sends it).
    parsed = parse_blocked(example.replace("@dee", "<@U0DEE|dee>"))
    assert parsed == edge(
        "KPI capture", "instrumentation metadata", HARD, "U0DEE", "absent tracking"
    )


def test_tokens_group_quoted_names_and_report_unbalanced_quotes() -> None:
    assert tokens_of('a "b c" “d e” f') == ["a", "b c", "d e", "f"]
    assert tokens_of('a "b c') is None
    assert tokens_of("") == []


# -- properties -----------------------------------------------------------------------------

KEYWORDS = {"on", "done", "soft", "hard", "because"}
words = st.text(
    alphabet=st.characters(categories=["L", "N"], max_codepoint=0x24F), min_size=1, max_size=8
).filter(lambda w: w.lower() not in KEYWORDS)
names = st.lists(words, min_size=1, max_size=4).map(" ".join).filter(lambda n: len(n) <= MAX_NAME)


@settings(max_examples=100, deadline=None)
@given(
    item=names,
    dependency=names,
    soft=st.booleans(),
    owner=st.none() | st.from_regex(r"U[A-Z0-9]{4,10}", fullmatch=True),
    reason=st.none() | names,
    quote=st.booleans(),
)
def test_any_declaration_parses_back_to_its_parts(
    item: str, dependency: str, soft: bool, owner: str | None, reason: str | None, quote: bool
) -> None:
    def name(text: str) -> str:
        return f'"{text}"' if quote else text

    text = f"{name(item)} on {name(dependency)}"
    text += " soft" if soft else ""
    text += f" <@{owner}|someone>" if owner else ""
    text += f" because {reason}" if reason else ""
    assert parse_blocked(text) == edge(item, dependency, SOFT if soft else HARD, owner, reason)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_any_text_parses_to_some_request(text: str) -> None:
    request = parse_blocked(text)
    if isinstance(request, DeclareEdge):
        assert request.item and request.dependency
    if isinstance(request, ShowItem | MarkDone):
        assert request.item and request.item == " ".join(request.item.split())
