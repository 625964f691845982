"""`baton serve | worker | migrate | demo | standin | backup | export`."""

from __future__ import annotations

import argparse
import sys

from bot.config import SettingsError, load_settings
from bot.observability.logging import configure_logging
from bot.observability.setup import configure_from
from bot.ops import commands as ops


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="baton", description="Reliable handoffs for Slack.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the Slack app (HTTP, or Socket Mode)")
    serve.add_argument("--host", default="0.0.0.0", help="interface to listen on")
    serve.add_argument(
        "--no-scheduler", action="store_true", help="do not run the sweeper here (see worker)"
    )
    worker = commands.add_parser("worker", help="run the sweeper alone")
    worker.add_argument("--host", default="0.0.0.0", help="interface for /healthz and /metrics")
    commands.add_parser("migrate", help="bring the database to the latest schema")
    commands.add_parser("demo", help="the whole story offline, against a built-in Slack stand-in")
    standin = commands.add_parser(
        "standin", help="the built-in Slack stand-in alone, to smoke-test `baton serve` against"
    )
    standin.add_argument("--port", type=int, default=3001, help="its port on 127.0.0.1")
    standin.add_argument(
        "--events-url",
        default="http://127.0.0.1:3000/slack/events",
        help="where Baton takes signed HTTP requests (used when it is not in Socket Mode)",
    )
    standin.add_argument(
        "--send",
        metavar="'/COMMAND TEXT'",
        help="ask the stand-in running on --port to deliver this slash command to Baton",
    )
    standin.add_argument("--user", default="U0ANA", help="who runs the command (--send)")
    standin.add_argument("--channel", default="C0LAUNCH", help="where (--send)")
    ops.add_commands(commands)
    args = parser.parse_args(argv)

    # The demo and the stand-in narrate on stdout; logs would only interleave with that.
    configure_logging("WARNING" if args.command in ("demo", "standin") else "INFO")
    if args.command == "demo":
        from bot.demo.handoff_story import run_demo

        return run_demo()
    if args.command == "standin":
        from bot.slack_standin import standalone

        if args.send is not None:
            return standalone.send(args.send, port=args.port, user=args.user, channel=args.channel)
        return standalone.run(port=args.port, events_url=args.events_url)
    try:
        settings = load_settings()
        configure_from(settings)
        if args.command in ops.COMMANDS:
            return ops.run(args, settings)
        if args.command == "serve":
            from bot.runtime import serve as run_serve

            run_serve(settings, host=args.host, scheduler=not args.no_scheduler)
        elif args.command == "worker":
            from bot.runtime import work

            work(settings, host=args.host)
        else:
            from bot.runtime import migrate_database

            db, migrated = migrate_database(settings)
            db.dispose()
            print(migrated.summary())
    except SettingsError as error:
        print(f"baton: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
