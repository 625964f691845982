"""`baton serve | worker | migrate | demo`."""

from __future__ import annotations

import argparse
import logging
import sys

from bot.config import SettingsError, load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="baton", description="Reliable handoffs for Slack.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the Slack app (HTTP, or Socket Mode)")
    serve.add_argument("--host", default="0.0.0.0", help="interface to listen on")
    serve.add_argument(
        "--no-scheduler", action="store_true", help="do not run the sweeper here (see worker)"
    )
    commands.add_parser("worker", help="run the sweeper alone")
    commands.add_parser("migrate", help="bring the database to the latest schema")
    commands.add_parser("demo", help="the whole story offline, against a built-in Slack stand-in")
    args = parser.parse_args(argv)

    logging.basicConfig(
        # The demo narrates on stdout; logs would only interleave with the story.
        level=logging.WARNING if args.command == "demo" else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # chatty on import
    # Alembic narrates every start ("Context impl…", "Running upgrade…"); Baton logs the
    # revision it reached once it is up, so a start-up that fails says one line only.
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
    if args.command == "demo":
        from bot.demo import run_demo

        return run_demo()
    try:
        settings = load_settings()
        if args.command == "serve":
            from bot.runtime import serve as run_serve

            run_serve(settings, host=args.host, scheduler=not args.no_scheduler)
        elif args.command == "worker":
            from bot.runtime import work

            work(settings)
        else:
            from bot.runtime import prepare

            prepare(settings).close()
            print("database is at the latest schema")
    except SettingsError as error:
        print(f"baton: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
