"""Every benchmark, one after the other, and one table of their verdicts.

Each runs as its own process (`python -m bench.<name>`, `--quick` passed on); its whole output
goes to stdout as it comes, and the table at the end repeats each one's verdict lines with how
long it took, under the machine's name (nproc, CPU model). Exits non-zero when any benchmark
missed its target (each exits non-zero then) or failed.

    .venv/bin/python -m bench.all [--quick] [--only sweep,graph]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

BENCHES = (
    "ack",
    "burst",
    "latency",
    "sweep",
    "keepalive",
    "graph",
    "memory",
    "ingest",
    "export",
    "policies",
)
VERDICT_MARKERS = ("met", "NOT met")


@dataclass
class Outcome:
    name: str
    code: int
    seconds: float
    verdicts: list[str]


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} CPUs (nproc), {model}, {platform.system()} {platform.release()}"


def run(name: str, quick: bool) -> Outcome:
    command = [sys.executable, "-m", f"bench.{name}", *(["--quick"] if quick else [])]
    print(f"\n===== {' '.join(command[1:])} =====", flush=True)
    started = time.monotonic()
    lines: list[str] = []
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
            lines.append(line.rstrip())
    verdicts = [
        line.strip() for line in lines if any(m in line for m in VERDICT_MARKERS) and ":" in line
    ]
    return Outcome(name, proc.returncode, time.monotonic() - started, verdicts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="every benchmark's --quick")
    parser.add_argument("--only", help="comma-separated subset of " + ",".join(BENCHES))
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(BENCHES)
    where = machine()
    print(f"bench.all on {where}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", flush=True)
    outcomes = [run(name, args.quick) for name in names]

    print(f"\n===== summary ({'quick' if args.quick else 'full'} runs) on {where} =====")
    header = f"{'benchmark':<16} {'time':>6}  {'verdict':<8} lines"
    print(header)
    print("-" * 100)
    for outcome in outcomes:
        status = "met" if outcome.code == 0 else f"MISSED (exit {outcome.code})"
        first, *rest = outcome.verdicts or ["(no verdict line: see its output above)"]
        print(f"bench.{outcome.name:<10} {outcome.seconds:>5.0f}s  {status:<8} {first}")
        for line in rest:
            print(f"{'':<16} {'':>6}  {'':<8} {line}")
    missed = [o.name for o in outcomes if o.code != 0]
    print("\nall targets met" if not missed else f"\nmissed: {', '.join(missed)}")
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
