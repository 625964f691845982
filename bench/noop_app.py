"""The baseline for bench/ack.py: a Bolt app whose /handoff handler only acks, served like Baton."""

from __future__ import annotations

import argparse

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress import serve


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--signing-secret", required=True)
    args = parser.parse_args()
    app = App(
        token="xoxb-noop",
        signing_secret=args.signing_secret,
        token_verification_enabled=False,
    )

    @app.command("/handoff")
    def handoff(ack: Ack) -> None:
        ack()

    serve(SlackRequestHandler(app), host="127.0.0.1", port=args.port, threads=8, _quiet=True)


if __name__ == "__main__":
    main()
