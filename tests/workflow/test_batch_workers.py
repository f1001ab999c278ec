"""`hegui batch` when a worker process dies (a segfault in durable-rules, the OOM killer, os._exit).

Real worker processes: the test replaces engine.workflow.batch.assess_folder in this process, and the
workers of a JSON-only run are forked from it, so they kill themselves for folder b only. The batch must
finish, record b as failed, assess every other folder and leave no process behind.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from collections.abc import Callable
from multiprocessing import active_children
from pathlib import Path

import pytest
from workflow_support import EXAMPLE, Run, edit

from engine.workflow import batch

ASSESS = batch.assess_folder  # the real one, which the replacements below call for every other folder


def killed_on_b(task: batch.Task) -> batch.Outcome:
    """SIGKILL for folder b, as the OOM killer would."""
    if task.folder.name == "b":
        os.kill(os.getpid(), signal.SIGKILL)
    return ASSESS(task)


def exits_on_b(task: batch.Task) -> batch.Outcome:
    """An exit without cleanup for folder b, as a C library's abort path would."""
    if task.folder.name == "b":
        os._exit(3)
    return ASSESS(task)


def killed_once_on_b(task: batch.Task) -> batch.Outcome:
    """SIGKILL for folder b the first time only (a marker next to the inputs remembers it)."""
    marker = task.folder.parent.parent / "b-was-killed"
    if task.folder.name == "b" and not marker.exists():
        marker.touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return ASSESS(task)


@pytest.fixture
def clients(tmp_path: Path) -> Path:
    """Four valid assessments a-d (ids client-a…client-d)."""
    root = tmp_path / "in" / "clients"
    for name in "abcd":
        shutil.copytree(EXAMPLE, root / name)
        edit(root / name, "id: shenzhen-ecommerce-2026", f"id: client-{name}")
    return root


def pids() -> set[int | None]:
    return {p.pid for p in active_children()}


def statuses(out: Path) -> dict[str, tuple[str, str]]:
    doc = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return {Path(r["folder"]).name: (r["status"], r["error"]) for r in doc["assessments"]}


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("die", "status"), [(killed_on_b, "SIGKILL"), (exits_on_b, "3")])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_folder_that_kills_its_worker_fails_alone_and_the_batch_finishes(
    hegui: Run,
    clients: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    die: Callable[[batch.Task], batch.Outcome],
    status: str,
    jobs: str,
) -> None:
    before = pids()
    monkeypatch.setattr(batch, "assess_folder", die)
    out = tmp_path / "out"
    result = hegui("batch", clients, "-o", out, "--jobs", jobs, "--fail-on", "none")
    assert result.exit_code == 3, result.output  # a failed assessment, as for an internal error
    rows = statuses(out)
    assert {k: s for k, (s, _) in rows.items()} == {"a": "assessed", "b": "failed", "c": "assessed", "d": "assessed"}
    assert rows["b"][1] == (
        f"评估此文件夹时工作进程意外终止（退出状态 {status}），例如规则引擎崩溃或内存耗尽 / "
        f"the worker process died while assessing this folder (exit status {status}), "
        "e.g. a crash in the rules engine or out of memory"
    )
    for name in "acd":
        findings = json.loads((out / f"client-{name}" / "findings.json").read_text(encoding="utf-8"))
        assert findings["assessment"]["id"] == f"client-{name}"
    assert not (out / "client-b").exists()
    assert str(clients / "b") in result.stdout and "the worker process died" in result.stdout
    assert pids() <= before  # every worker of every pool was joined


@pytest.mark.timeout(120)
def test_a_worker_killed_once_costs_nothing_but_a_retry(
    hegui: Run, clients: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "assess_folder", killed_once_on_b)
    out = tmp_path / "out"
    result = hegui("batch", clients, "-o", out, "--jobs", "2", "--fail-on", "none")
    assert (tmp_path / "in" / "b-was-killed").exists()
    assert result.exit_code == 0, result.output
    assert {s for s, _ in statuses(out).values()} == {"assessed"}


@pytest.mark.timeout(120)
def test_workers_stop_when_the_caller_does(clients: Path, tmp_path: Path) -> None:
    """An interrupt (Ctrl-C) while the batch runs: the pool is shut down, the state of what finished kept."""
    before = pids()
    folders = sorted(clients.iterdir())

    def interrupt(row: batch.Row) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        batch.run_batch(folders, tmp_path / "out", batch.Options(), jobs=2, force=True, on_done=interrupt)
    assert pids() <= before
    assert len(batch.State.load(tmp_path / "out").entries) == 1

