"""glibc's allocator, asked to hold less for a long-running threaded server.

glibc gives threads their own malloc arenas (up to 8 per core) and an arena never hands its
free pages back by itself, so each pool thread's busiest moment stays resident for good.
`baton serve` and `baton worker` run some 90 threads (waitress, after-ack, delivery), so they
cap the arenas at start and give free pages back now and then. Elsewhere (musl, macOS) both
are no-ops.
"""

from __future__ import annotations

import ctypes
import logging
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

log = logging.getLogger("baton.allocator")

M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's <malloc.h>
ARENAS = 2  # two lock domains: little contention under the GIL, little memory held
GIVE_BACK_EVERY = 60.0  # seconds between handing the allocator's free pages back


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


def give_back_every(scheduler: BaseScheduler, seconds: float = GIVE_BACK_EVERY) -> None:
    """On `scheduler`, hand free pages back every `seconds`: what a long-lived process's
    busiest moments freed goes back to the system."""
    scheduler.add_job(
        give_back_free_memory,
        "interval",
        seconds=seconds,
        id="baton-give-back",
        max_instances=1,
        coalesce=True,
    )
    log.info("handing free memory back to the system every %.0f s", seconds)
