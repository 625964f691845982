"""Baton's own texts (descriptions, reference keys) cut to fit their columns."""

from __future__ import annotations

import hashlib


def shortened(text: str, limit: int) -> str:
    """A description, cut to fit its column."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fitted_key(key: str, limit: int) -> str:
    """A reference key that fits its column and stays unique: a long one keeps its start and
    gains a digest of the whole."""
    if len(key) <= limit:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"{key[: limit - len(digest) - 1]}#{digest}"
