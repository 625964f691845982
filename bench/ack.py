"""Ack latency where people feel it: `/handoff`, the modal's Submit and the Acknowledge click,
`baton serve` against a Bolt app that only acks (with Bolt's default runner), in one run.

Both run at once as separate processes behind the same WSGI server (waitress, 8 threads) and
get the same signed requests, at 1 and at 8 concurrent clients; so does a third, the floor: the
no-op app answering as its listener returns (`process_before_response`, no 10 ms polling),
which no Bolt app can beat. After a warm-up of each, the requests go in rounds that alternate
between the servers (A B C C B A ...), so whatever else the machine is doing lands on all
alike; p50/p99 are over all rounds.

The Slack Web API is the stand-in (bot.slack_standin), run in a process of its own so that
answering Baton's views.open never competes with the clients' timing here. Every request
carries a fresh trigger_id, and Baton's views.open calls are counted at the end to show it did
open the modal each time (after acking, which is all the latency measures).

The stand-in answers users.info in 100 ms. Submissions go to distinct modals naming 20 people,
each submission after the block_actions Slack sends as its people are picked (not timed; Baton
looks them up then, so no Submit waits for users.info); clicks acknowledge the handoffs the
submissions made.

Targets, against the floor measured in the same run (at 8 clients the machine's 2 CPUs are
shared by clients, stand-in and servers, so latency there is queueing): every surface at the
highest concurrency p50 <= 3x the floor's p50 and p99 <= 3x the floor's p99 (lower levels are
shown for reference); submissions per second there >= 0.5x the no-op app's. The no-op app
with Bolt's default runner is shown for reference too.

    .venv/bin/python -m bench.ack [--requests 400] [--rounds 8] [--warmup 50]
    .venv/bin/python -m bench.ack --quick
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.managers import BaseManager
from pathlib import Path
from typing import Any

import requests
from slack_sdk.signature import SignatureVerifier

from bench.common import baton_serve, free_port, process, quantile_ms, serve_env, tail, verdict
from bot.handoffs.modal import handoff_modal
from bot.ids import Action
from bot.slack.modal_context import ModalContext
from bot.slack_standin import SlackStandIn, payloads
from bot.slack_standin.payloads import command_body

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
USER, CHANNEL = "U_ANA", "C_LAUNCH"
FLOOR_TARGET = 3.0  # p50 and p99, each against the floor's
RATE_TARGET = 0.5
SURFACES = ("handoff", "submit", "click")
PEOPLE = [f"U_P{n:02d}" for n in range(20)]


class StandInManager(BaseManager):
    """Hosts the stand-in in a child process; the bench talks to it through a proxy."""


StandInManager.register("SlackStandIn", SlackStandIn)


@dataclass
class Target:
    name: str
    url: str
    # (surface, clients) -> seconds per request
    samples: dict[tuple[str, int], list[float]] = field(default_factory=dict)
    sent: dict[str, int] = field(default_factory=dict)
    busy: dict[str, float] = field(default_factory=dict)  # wall time spent in timed rounds


class Client:
    """Signed /handoff requests, one keep-alive session per client thread."""

    def __init__(self, standin: Any) -> None:
        self.standin = standin
        self.verifier = SignatureVerifier(SECRET)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._views = 0
        self.template = handoff_modal(
            context=ModalContext(channel_id=CHANNEL),
            work_item="",
            hint="Left empty: PT4H of the next owner's working time.",
        )

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            self._local.session = session
        return session

    def body(self, surface: str, n: int) -> tuple[list[str], str]:
        """A request as Slack would send it, and what Slack sent before it: the command, a
        submission of a modal of its own (after the picks of its people, as block_actions),
        or a click on Acknowledge of handoff `n`."""
        if surface == "handoff":
            return [], command_body(
                self.standin, "/handoff", "launch copy", user=USER, channel=CHANNEL
            )
        if surface == "submit":
            with self._lock:
                self._views += 1
                number = self._views
            view = {**self.template, "id": f"VBENCH{number:07d}", "hash": f"h{number}"}
            values = {
                "Work item": f"launch copy {number}",
                "Status": "Copy ready, KPI capture pending",
                "Done": "Drafted launch copy in https://docs.example.com/copy",
                "Open": "Instrumentation metadata missing",
                "Next owner": PEOPLE[number % len(PEOPLE)],
                "Next action": "Publish the copy on LinkedIn",
                "Backup owner": PEOPLE[(number + 1) % len(PEOPLE)],
            }
            author = PEOPLE[(number + 2) % len(PEOPLE)]
            picks = payloads.picks(self.standin, view, values, user=author)
            return [payloads.payload_body(pick) for pick in picks], payloads.payload_body(
                payloads.submission(self.standin, view, values, user=author)
            )
        handoff_id = 1 + n % max(self._views // 2, 1)  # handoffs Baton made from submissions
        click = {
            "type": "block_actions",
            "team": payloads.TEAM,
            "user": {"id": PEOPLE[handoff_id % len(PEOPLE)], "team_id": payloads.TEAM["id"]},
            "api_app_id": "A1",
            "trigger_id": self.standin.issue_trigger_id(),
            "channel": {"id": CHANNEL},
            "container": {"type": "message", "message_ts": "1.000001"},
            "response_url": self.standin.response_url(CHANNEL, USER, "1.000001"),
            "actions": [
                {
                    "type": "button",
                    "action_id": Action.ACKNOWLEDGE,
                    "block_id": "b",
                    "value": str(handoff_id),
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        return [], payloads.payload_body(click)

    def signed(self, body: str) -> dict[str, Any]:
        ts = str(int(time.time()))
        return {
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": self.verifier.generate_signature(timestamp=ts, body=body),
            "Content-Type": "application/x-www-form-urlencoded",
        }

    def one(self, url: str, surface: str, n: int) -> float:
        # Built (and signed) before the clock starts, as Slack sends it.
        before, body = self.body(surface, n)
        session = self._session()
        for earlier in before:  # the person picked people in the modal: not timed
            session.post(url, data=earlier, headers=self.signed(earlier), timeout=10)
        headers = self.signed(body)
        started = time.perf_counter()
        response = session.post(url, data=body, headers=headers, timeout=10)
        elapsed = time.perf_counter() - started
        if response.status_code != 200 or (surface == "submit" and response.text):
            raise RuntimeError(f"{url} answered {response.status_code}: {response.text[:200]}")
        return elapsed

    def burst(
        self, pool: ThreadPoolExecutor, target: Target, surface: str, count: int
    ) -> list[float]:
        target.sent[surface] = target.sent.get(surface, 0) + count
        started = time.perf_counter()
        samples = list(pool.map(lambda n: self.one(target.url, surface, n), range(count)))
        target.busy[surface] = target.busy.get(surface, 0.0) + time.perf_counter() - started
        return samples


def run_level(
    client: Client,
    targets: list[Target],
    *,
    surface: str,
    clients: int,
    requests_each: int,
    rounds: int,
    warmup: int,
) -> None:
    per_round = max(1, requests_each // rounds)
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for target in targets:  # warm-up: connections, imports, caches
            client.burst(pool, target, surface, warmup)
        for target in targets:
            target.samples[surface, clients] = []
            target.busy[surface] = 0.0
            target.sent[surface] = 0
        for index in range(rounds):
            # A B C, C B A, ...: none always goes first, so drift cancels.
            order = targets if index % 2 == 0 else list(reversed(targets))
            for target in order:
                target.samples[surface, clients] += client.burst(pool, target, surface, per_round)


def views_opened(standin: Any, expected: int, timeout: float = 10) -> tuple[int, int]:
    """(ok, failed) views.open calls, once Baton's post-ack work has caught up."""
    deadline = time.monotonic() + timeout
    while True:
        calls = standin.calls_to("views.open")
        ok = sum(1 for call in calls if call.response.get("ok"))
        if len(calls) >= expected or time.monotonic() > deadline:
            return ok, len(calls) - ok
        time.sleep(0.1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="per server and level")
    parser.add_argument("--rounds", type=int, default=8, help="alternations per level")
    parser.add_argument("--warmup", type=int, default=50, help="per server and level")
    parser.add_argument("--clients", default="1,8", help="concurrency levels, comma-separated")
    parser.add_argument("--surfaces", default=",".join(SURFACES), help="comma-separated")
    parser.add_argument("--quick", action="store_true", help="120 requests, 4 rounds, warm-up 20")
    args = parser.parse_args()
    if args.quick:
        args.requests, args.rounds, args.warmup = 120, 4, 20
    levels = [int(c) for c in args.clients.split(",")]
    surfaces = [s for s in args.surfaces.split(",") if s]

    manager = StandInManager()
    manager.start()
    standin: Any = manager.SlackStandIn(bot_token=TOKEN)  # type: ignore[attr-defined]
    standin.add_user(USER, "ana", tz="Europe/Berlin")
    for person in PEOPLE:
        standin.add_user(person, person.lower(), tz="Europe/Berlin")
    standin.add_channel(CHANNEL, "launch")
    standin.set_delay("users.info", 0.1)
    api_url = standin.serve()

    baton_port, noop_port, floor_port = free_port(), free_port(), free_port()
    baton = Target("baton", f"http://127.0.0.1:{baton_port}/slack/events")
    noop = Target("noop", f"http://127.0.0.1:{noop_port}/slack/events")
    floor = Target("floor", f"http://127.0.0.1:{floor_port}/slack/events")
    with tempfile.TemporaryDirectory() as tmp:
        env = serve_env(tmp, api_url=api_url, port=baton_port, token=TOKEN, secret=SECRET)
        baton_cmd = baton_serve("127.0.0.1")  # with its sweeper, as deployed
        noop_cmd = [
            sys.executable,
            "-m",
            "bench.noop_app",
            "--port",
            str(noop_port),
            "--signing-secret",
            SECRET,
            "--token",
            TOKEN,
            "--api-url",
            api_url,
        ]
        floor_cmd = [*noop_cmd, "--no-polling"]
        floor_cmd[floor_cmd.index(str(noop_port))] = str(floor_port)
        client = Client(standin)
        try:
            with (
                process(baton_cmd, env, baton_port, Path(tmp) / "baton.log"),
                process(noop_cmd, env, noop_port, Path(tmp) / "noop.log"),
                process(floor_cmd, env, floor_port, Path(tmp) / "floor.log"),
            ):
                for surface in surfaces:
                    for clients in levels:
                        run_level(
                            client,
                            [baton, noop, floor],
                            surface=surface,
                            clients=clients,
                            requests_each=args.requests,
                            rounds=args.rounds,
                            warmup=args.warmup,
                        )
                opened, refused = views_opened(standin, baton.sent.get("handoff", 0))
            problems = [
                line
                for line in (Path(tmp) / "baton.log").read_text(errors="replace").splitlines()
                if " ERROR " in line or line.startswith("Traceback")
            ]
        except Exception:
            for name in ("baton.log", "noop.log", "floor.log"):
                print(f"--- {name} (tail)", tail(Path(tmp) / name), sep="\n", file=sys.stderr)
            raise
        finally:
            standin.stop()
            manager.shutdown()

    per_round = max(1, args.requests // args.rounds)
    print(
        f"Ack latency (ms): {per_round * args.rounds} requests per server, surface and level, "
        f"in {args.rounds} alternating rounds after {args.warmup} warm-up"
    )
    header = (
        f"{'surface':<8} {'clients':>7} {'baton p50':>10} {'floor p50':>9} {'ratio':>6} "
        f"{'baton p99':>10} {'floor p99':>9} {'ratio':>6}  target"
    )
    print(header)
    print("-" * len(header))
    ok = True
    for surface in surfaces:
        for clients in levels:
            ours, base = baton.samples[surface, clients], floor.samples[surface, clients]
            p50, b50 = quantile_ms(ours, 50), quantile_ms(base, 50)
            p99, b99 = quantile_ms(ours, 99), quantile_ms(base, 99)
            if clients != levels[-1]:
                wanted, met = "reference", True
            else:
                met = p50 / b50 <= FLOOR_TARGET and p99 / b99 <= FLOOR_TARGET
                wanted = f"p50, p99 <= {FLOOR_TARGET}x the floor's"
                ok &= met
            print(
                f"{surface:<8} {clients:>7} {p50:>10.2f} {b50:>9.2f} {p50 / b50:>6.2f} "
                f"{p99:>10.2f} {b99:>9.2f} {p99 / b99:>6.2f}  {wanted}"
                + ("" if wanted == "reference" else f": {verdict(met)}")
            )
    if "submit" in surfaces:
        # Over the last level's timed rounds: requests answered per second of wall time.
        ours_rate = baton.sent["submit"] / baton.busy["submit"]
        base_rate = noop.sent["submit"] / noop.busy["submit"]
        met = ours_rate / base_rate >= RATE_TARGET
        ok &= met
        print(
            f"submissions per second at {levels[-1]} clients: baton {ours_rate:.0f}, no-op "
            f"{base_rate:.0f} (x{ours_rate / base_rate:.2f}; target >= {RATE_TARGET}x): "
            f"{verdict(met)}"
        )
    print("\nFor reference (no target): Baton against the no-op app with Bolt's default runner.")
    for surface in surfaces:
        for clients in levels:
            ours, base = baton.samples[surface, clients], noop.samples[surface, clients]
            p50, b50 = quantile_ms(ours, 50), quantile_ms(base, 50)
            p99, b99 = quantile_ms(ours, 99), quantile_ms(base, 99)
            print(
                f"  {surface:<8} {clients:>2} clients: noop p50 {b50:.2f} ms "
                f"(baton x{p50 / b50:.2f}), p99 {b99:.2f} ms (baton x{p99 / b99:.2f})"
            )
    print(f"errors in baton's log: {len(problems)}", *problems[:5], sep="\n  ")
    if "handoff" in surfaces:
        print(
            f"baton's views.open after the ack: {opened} ok, {refused} refused, "
            f"of {baton.sent.get('handoff', 0)}"
        )
    print("all targets:", verdict(ok))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
