"""What a busy moment freed goes back to the system (glibc only; elsewhere a no-op)."""

from __future__ import annotations

import threading
from datetime import UTC
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from bot import allocator

pytestmark = pytest.mark.skipif(
    allocator._glibc() is None or not Path("/proc/self/status").exists(),
    reason="glibc's allocator on Linux only",
)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def busy_moment_in_a_thread(megabytes: int) -> list[bytes]:
    """A thread allocates `megabytes` in malloc-sized pieces, then frees all but every 64th
    piece, so the freed pages sit between live ones where glibc will not trim by itself."""
    kept: list[bytes] = []

    def work() -> None:
        pieces = [bytes(4096) for _ in range(megabytes * 256)]
        kept.extend(pieces[::64])
        pieces.clear()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return kept


def test_freed_pages_between_live_ones_go_back_to_the_system() -> None:
    before = rss_mb()
    kept = busy_moment_in_a_thread(64)
    held = rss_mb()
    assert held - before > 32, "the busy moment should have stayed resident"
    assert allocator.give_back_free_memory()
    assert rss_mb() < held - 32
    assert kept  # alive until here


def test_arenas_can_be_capped() -> None:
    assert allocator.cap_arenas(allocator.ARENAS)


def test_a_scheduler_gives_free_memory_back_at_its_interval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    given_back = threading.Event()
    monkeypatch.setattr(allocator, "give_back_free_memory", given_back.set)
    scheduler = BackgroundScheduler(timezone=UTC)
    allocator.give_back_every(scheduler, seconds=0.05)
    scheduler.start()
    try:
        assert given_back.wait(timeout=5)
    finally:
        scheduler.shutdown(wait=True)
