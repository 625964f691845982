"""Start-up objects leave the cycle collector's sight; what comes later is collected as ever."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from bot import collector


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


@pytest.fixture
def unfrozen_after() -> Iterator[None]:
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("unfrozen_after")
def test_objects_alive_at_freeze_are_never_walked_again() -> None:
    built = [{"n": n} for n in range(20_000)]  # a server's modules, app and pools
    frozen = collector.freeze_startup_objects()
    assert frozen >= len(built)
    walked = {id(thing) for thing in gc.get_objects()}
    assert not any(id(thing) in walked for thing in built)


@pytest.mark.usefixtures("unfrozen_after")
def test_garbage_made_after_the_freeze_is_still_collected() -> None:
    collector.freeze_startup_objects()
    gone = weakref.ref(Node())  # unreachable at once, but kept alive by its own cycle
    assert gone() is not None
    gc.collect()
    assert gone() is None


@pytest.mark.usefixtures("unfrozen_after")
def test_garbage_left_by_start_up_is_collected_not_frozen() -> None:
    left = weakref.ref(Node())
    collector.freeze_startup_objects()
    assert left() is None
