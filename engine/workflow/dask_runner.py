"""`hegui batch --scheduler tcp://HOST:8786`: the per-assessment task of a local batch, on a Dask cluster.

The batch process reads each folder's input files (engine.inputs.read_inputs, with every check a local run
makes) and sends their bytes with the task; a worker validates, assesses and renders in memory
(engine.workflow.batch.assess_folder, as a local worker does) and returns the files as bytes; the batch
process writes them exactly as for a local run (all or none, state, summaries, progress). Workers need
only the installed package, no shared filesystem. At most IN_FLIGHT tasks per worker thread are submitted
at a time, so a large portfolio's inputs are never all held by the scheduler.

A worker that dies mid-task has its task given to another worker by the scheduler; a task in flight on
two workers that died is reported failed (hegui sets the scheduler's allowed-failures to 1; Dask's
default would let one folder kill four). Each worker process keeps one engine and runs one assessment at
a time: durable-rules is never shared between threads, however many threads a worker has.
"""

from __future__ import annotations

import threading
import traceback
import uuid
from collections import deque
from collections.abc import Generator
from dataclasses import replace
from functools import partial
from typing import Any

from engine.errors import InputError
from engine.i18n import both
from engine.inputs import read_inputs
from engine.workflow import batch
from engine.workflow.batch import Outcome, Row, Task

IN_FLIGHT = 4  # tasks submitted per worker thread: enough to keep every worker busy between round trips
ALLOWED_FAILURES = 1  # a task survives one dead worker; the second one fails it

_engine = threading.Lock()


def remote_assess(task: Task) -> Outcome:
    """A task as a worker runs it: the local batch's task, one at a time per worker process."""
    with _engine:
        return batch.assess_folder(task)  # looked up at call time: the module's own, or a test's stand-in


def on_cluster(address: str) -> batch.Remote:
    """The batch's tasks on the Dask cluster whose scheduler is at `address` (run_batch's `remote`)."""
    return partial(dask_outcomes, address=address)


def dask_outcomes(tasks: list[Task], address: str) -> Generator[Outcome, None, None]:
    """Outcomes as they finish on the cluster at `address`, in any order; a folder whose files cannot be
    read here is invalid without leaving this process."""
    try:
        from distributed import Client, as_completed
        from distributed.scheduler import KilledWorker
    except ImportError:
        raise InputError.one("--scheduler", both("batch.no_dask")) from None
    try:
        client = Client(address, set_as_default=False)  # waits distributed.comm.timeouts.connect (Dask config)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise InputError.one("--scheduler", both("batch.no_scheduler", address=address, why=exc)) from None
    with client:

        def allow_failures(dask_scheduler: Any) -> None:  # nested: sent by value, nothing to import there
            dask_scheduler.allowed_failures = ALLOWED_FAILURES

        client.run_on_scheduler(allow_failures)
        window = IN_FLIGHT * max(1, sum(client.nthreads().values()))
        untried = deque(tasks)
        running: dict[Any, Task] = {}
        finished = as_completed(loop=client.loop)
        try:
            while untried or running:
                while untried and len(running) < window:
                    task = untried.popleft()
                    try:
                        sent = replace(task, inputs=read_inputs(task.folder))
                    except InputError as exc:
                        yield Outcome(Row(str(task.folder), task.folder.name, status="invalid", error=str(exc)))
                        continue
                    key = f"hegui-assess-{task.folder.name}-{uuid.uuid4().hex}"
                    future = client.submit(remote_assess, sent, key=key, pure=False)
                    running[future] = task
                    finished.add(future)
                if not running:
                    continue
                future = next(finished)
                task = running.pop(future)
                try:
                    yield future.result()
                except KilledWorker as exc:
                    yield killed(task, exc.allowed_failures + 1, exc.last_worker.address)
                except Exception:  # raised outside assess_folder (which records its own): e.g. no hegui there
                    row = Row(str(task.folder), task.folder.name, status="failed", error=traceback.format_exc())
                    yield Outcome(row)
        finally:
            client.cancel(list(running))


def killed(task: Task, workers: int, last: str) -> Outcome:
    """The failed row of a task that every worker it ran on died with."""
    error = both("batch.killed_workers", n=workers, worker=last)
    return Outcome(Row(str(task.folder), task.folder.name, status="failed", error=error))
