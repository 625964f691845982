"""`baton backup` and `baton export`: the operator's commands, added to the CLI's parser."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings, SettingsError

if TYPE_CHECKING:
    from store.db import Database

COMMANDS = ("backup", "export")


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = commands.add_parser(
        "backup", help="copy the SQLite database while Baton runs (PostgreSQL: pg_dump)"
    )
    backup.add_argument("path", type=Path, help="where to write the copy")
    export = commands.add_parser(
        "export", help="write the record (handoffs, decisions, failures, ...), one file per kind"
    )
    export.add_argument("--since", required=True, help="ISO date or date-time (UTC), inclusive")
    export.add_argument(
        "--until", help="ISO date (that day included) or date-time (excluded); default: now"
    )
    export.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    export.add_argument("--out", required=True, type=Path, help="a directory")


def one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "backup":
        return _backup(args, settings)
    return _export(args, settings)


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    import sqlite3

    from bot.ops.backup import BadTarget, NotSqlite, backup_sqlite

    try:
        done = backup_sqlite(settings.database_url, args.path)
    except (NotSqlite, BadTarget) as error:
        print(f"baton: {error}", file=sys.stderr)
        return 2
    except (OSError, ValueError, RuntimeError, sqlite3.Error) as error:
        print(f"baton: backup failed: {one_line(error)}", file=sys.stderr)
        return 1
    print(f"backed up to {done.path} ({done.pages} pages, integrity {done.integrity})")
    return 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.ops.export import export, parse_when

    try:
        since = parse_when(args.since)
        until = parse_when(args.until, end_of_day=True) if args.until else None
    except ValueError as error:
        print(f"baton: --since/--until: {error}", file=sys.stderr)
        return 2
    if until is not None and until <= since:
        print(f"baton: --until {args.until} is not after --since {args.since}", file=sys.stderr)
        return 2
    db = open_for_reading(settings.database_url)
    try:
        make_out_dir(args.out)
    except OutDirError as error:
        db.dispose()
        print(f"baton: {error}", file=sys.stderr)
        return 2
    try:
        counts = export(db, args.out, since=since, until=until, fmt=args.format)
    except (OSError, SQLAlchemyError) as error:
        print(f"baton: export failed: {one_line(error)}", file=sys.stderr)
        return 1
    finally:
        db.dispose()
    for kind, count in counts.items():
        print(f"{count:>9} {kind}  {args.out / f'{kind}.{args.format}'}")
    return 0


class OutDirError(Exception):
    """`--out` cannot be the export's directory; the message says why, in one line."""


def make_out_dir(out_dir: Path) -> None:
    """`out_dir`, created if missing (with its parents), or OutDirError."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutDirError(f"--out {out_dir}: exists and is not a directory")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise OutDirError(f"--out {out_dir}: cannot create the directory ({reason})") from None


def open_for_reading(database_url: str) -> Database:
    """The database, if it is there and answers (a missing SQLite file is not created);
    else SettingsError naming DATABASE_URL, which the CLI prints in one line."""
    from bot.ops.backup import NotSqlite, sqlite_path
    from store.db import Database, redacted

    shown = redacted(database_url)
    try:
        path: Path | None = sqlite_path(database_url)
    except NotSqlite:
        path = None
    if path is not None and not path.exists():
        raise SettingsError(f"DATABASE_URL: no database at {path} ({shown})")
    db = Database(database_url)
    try:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as error:
        db.dispose()
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise SettingsError(f"DATABASE_URL: cannot open {shown} ({reason})") from None
    return db
