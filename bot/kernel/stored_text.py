"""Whether text fits where Baton stores it, as the database sees it.

PostgreSQL counts characters and refuses NUL; names are also stored casefolded to match
case-insensitively, and casefolding can grow a text ("ß" → "ss", "ﬃ" → "ffi"). A form checks
these at the field, so a database never refuses what a person was told is saved.
"""

from __future__ import annotations

NUL = "\x00"
NUL_PROBLEM = "Remove the invisible NUL character from this text (it came with a paste)."


def fits(text: str, limit: int) -> bool:
    """At most `limit` characters, also once casefolded."""
    return len(text) <= limit and len(text.casefold()) <= limit
