"""Log setup: a level, `text` or `json` (one object per line, the traceback inside it), no
third-party INFO chatter, and known secrets masked in whatever a line carries."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Libraries that narrate routine work at INFO: every scheduler run, every migration step.
QUIET_LIBRARIES = ("apscheduler", "waitress", "slack_sdk", "slack_bolt", "alembic", "urllib3")
# Slack token shapes (bot, user, app-level, config): masked even when not configured here.
TOKEN_PATTERN = re.compile(r"\b(xox[abposr]|xapp|xoxe)-[A-Za-z0-9-]+")
MASK = "[redacted]"
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


# APScheduler warns when a tick is skipped because the previous one still runs, or starts late;
# the sweeper asks for exactly that (one instance, coalesced), so it is routine, not a warning.
ROUTINE_SCHEDULER_WARNINGS = ("maximum number of running instances reached", "was missed by")


def not_routine(record: logging.LogRecord) -> bool:
    if not record.name.startswith("apscheduler"):
        return True
    message = record.getMessage()
    return not any(phrase in message for phrase in ROUTINE_SCHEDULER_WARNINGS)


class Redactor:
    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        # Longest first, so a secret containing another is masked whole.
        self.secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return TOKEN_PATTERN.sub(MASK, text)


class TextFormatter(logging.Formatter):
    def __init__(self, redact: Redactor) -> None:
        super().__init__(TEXT_FORMAT)
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the record's extra fields, and
    the exception (type, message, traceback) inside the object."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and value is not None:
                entry[key] = value if isinstance(value, (int, float, bool)) else str(value)
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            entry["exception"] = {
                "type": type(error).__name__,
                "message": str(error),
                "traceback": self.formatException(record.exc_info),
            }
        elif record.exc_text:
            entry["exception"] = {"traceback": record.exc_text}
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return self.redact(json.dumps(entry, ensure_ascii=False))


def configure_logging(
    level: str = "INFO",
    fmt: str = "text",
    *,
    secrets: Iterable[str | None] = (),
    stream: TextIO | None = None,
) -> logging.Handler:
    """Replace the root logger's handlers with one on `stream` (stderr by default)."""
    level = level.upper()
    redact = Redactor(secrets)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(redact) if fmt == "json" else TextFormatter(redact))
    if level != "DEBUG":
        handler.addFilter(not_routine)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    quiet = logging.DEBUG if level == "DEBUG" else logging.WARNING
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(quiet)
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)  # DEBUG there is every row
    return handler
