"""glibc's allocator, asked to hold less for a long-running threaded server.

glibc gives threads their own malloc arenas (up to 8 per core) and an arena never hands its
free pages back by itself, so each pool thread's busiest moment stays resident for good.
`baton serve` and `baton worker` run some 90 threads (waitress, after-ack, delivery), so they
cap the arenas at start and give free pages back now and then. Elsewhere (musl, macOS) both
are no-ops.
"""

from __future__ import annotations

import ctypes
from functools import cache

M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's <malloc.h>
ARENAS = 2  # two lock domains: little contention under the GIL, little memory held


@cache
def _glibc() -> ctypes.CDLL | None:
    """glibc, loaded once and its two calls typed; None anywhere else."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    if not (hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim")):
        return None
    libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    libc.malloc_trim.argtypes = [ctypes.c_size_t]
    return libc


def cap_arenas(arenas: int = ARENAS) -> bool:
    """At most `arenas` malloc arenas from now on; call before threads start. True if set."""
    libc = _glibc()
    if libc is None:
        return False
    return bool(libc.mallopt(M_ARENA_MAX, arenas))


def give_back_free_memory() -> bool:
    """Return every arena's free pages to the system. True if any were returned."""
    libc = _glibc()
    if libc is None:
        return False
    return bool(libc.malloc_trim(0))
