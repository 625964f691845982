"""(c) CPU per delivered message: bench/delivery_cpu.py on this code and on an earlier
commit, alternated (see bench/sweep/__init__.py)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from bench.common import verdict

CPU_TARGET = 0.5
BASELINE = "139080b"  # the code before issue 15


def cpu_per_message(source: Path, messages: int, channels: int) -> float:
    """Run bench/delivery_cpu.py with `source` first on the import path."""
    probe = Path(__file__).parent.with_name("delivery_cpu.py")  # bench/delivery_cpu.py
    env = {**os.environ, "PYTHONPATH": str(source)}
    other = [] if source == Path(__file__).resolve().parents[2] else ["--other-tree"]
    done = subprocess.run(
        [
            sys.executable,
            str(probe),
            *("--messages", str(messages), "--channels", str(channels)),
            *other,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"delivery_cpu.py under {source} failed:\n{done.stderr[-2000:]}")
    return float(json.loads(done.stdout.strip().splitlines()[-1])["cpu_ms_per_message"])


def bench_cpu(baseline: str, messages: int, channels: int, rounds: int, scratch: str) -> bool:
    root = Path(__file__).resolve().parents[2]  # the repository
    old = Path(scratch) / "baseline"
    old.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", baseline], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
    ours: list[float] = []
    theirs: list[float] = []
    for index in range(rounds):  # alternated, so drift lands on both
        order = [(root, ours), (old, theirs)]
        for source, into in order if index % 2 == 0 else reversed(order):
            into.append(cpu_per_message(source, messages, channels))
    ratio = statistics.median(ours) / statistics.median(theirs)
    met = ratio <= CPU_TARGET
    print(
        f"\n(c) CPU per delivered message (claim, post, mark sent; the stand-in in another "
        f"process, unthrottled), {messages} messages over {channels} channels, median of "
        f"{rounds} runs each:\n    this code {statistics.median(ours):.2f} ms, the original "
        f"({baseline}) {statistics.median(theirs):.2f} ms: x{ratio:.2f}  "
        f"(<= {CPU_TARGET}: {verdict(met)})"
    )
    return met
