"""A burst of handoff submissions: every one acked within Slack's 3 s, none lost, none twice.

200 people press Submit on the /handoff modal at the same moment, first all in one channel,
then spread over 20 channels. `baton serve` runs as deployed (its sweeper, production pacing of
one post per second per conversation); the Slack stand-in, in a process of its own, answers
each chat.postMessage in 300 ms and answers 429 to posts faster than Slack allows. The same
submissions go to a Bolt app that only acks, in the same run, as the baseline for latency.

Exits non-zero unless every ack came within 3 s and, once delivery has caught up, each handoff
is in its channel exactly once and each next owner has exactly one DM per handoff.

    .venv/bin/python -m bench.burst [--submissions 200] [--channels 20]
    .venv/bin/python -m bench.burst --quick      # 40 submissions over 4 channels
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests
from slack_sdk.signature import SignatureVerifier

from bench.ack import StandInManager
from bench.common import baton_serve, free_port, process, quantile_ms, serve_env, tail, verdict
from bot.handoffs.modal import handoff_modal
from bot.ids import MetadataEvent
from bot.slack.modal_context import ModalContext
from bot.slack_standin import payloads

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
ACK_LIMIT = 3.0
PEOPLE = [f"U0P{n:03d}" for n in range(20)]


def submission_bodies(
    standin: Any, channels: list[str], count: int, tag: str
) -> tuple[list[str], list[str]]:
    """Signed-ready bodies of `count` submissions of distinct modals, round-robin over
    `channels`, each naming a next owner and a backup owner Slack knows; and before them the
    block_actions Slack sent as those people were picked (the forms were filled in before
    everyone pressed Submit at once)."""
    picks: list[str] = []
    bodies = []
    for n in range(count):
        channel = channels[n % len(channels)]
        view = handoff_modal(
            context=ModalContext(channel_id=channel), work_item="", hint="Left empty: PT4H."
        )
        view = {**view, "id": f"V{tag}{n:05d}", "hash": f"h{n}"}
        author = PEOPLE[n % len(PEOPLE)]
        values = {
            "Work item": f"{tag} item {n}",
            "Status": "Copy ready, KPI capture pending",
            "Done": "Drafted launch copy in https://docs.example.com/copy",
            "Open": "Instrumentation metadata missing",
            "Next owner": PEOPLE[(n + 1) % len(PEOPLE)],
            "Next action": "Publish the copy on LinkedIn",
            "Backup owner": PEOPLE[(n + 2) % len(PEOPLE)],
        }
        payload = payloads.submission(standin, view, values, user=author)
        bodies.append(payloads.payload_body(payload))
        picks += [
            payloads.payload_body(pick)
            for pick in payloads.picks(standin, view, values, user=author)
        ]
    return picks, bodies


def fill_in(url: str, picks: list[str]) -> None:
    """The picks, one after another, before the burst (not timed)."""
    verifier = SignatureVerifier(SECRET)
    with requests.Session() as session:
        for body in picks:
            ts = str(int(time.time()))
            headers = {
                "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": verifier.generate_signature(timestamp=ts, body=body),
                "Content-Type": "application/x-www-form-urlencoded",
            }
            session.post(url, data=body, headers=headers, timeout=ACK_LIMIT * 3).raise_for_status()


def fire_at_once(url: str, bodies: list[str]) -> list[tuple[float, int, str]]:
    """Every body posted at the same moment (a barrier); (seconds, status, body) each."""
    verifier = SignatureVerifier(SECRET)
    barrier = threading.Barrier(len(bodies))

    def one(body: str) -> tuple[float, int, str]:
        ts = str(int(time.time()))
        headers = {
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": verifier.generate_signature(timestamp=ts, body=body),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        barrier.wait()
        started = time.perf_counter()
        try:
            response = requests.post(url, data=body, headers=headers, timeout=ACK_LIMIT * 3)
        except requests.RequestException as error:
            return time.perf_counter() - started, 0, str(error)
        return time.perf_counter() - started, response.status_code, response.text

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(one, bodies))


def delivered(
    standin: Any, channels: list[str], earlier: set[str]
) -> tuple[Counter[str], Counter[str]]:
    """How often each handoff's channel post and DM reached Slack, by Baton's outbox key
    (DMs of `earlier` scenarios' handoffs left out: people's DMs are shared)."""
    posts: Counter[str] = Counter()
    dms: Counter[str] = Counter()
    for conversation in [*channels, *(f"D{user}" for user in PEOPLE)]:
        for message in standin.messages(conversation):
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") != MetadataEvent.OUTBOX:
                continue
            key = str(metadata["event_payload"]["key"])
            if key in earlier:
                continue
            if key.endswith(":post"):
                posts[key] += 1
            elif key.endswith(":dm"):
                dms[key] += 1
    return posts, dms


def wait_for_delivery(
    standin: Any, channels: list[str], earlier: set[str], count: int, timeout: float
) -> tuple[Counter[str], Counter[str]]:
    deadline = time.monotonic() + timeout
    while True:
        posts, dms = delivered(standin, channels, earlier)
        if (len(posts) >= count and len(dms) >= count) or time.monotonic() > deadline:
            return posts, dms
        time.sleep(1.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--channels", type=int, default=20, help="for the spread scenario")
    parser.add_argument("--quick", action="store_true", help="40 submissions, 4 channels")
    args = parser.parse_args()
    if args.quick:
        args.submissions, args.channels = 40, 4

    manager = StandInManager()
    manager.start()
    standin: Any = manager.SlackStandIn(bot_token=TOKEN)  # type: ignore[attr-defined]
    for user in PEOPLE:
        standin.add_user(user, user.lower(), tz="Europe/Berlin")
    scenarios = {
        "one channel": ["C0BURST"],
        f"{args.channels} channels": [f"C0SPREAD{n:02d}" for n in range(args.channels)],
    }
    for channels in scenarios.values():
        for channel in channels:
            standin.add_channel(channel, channel.lower())
    standin.set_delay("chat.postMessage", 0.3)
    standin.set_post_limit(1.0)  # 429 for posts closer than Slack's 1 per second
    api_url = standin.serve()

    baton_port, noop_port = free_port(), free_port()
    ok = True
    rows = []
    earlier: set[str] = set()
    with tempfile.TemporaryDirectory() as tmp:
        env = serve_env(
            tmp,
            api_url=api_url,
            port=baton_port,
            token=TOKEN,
            secret=SECRET,
            BATON_WORKING_HOURS="always",
        )
        noop_cmd = [
            *(sys.executable, "-m", "bench.noop_app", "--port", str(noop_port)),
            *("--signing-secret", SECRET, "--token", TOKEN, "--api-url", api_url),
        ]
        try:
            with (
                process(baton_serve("127.0.0.1"), env, baton_port, Path(tmp) / "baton.log"),
                process(noop_cmd, env, noop_port, Path(tmp) / "noop.log"),
            ):
                for index, (name, channels) in enumerate(scenarios.items()):
                    tag = f"S{index}"
                    count = args.submissions
                    noop_url = f"http://127.0.0.1:{noop_port}/slack/events"
                    picks, bodies = submission_bodies(standin, channels, count, f"N{index}")
                    fill_in(noop_url, picks)
                    noop = fire_at_once(noop_url, bodies)
                    baton_url = f"http://127.0.0.1:{baton_port}/slack/events"
                    picks, bodies = submission_bodies(standin, channels, count, tag)
                    fill_in(baton_url, picks)
                    time.sleep(0.5)  # people take longer than that between a pick and Submit
                    ours = fire_at_once(baton_url, bodies)
                    # Production pacing: one channel's posts take about a second each.
                    per_channel = -(-count // len(channels))
                    posts, dms = wait_for_delivery(
                        standin, channels, earlier, count, timeout=per_channel * 2.0 + 120
                    )
                    earlier |= set(dms)
                    late = sum(1 for took, _, _ in ours if took >= ACK_LIMIT)
                    refused = sum(1 for _, status, text in ours if status != 200 or text)
                    lost = (count - len(posts)) + (count - len(dms))
                    twice = sum(n - 1 for n in posts.values()) + sum(n - 1 for n in dms.values())
                    seconds = [took for took, _, _ in ours]
                    base = [took for took, _, _ in noop]
                    scenario_ok = late == 0 and refused == 0 and lost == 0 and twice == 0
                    ok &= scenario_ok
                    rows.append(
                        (name, count, seconds, base, late, refused, lost, twice, scenario_ok)
                    )
        except Exception:
            for log in ("baton.log", "noop.log"):
                print(f"--- {log} (tail)", tail(Path(tmp) / log), sep="\n", file=sys.stderr)
            raise
        finally:
            standin.stop()
            manager.shutdown()

    print(
        "Simultaneous /handoff submissions to `baton serve` (production pacing, the stand-in "
        "answering posts in 300 ms) vs a Bolt app that only acks, same run:"
    )
    header = (
        f"{'scenario':<12} {'n':>4} {'p50 ms':>8} {'noop':>6} {'ratio':>6} {'p99 ms':>8} "
        f"{'noop':>6} {'ratio':>6} {'max ms':>7} {'>3s':>4} {'refused':>7} {'lost':>5} "
        f"{'twice':>5}"
    )
    print(header)
    print("-" * len(header))
    for name, count, seconds, base, late, refused, lost, twice, _ in rows:
        p50, b50 = quantile_ms(seconds, 50), quantile_ms(base, 50)
        p99, b99 = quantile_ms(seconds, 99), quantile_ms(base, 99)
        print(
            f"{name:<12} {count:>4} {p50:>8.1f} {b50:>6.1f} {p50 / b50:>6.2f} {p99:>8.1f} "
            f"{b99:>6.1f} {p99 / b99:>6.2f} {max(seconds) * 1e3:>7.0f} {late:>4} "
            f"{refused:>7} {lost:>5} {twice:>5}"
        )
    print(f"target (every ack < {ACK_LIMIT:.0f} s, 0 refused, 0 lost, 0 twice):", verdict(ok))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
