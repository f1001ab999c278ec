"""Command start-up (issue 14 §1): process wall and CPU time of `hegui assess --format json`, `validate`,
`transfer` and a usage error, against `python -c pass`, `python -c "import typer"` and the floor that typer
and pydantic (both fixed by the design card) set together: typer imported, one pydantic model built and
serialised. Median of `HEGUI_BENCH_RUNS` (default 7) interleaved runs each, after one warm-up run that
fills the rulebook cache and the bytecode caches, as a user's second run finds them.

On a shared machine wall time follows the load; CPU time (user + system of the child) moves less, and the
ratios to `python -c pass` and to `import typer`, measured in the same rounds, least.
Target: each hegui command <= 0.30 s wall.
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
RUNS = int(os.environ.get("HEGUI_BENCH_RUNS", "7"))
# CPU time as a multiple of `import typer` in the same rounds, of the code before issue 14 §1's start-up
# work (main at fd71634), measured interleaved with this code (7 runs, 2 shared cores at load 7.5-8.5)
BEFORE_VS_TYPER = {"assess --format json": 6.3, "validate": 6.6, "transfer": 5.8}
FLOOR = "import typer; from pydantic import BaseModel\nclass M(BaseModel):\n    x: int\nM(x=1).model_dump_json()"


def hegui(*args: str) -> list[str]:
    return [sys.executable, "-c", "from engine.cli import main; main()", *args]


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `argv`; exit codes 0-2 are the commands' own answers."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1, 2):
        raise RuntimeError(f"{argv}: exit {done.returncode}: {done.stderr.decode()[-500:]}")
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def run() -> None:
    # a user's installed hegui has its bytecode compiled; a developer shell may say not to write it
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory(prefix="hegui-startup-") as tmp:
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "import typer": [sys.executable, "-c", "import typer"],
            "typer + 1 pydantic model": [sys.executable, "-c", FLOOR],
            "assess --format json": hegui("assess", str(EXAMPLE), "--format", "json", "--out", tmp, "-q"),
            "validate": hegui("validate", str(EXAMPLE)),
            "transfer": hegui("transfer", "--non-sensitive", "150000", "--json"),
            "assess --bogus (usage)": hegui("assess", "--bogus"),
        }
        walls: dict[str, list[float]] = {label: [] for label in commands}
        cpus: dict[str, list[float]] = {label: [] for label in commands}
        for argv in commands.values():  # warm-up: caches filled
            measure(argv, env)
        for _ in range(RUNS):  # interleaved, so every command sees the same load
            for label, argv in commands.items():
                one_wall, one_cpu = measure(argv, env)
                walls[label].append(one_wall)
                cpus[label].append(one_cpu)
    wall = {label: statistics.median(v) for label, v in walls.items()}
    cpu = {label: statistics.median(v) for label, v in cpus.items()}
    base, typer_cpu = cpu["python -c pass"], cpu["import typer"]
    head = f"{'command':26} {'wall now':>9} {'target':>7} {'CPU now':>8} {'× pass':>7} {'× typer':>8}"
    print(f"{head} {'× typer before':>15}")
    for label in commands:
        target = f"{TARGET:.2f} s" if label in BEFORE_VS_TYPER else ""
        before = f"{BEFORE_VS_TYPER[label]:.1f}" if label in BEFORE_VS_TYPER else ""
        print(
            f"{label:26} {wall[label]:7.3f} s {target:>7} {cpu[label]:6.3f} s {cpu[label] / base:7.1f}"
            f" {cpu[label] / typer_cpu:8.1f} {before:>15}",
            flush=True,
        )
    print(f"median of {RUNS}; load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    run()
