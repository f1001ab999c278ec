"""Dask worker preload for tests/workflow/test_batch_dask.py: the worker process kills itself (SIGKILL, as
the OOM killer would) when given folder `dies-always`, and for folder `dies-once` the first time only (a
marker in $HEGUI_TEST_MARKERS remembers it). Every other folder is assessed by the real task."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from engine.workflow import batch

# the real task, kept on the module: a worker may load this preload again after it was applied
_assess = batch.__dict__.setdefault("real_assess_folder", batch.assess_folder)


def _first_time(name: str) -> bool:
    marker = Path(os.environ["HEGUI_TEST_MARKERS"]) / name
    try:
        marker.touch(exist_ok=False)
    except FileExistsError:
        return False
    return True


def assess_folder(task: batch.Task) -> batch.Outcome:
    name = task.folder.name
    if name == "dies-always" or (name == "dies-once" and _first_time(name)):
        os.kill(os.getpid(), signal.SIGKILL)
    return _assess(task)


batch.assess_folder = assess_folder
