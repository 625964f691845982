"""Python's cycle collector, kept off the request path of a long-running server.

A full (generation 2) collection walks every tracked object while holding the interpreter
lock, so each one stops every request in flight. After start-up `baton serve` holds some 185k
tracked objects (modules, Bolt, SQLAlchemy, pydantic) that live as long as the process, and
walking them took 70-90 ms a time (bench.ack's Submit p99 at 8 clients). Frozen, they are
never walked again; what requests make and drop is collected as before.
"""

from __future__ import annotations

import gc


def freeze_startup_objects() -> int:
    """Collect what start-up left behind, then move every object alive now out of the
    collector's sight for good. Call once everything long-lived is built, before serving.
    How many objects were frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
