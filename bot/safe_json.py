"""JSON from strangers: nesting is measured before parsing, so a body nested 100,000 deep is
refused instead of exhausting Python's recursion limit inside `json.loads`."""

from __future__ import annotations

import json
import re
from typing import Any

# A JSON string (possessive, so a long string is matched without backtracking).
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


class TooDeep(ValueError):
    """Nested deeper than allowed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"nested deeper than {limit} levels")
        self.limit = limit


def nesting_depth(raw: bytes, *, stop_after: int | None = None) -> int:
    """How deep arrays and objects nest in `raw`, brackets inside strings not counted.
    Counting stops once past `stop_after`. Malformed JSON gives some depth; `json.loads`
    tells what is wrong with it."""
    skeleton = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    depth = deepest = 0
    for byte in skeleton:
        if byte in b"[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_after is not None and deepest > stop_after:
                    break
        else:
            depth -= 1
    return deepest


def loads(raw: bytes | str, *, max_depth: int) -> Any:
    """`json.loads`, refusing nesting deeper than `max_depth` with TooDeep (a ValueError, as
    malformed JSON is)."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if nesting_depth(data, stop_after=max_depth) > max_depth:
        raise TooDeep(max_depth)
    return json.loads(data)
