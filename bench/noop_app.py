"""The baseline for bench/ack.py and bench/burst.py: a Bolt app that only acks (/handoff, any
modal submission, any click), served like Baton.

Built as bot/app.py builds Baton's (a WebClient on the same Web API URL and token, signature
checks on, token verification off, waitress with 8 threads), so the only difference the bench
sees is what Baton's listeners do.
"""

from __future__ import annotations

import argparse
import logging
import re

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from waitress import serve


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--signing-secret", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--api-url", required=True, help="the Web API base URL (the stand-in)")
    parser.add_argument(
        "--no-polling",
        action="store_true",
        help="process_before_response: answer when the listener returns, not at Bolt's next "
        "10 ms check (the floor for any Bolt app)",
    )
    args = parser.parse_args()
    # Bolt's single-team authorization calls auth.test once, on the first request: it must
    # reach the stand-in (not slack.com) with a token the stand-in accepts, as Baton's does.
    client = WebClient(token=args.token, base_url=args.api_url, timeout=10)
    app = App(
        signing_secret=args.signing_secret,
        client=client,
        token_verification_enabled=False,
        ignoring_self_events_enabled=True,
        logger=logging.getLogger("noop.bolt"),
        process_before_response=args.no_polling,
    )

    @app.command("/handoff")
    def handoff(ack: Ack) -> None:
        ack()

    @app.view(re.compile(".*"))
    def submission(ack: Ack) -> None:
        ack()

    @app.action(re.compile(".*"))
    def click(ack: Ack) -> None:
        ack()

    serve(SlackRequestHandler(app), host="127.0.0.1", port=args.port, threads=8, _quiet=True)


if __name__ == "__main__":
    main()
