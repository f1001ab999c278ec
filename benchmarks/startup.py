"""Command start-up: process wall time of `hegui assess --format json`, `validate` and `transfer` against
`python -c pass` (median of 5 runs each, after one warm-up run that fills the rulebook cache and the
bytecode caches, as a user's second run finds them). CPU time (user + system) is printed beside it: on a
shared machine it moves less with the load than wall time does. Target: each command <= 0.30 s wall.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "assessments" / "examples" / "shenzhen-ecommerce"
TARGET = 0.30
RUNS = 5
# CPU seconds of the code before the start-up work (e87c640), measured interleaved with the new code on
# the same machine (2 shared cores; see docs/scaling.md): CPU, since wall time there followed the load
BEFORE_CPU = {"assess --format json": 1.48, "validate": 1.38, "transfer": 1.34}


def hegui(*args: str) -> list[str]:
    return [sys.executable, "-c", "from engine.cli import main; main()", *args]


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Median wall and CPU seconds of `RUNS` runs of `argv` (after one warm-up run)."""
    subprocess.run(argv, env=env, capture_output=True, check=False)
    walls, cpus = [], []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True, check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if done.returncode not in (0, 1):
            raise RuntimeError(f"{argv}: exit {done.returncode}: {done.stderr.decode()[-500:]}")
    return statistics.median(walls), statistics.median(cpus)


def run() -> None:
    # a user's installed hegui has its bytecode compiled; a developer shell may say not to write it
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory(prefix="hegui-startup-") as tmp:
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "assess --format json": hegui("assess", str(EXAMPLE), "--format", "json", "--out", tmp, "-q"),
            "validate": hegui("validate", str(EXAMPLE)),
            "transfer": hegui("transfer", "--non-sensitive", "150000", "--json"),
        }
        print(f"{'command':24} {'wall now (median of 5)':>23} {'target':>7} {'CPU now':>8} {'CPU before':>11}")
        for label, argv in commands.items():
            wall, cpu = timed(argv, env)
            target = f"{TARGET:.2f} s" if label in BEFORE_CPU else ""
            before = f"{BEFORE_CPU[label]:.2f} s" if label in BEFORE_CPU else ""
            print(f"{label:24} {wall:21.3f} s {target:>7} {cpu:6.3f} s {before:>11}", flush=True)
        print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    run()
