"""`/blocked` text, parsed into what the person asked for."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.graph import EdgeKind

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
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_BECAUSE = re.compile(r"\s+because\s+", re.IGNORECASE)
_TOKEN = re.compile(r'"([^"]*)"|“([^”]*)”|(\S+)')


def tokens_of(text: str) -> list[str] | None:
    """Words, with "double quotes" (straight or curly) grouping a name; None if unbalanced."""
    if text.count('"') % 2 or text.count("“") != text.count("”"):
        return None
    return [next(g for g in m.groups() if g is not None) for m in _TOKEN.finditer(text)]


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


def _name(words: list[str]) -> str:
    return " ".join(" ".join(words).split())


def parse_blocked(text: str) -> BlockedRequest:
    text = (text or "").strip()
    if not text:
        return ListBlocked()
    reason: str | None = None
    head, *rest = _BECAUSE.split(f" {text}", maxsplit=1)
    head = head.strip()
    if rest:
        reason = rest[0].strip() or None
    tokens = tokens_of(head)
    if tokens is None:
        return Unparseable("A quote is not closed.")
    if not tokens:
        return Unparseable("Name the item.")
    lowered = [t.lower() for t in tokens]
    if "on" not in lowered:
        if reason is not None:
            return Unparseable("`because` goes with `on`: say what the item waits on.")
        if len(tokens) > 1 and lowered[-1] == "done":
            return _checked(MarkDone(_name(tokens[:-1])))
        return _checked(ShowItem(_name(tokens)))
    split = lowered.index("on")
    item_words, rest_words = tokens[:split], tokens[split + 1 :]
    kind = EdgeKind.HARD
    owner_id: str | None = None
    dependency_words: list[str] = []
    for word in rest_words:
        mention = _MENTION.match(word)
        if mention:
            if owner_id is not None:
                return Unparseable("Name one owner for the dependency.")
            owner_id = mention.group(1)
        elif word.lower() == "soft" and dependency_words:
            kind = EdgeKind.SOFT
        elif word.lower() == "hard" and dependency_words:
            kind = EdgeKind.HARD
        elif word.startswith("@"):
            return Unparseable(f"{word} is not a Slack mention: pick the person from the list.")
        else:
            dependency_words.append(word)
    if not item_words:
        return Unparseable("Name the item that waits before `on`.")
    if not dependency_words:
        return Unparseable("Name what it waits on after `on`.")
    return _checked(DeclareEdge(_name(item_words), _name(dependency_words), kind, owner_id, reason))


def _checked(request: BlockedRequest) -> BlockedRequest:
    for name in _names(request):
        if len(name) > MAX_NAME:
            return Unparseable(f"Keep item names under {MAX_NAME} characters.")
    return request


def _names(request: BlockedRequest) -> list[str]:
    if isinstance(request, DeclareEdge):
        return [request.item, request.dependency]
    if isinstance(request, ShowItem | MarkDone):
        return [request.item]
    return []
