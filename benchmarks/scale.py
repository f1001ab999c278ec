"""Portfolio scale: JSON-only `hegui batch --jobs 2` over many generated assessments, and the same task on
a Dask cluster on loopback with 1 and 2 workers (`python -m benchmarks scale`).

HEGUI_BENCH_COUNT sets how many assessments the local run assesses (default 2,000; the target is stated
for 10,000: a smaller run prints the projection to 10,000, labelled as such); HEGUI_BENCH_DASK_COUNT how
many go through the cluster (default 300). Printed: throughput and time per assessment; for Dask the
per-task overhead (cluster time per task with one worker, less a local single-process run's), the
throughput at 1 and 2 workers, the batch process's CPU per task (reading inputs, sending, writing
outputs: what bounds a cluster of any size), and the projected throughput per added worker.
Target: 10,000 JSON assessments with --jobs 2 in <= 60 s.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks._cluster import dask_cluster
from benchmarks.batch import generate
from engine.workflow.batch import Options, run_batch
from engine.workflow.dask_runner import on_cluster

TARGET_COUNT, TARGET_SECONDS = 10_000, 60.0


def timed(folders: list[Path], out: Path, *, jobs: int = 2, scheduler: str | None = None) -> tuple[float, float]:
    """Wall seconds and this (batch) process's CPU seconds for one forced run; every row must be assessed."""
    shutil.rmtree(out, ignore_errors=True)
    start, cpu = time.perf_counter(), time.process_time()
    remote = on_cluster(scheduler) if scheduler is not None else None
    result = run_batch(folders, out, Options(), jobs=jobs, force=True, on_done=lambda row: None, remote=remote)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    bad = [r for r in result.rows if r.status != "assessed"]
    assert not bad, bad[0].error
    return seconds, cpu


def run() -> None:
    count = int(os.environ.get("HEGUI_BENCH_COUNT", "2000"))
    dask_count = int(os.environ.get("HEGUI_BENCH_DASK_COUNT", "300"))
    with tempfile.TemporaryDirectory(prefix="hegui-scale-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        folders = generate(root / "in", max(count, dask_count))
        print(f"generated {len(folders)} assessments in {time.perf_counter() - started:.0f} s", flush=True)

        seconds, _ = timed(folders[:count], root / "local2", jobs=2)
        rate = count / seconds
        label = "measured" if count == TARGET_COUNT else f"PROJECTED from {count:,} at the measured rate"
        each = 1000 / rate
        print(f"local --jobs 2: {count:,} JSON assessments in {seconds:.1f} s = {rate:.1f}/s ({each:.1f} ms each)")
        projected = TARGET_COUNT / rate
        print(f"10,000 JSON assessments, --jobs 2 ({label}): {projected:.0f} s; target <= {TARGET_SECONDS:.0f} s")

        sample = folders[:dask_count]
        local1, _ = timed(sample, root / "local1", jobs=1)
        print(f"local --jobs 1: {dask_count} in {local1:.1f} s = {dask_count / local1:.1f}/s", flush=True)
        env = {k: v for k, v in os.environ.items() if k != "HEGUI_NO_CACHE"}
        rates = {}
        for workers in (1, 2):
            with dask_cluster(workers, env, root / f"logs{workers}") as address:
                timed(sample[: 2 * workers], root / "warm", scheduler=address)  # every worker builds its engine
                seconds, client_cpu = timed(sample, root / f"dask{workers}", scheduler=address)
            rates[workers] = dask_count / seconds
            print(
                f"dask, {workers} worker(s): {dask_count} in {seconds:.1f} s = {rates[workers]:.1f}/s; "
                f"batch process CPU {1000 * client_cpu / dask_count:.1f} ms per task",
                flush=True,
            )
            if workers == 1:
                overhead = (seconds - local1) / dask_count
                print(
                    f"dask per-task overhead (1 worker vs local --jobs 1): {1000 * overhead:.1f} ms"
                    + (" (below this run's noise: the local run was slower)" if overhead < 0 else "")
                )
                ceiling = dask_count / client_cpu
        per_worker = rates[1]
        print(f"scaling 1 -> 2 workers: {rates[2] / rates[1]:.2f}x (2 cores shared by client, scheduler and workers)")
        print(
            f"projection (each worker on its own core): ~{per_worker:.1f}/s per added worker, "
            f"until the batch process's ceiling of ~{ceiling:.0f}/s "
            f"(~{int(ceiling // per_worker)} workers)"
        )


if __name__ == "__main__":
    run()
