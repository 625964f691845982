"""Serving a waitress server from a thread and closing it from another, quietly.

waitress's loop may be inside select() when another thread closes the sockets it watches;
the OSError that follows is the end of the run, not a failure.
"""

from __future__ import annotations

import threading
from typing import Any


def start(server: Any) -> None:
    threading.Thread(target=_run_until_closed, args=(server,), daemon=True).start()


def close(server: Any) -> None:
    server.baton_closing = True
    server.close()


def _run_until_closed(server: Any) -> None:
    try:
        server.run()
    except (OSError, ValueError):
        if not getattr(server, "baton_closing", False):
            raise
