"""`/blocked` text, parsed into what the person asked for.

Words are keywords (`on`, `done`, `soft`, `hard`, `because`, case-insensitively) only where they
stand unquoted; "double quotes" (straight or curly) make a name of anything, keywords included.
`soft`/`hard` are modifiers only after the dependency's name (`on the soft launch` names "the
soft launch"). Everything after the first unquoted `because` is the reason, as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.graph.rules import EdgeKind
from bot.kernel.slack_text import plain_text_of
from bot.kernel.stored_text import fits

USAGE = (
    "Usage:\n"
    "• `/blocked` lists this channel's blocked items\n"
    "• `/blocked <item>` shows what blocks it\n"
    "• `/blocked <item> on <dependency> [soft] [@owner] [because <reason>]` declares a "
    "dependency (hard unless `soft`)\n"
    "• `/blocked <item> done` marks an item done\n"
    'Example: `/blocked "KPI capture" on "instrumentation metadata" @dee because absent tracking`'
)
MAX_NAME = 80
MAX_REASON = 500
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
# A quoted name, an unquoted word, or (last) a quote that opens nothing it closes.
_TOKEN = re.compile(r'"([^"]*)"|“([^”]*)”|([^\s"“”]+)|(\S)')


@dataclass(frozen=True)
class Token:
    text: str
    quoted: bool

    def keyword(self) -> str | None:
        return None if self.quoted else self.text.lower()


def _tokens(text: str) -> tuple[list[Token], str | None] | None:
    """The words up to the first unquoted `because`, and the raw text after it (None when
    there is no `because`); None if a quote before it is not closed."""
    words: list[Token] = []
    for match in _TOKEN.finditer(text):
        quoted_straight, quoted_curly, word, stray = match.groups()
        if stray is not None:
            return None
        if word is not None and word.lower() == "because":
            return words, text[match.end() :].strip()
        value = quoted_straight if quoted_straight is not None else quoted_curly
        words.append(Token(word if value is None else value, value is not None))
    return words, None


def tokens_of(text: str) -> list[str] | None:
    """Words, with "double quotes" (straight or curly) grouping a name; None if unbalanced."""
    parsed = _tokens(text)
    return None if parsed is None else [t.text for t in parsed[0]]


@dataclass(frozen=True)
class ListBlocked:
    pass


@dataclass(frozen=True)
class ShowItem:
    item: str


@dataclass(frozen=True)
class MarkDone:
    item: str


@dataclass(frozen=True)
class DeclareEdge:
    item: str
    dependency: str
    kind: EdgeKind
    owner_id: str | None
    reason: str | None


@dataclass(frozen=True)
class Unparseable:
    problem: str


BlockedRequest = ListBlocked | ShowItem | MarkDone | DeclareEdge | Unparseable


def _unescape(text: str) -> str:
    """Names and reasons are kept as people typed them (Slack's escaping and tokens undone)."""
    return plain_text_of(text)


def _name(words: list[Token]) -> str:
    return _unescape(" ".join(" ".join(w.text for w in words).split()))


def parse_blocked(text: str) -> BlockedRequest:
    text = (text or "").strip()
    if not text:
        return ListBlocked()
    parsed = _tokens(text)
    if parsed is None:
        return Unparseable("A quote is not closed.")
    tokens, reason = parsed
    if not tokens:
        return Unparseable("Name the item.")
    if any(not t.text.strip() for t in tokens):
        return Unparseable("A name in quotes is empty.")
    if reason == "":
        return Unparseable("Say why after `because`, or leave `because` out.")
    keywords = [t.keyword() for t in tokens]
    if "on" not in keywords:
        if reason is not None:
            return Unparseable("`because` goes with `on`: say what the item waits on.")
        if len(tokens) > 1 and keywords[-1] == "done":
            return _checked(MarkDone(_name(tokens[:-1])))
        return _checked(ShowItem(_name(tokens)))
    split = keywords.index("on")
    item_words, rest_words = tokens[:split], tokens[split + 1 :]
    owner_id: str | None = None
    dependency_words: list[Token] = []
    for word in rest_words:
        mention = None if word.quoted else _MENTION.match(word.text)
        if mention:
            if owner_id is not None:
                return Unparseable("Name one owner for the dependency.")
            owner_id = mention.group(1)
        elif not word.quoted and word.text.startswith("@"):
            return Unparseable(
                f"{word.text} is not a Slack mention: pick the person from the list."
            )
        else:
            dependency_words.append(word)
    kind = EdgeKind.HARD
    kinds = {"soft": EdgeKind.SOFT, "hard": EdgeKind.HARD}
    trailing: list[str] = []
    while len(dependency_words) > 1 and dependency_words[-1].keyword() in kinds:
        trailing.append(dependency_words.pop().text.lower())
    if len(set(trailing)) > 1:
        return Unparseable("Say `soft` or `hard`, not both.")
    if trailing:
        kind = kinds[trailing[0]]
    if not item_words:
        return Unparseable("Name the item that waits before `on`.")
    if not dependency_words:
        return Unparseable("Name what it waits on after `on`.")
    return _checked(
        DeclareEdge(
            _name(item_words),
            _name(dependency_words),
            kind,
            owner_id,
            _unescape(reason) if reason else None,
        )
    )


def _checked(request: BlockedRequest) -> BlockedRequest:
    for name in _names(request):
        if not fits(name, MAX_NAME):
            return Unparseable(f"Keep item names under {MAX_NAME} characters.")
    if isinstance(request, DeclareEdge) and request.reason and len(request.reason) > MAX_REASON:
        return Unparseable(
            f"Keep the reason after `because` under {MAX_REASON} characters "
            f"(it has {len(request.reason)}); link a doc for the rest."
        )
    return request


def _names(request: BlockedRequest) -> list[str]:
    if isinstance(request, DeclareEdge):
        return [request.item, request.dependency]
    if isinstance(request, ShowItem | MarkDone):
        return [request.item]
    return []
