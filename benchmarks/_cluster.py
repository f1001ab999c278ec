"""A real Dask cluster on loopback for tests and benchmarks: a `dask scheduler` and `dask worker`
processes (single-threaded, each under its nanny) on a free port, stopped by pid however the block ends."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

DASK = Path(sys.executable).parent / "dask"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def dask_cluster(workers: int, env: Mapping[str, str], logs: Path, preload: Path | None = None) -> Iterator[str]:
    """The scheduler's address (tcp://127.0.0.1:PORT) once every worker has registered; each process
    logs to logs/<name>.log."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs.mkdir(parents=True, exist_ok=True)
    procs: list[subprocess.Popen[bytes]] = []

    def start(name: str, *args: str) -> None:
        with (logs / f"{name}.log").open("wb") as log:
            procs.append(subprocess.Popen([str(DASK), *args], env=dict(env), stdout=log, stderr=log))

    try:
        start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")
        extra = ["--preload", str(preload)] if preload else []
        names = [f"worker{i}" for i in range(1, workers + 1)]
        for name in names:
            start(name, "worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--no-dashboard", *extra)
        deadline = time.monotonic() + 120
        while not all("Registered to" in (logs / f"{n}.log").read_text(errors="replace") for n in names):
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise RuntimeError(f"the Dask cluster did not start; see {logs}")
            time.sleep(0.2)
        yield address
    finally:
        for proc in reversed(procs):  # workers first (a nanny ends its worker process), then the scheduler
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
