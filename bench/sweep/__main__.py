"""`python -m bench.sweep`: the command line; runs (a), (b), (c) and prints their verdicts."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile

from bench import sweep
from bench.common import add_database_arguments, database, url_of, verdict
from bench.sweep.claim import bench_claims, report_claims
from bench.sweep.cpu import BASELINE, bench_cpu
from bench.sweep.fair import bench_fair, report_fair


def main() -> int:
    # prog: the usage line `python -m bench.sweep` printed when this was bench/sweep.py
    parser = argparse.ArgumentParser(
        prog="sweep.py", description=(sweep.__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--part", choices=("claim", "fair", "cpu", "all"), default="all")
    parser.add_argument("--rows", type=int, default=1_000_000, help="the table's size")
    parser.add_argument("--small-due", type=int, default=100, help="due rows, small backlog")
    parser.add_argument("--large-due", type=int, default=50_000, help="due rows, large backlog")
    parser.add_argument("--reps", type=int, default=40, help="claims timed per backlog")
    add_database_arguments(parser)
    parser.add_argument("--busy", type=int, default=60, help="messages in the busy channel")
    parser.add_argument("--quiet-channels", type=int, default=49)
    parser.add_argument("--quiet", type=int, default=10, help="messages per quiet channel")
    parser.add_argument("--baseline", default=BASELINE, help="the commit CPU is compared with")
    parser.add_argument("--cpu-messages", type=int, default=2000)
    parser.add_argument("--cpu-rounds", type=int, default=3)
    parser.add_argument(
        "--quick", action="store_true", help="100k rows, 10k due, 15 reps; 20+19x5 messages"
    )
    args = parser.parse_args()
    if args.quick:
        args.rows, args.large_due, args.reps = 100_000, 10_000, 15
        args.busy, args.quiet_channels, args.quiet = 20, 19, 5
        args.cpu_messages, args.cpu_rounds = 1000, 1
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth is 1"
    backends = args.backends.split(",")

    verdicts: dict[str, bool] = {}
    with tempfile.TemporaryDirectory() as scratch:
        if args.part in ("claim", "all"):
            results = [
                bench_claims(
                    backend,
                    rows=args.rows,
                    small_due=args.small_due,
                    large_due=args.large_due,
                    reps=args.reps,
                    scratch=scratch,
                    pg_url=args.pg_url,
                )
                for backend in backends
            ]
            verdicts["(a) claim cost flat in the backlog"] = report_claims(results, reps=args.reps)
        if args.part in ("fair", "all"):
            fair = []
            setups = [(b, 1 if b == "sqlite" else 2) for b in backends]
            for backend, sweepers in setups:
                with database(backend, scratch, args.pg_url, f"fair{sweepers}") as db:
                    fair.append(
                        bench_fair(
                            busy=args.busy,
                            quiet_channels=args.quiet_channels,
                            quiet=args.quiet,
                            db_url=url_of(db),
                            sweepers=sweepers,
                            label=f"{backend}, {sweepers} sweeper{'s' if sweepers > 1 else ''}",
                        )
                    )
            verdicts["(b) fair delivery"] = report_fair(fair)
        if args.part in ("cpu", "all"):
            verdicts["(c) CPU per message"] = bench_cpu(
                args.baseline, args.cpu_messages, 40, args.cpu_rounds, scratch
            )
    print()
    for name, met in verdicts.items():
        print(f"{name}: {verdict(met)}")
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
