"""`hegui batch --scheduler`: a real Dask cluster on loopback (a `dask scheduler` and two `dask worker`
processes on free ports, stopped by pid), against a local run of the same folders.

Workers get tests/workflow/dask_kills.py as a preload: a worker given folder `dies-once` kills itself the
first time (its task must be retried on another worker), one given `dies-always` every time (its folder
must be reported failed after two dead workers, the others assessed). Each worker runs under a nanny,
which starts a new worker process after a kill, as in a real deployment.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from workflow_support import EXAMPLE, edit

from benchmarks._cluster import dask_cluster, free_port

PRELOAD = Path(__file__).with_name("dask_kills.py")


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[str]:
    """tcp://127.0.0.1:PORT of a scheduler with two single-thread workers; every process stopped by pid."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEGUI_")}
    env |= {"HEGUI_TEST_MARKERS": str(tmp_path), "HEGUI_CACHE_DIR": str(tmp_path / "cache")}
    with dask_cluster(2, env, tmp_path / "logs", preload=PRELOAD) as address:
        yield address


def clients(root: Path, *names: str) -> Path:
    for name in names:
        shutil.copytree(EXAMPLE, root / name)
        edit(root / name, "id: shenzhen-ecommerce-2026", f"id: client-{name}")
    return root


def batch(*args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "HEGUI_NO_CACHE"} | env
    argv = [sys.executable, "-m", "engine.workflow", "batch", *map(str, args), "--reproducible", "--fail-on", "none"]
    return subprocess.run(argv, capture_output=True, text=True, env=environ, timeout=600)


def tree(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def statuses(out: Path) -> dict[str, str]:
    doc = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return {Path(r["folder"]).name: r["status"] for r in doc["assessments"]}


@pytest.mark.timeout(600)
def test_a_cluster_run_writes_what_a_local_run_writes_though_a_worker_dies(cluster: str, tmp_path: Path) -> None:
    root = clients(tmp_path / "in", "a", "b", "dies-once", "d", "e")
    (root / "broken").mkdir()
    (root / "broken" / "assessment.yaml").write_text("assessment: [unclosed\n", encoding="utf-8")
    local = batch(root, "--out", tmp_path / "local", "--jobs", "2", "--format", "json,csv")
    remote = batch(root, "--out", tmp_path / "remote", "--scheduler", cluster, "--format", "json,csv")
    assert (local.returncode, remote.returncode) == (2, 2), remote.stderr  # the broken folder, in both
    assert (tmp_path / "dies-once").exists()  # a worker did die with that folder's task in flight
    assert statuses(tmp_path / "remote") == {
        **dict.fromkeys(["a", "b", "dies-once", "d", "e"], "assessed"),
        "broken": "invalid",
    }
    mine, theirs = tree(tmp_path / "local"), tree(tmp_path / "remote")
    assert sorted(mine) == sorted(theirs)
    xlsx = "summary.xlsx"  # a workbook records when it was saved: compare its cells
    assert {k: v for k, v in mine.items() if k != xlsx} == {k: v for k, v in theirs.items() if k != xlsx}
    cells = [
        [[c.value for c in row] for row in load_workbook(out / xlsx).active.iter_rows()]
        for out in (tmp_path / "local", tmp_path / "remote")
    ]
    assert cells[0] == cells[1]
    again = batch(root, "--out", tmp_path / "remote", "--scheduler", cluster, "--format", "json,csv")  # incremental
    assert "已评估 0，未变化 5" in again.stdout


@pytest.mark.timeout(600)
def test_a_folder_that_kills_two_workers_fails_and_the_others_are_assessed(cluster: str, tmp_path: Path) -> None:
    root = clients(tmp_path / "in", "a", "dies-always", "c")
    result = batch(root, "--out", tmp_path / "out", "--scheduler", cluster)
    assert result.returncode == 3, result.stderr  # hegui's failure, not the input's
    assert statuses(tmp_path / "out") == {"a": "assessed", "dies-always": "failed", "c": "assessed"}
    row = next(
        r for r in json.loads((tmp_path / "out" / "summary.json").read_text())["assessments"] if r["status"] == "failed"
    )
    assert "2 Dask workers died" in row["error"] and "tcp://127.0.0.1:" in row["error"]
    assert not (tmp_path / "out" / "client-dies-always").exists()


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    root = clients(tmp_path / "in", "a")
    address = f"tcp://127.0.0.1:{free_port()}"
    result = batch(
        root, "--out", tmp_path / "out", "--scheduler", address, DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT="2s"
    )
    assert result.returncode == 2, result.stderr
    assert f"无法连接 Dask 调度器 {address}" in result.stderr and "Traceback" not in result.stderr
