"""`hegui batch` against outputs it did not write, concurrent batches, killed batches and OS errors.

Real processes throughout: batches run in-process (forked workers) or as `python -m engine.workflow`
subprocesses that are stopped, killed or given a file size limit (RLIMIT_FSIZE: writes past it fail with
EFBIG, as on a full disk).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from workflow_support import EXAMPLE, Run, edit

from engine.workflow.batch import STATE_FILE, STATE_VERSION, declared_id
from engine.yamlsafe import load
from tests.conftest import ROOT, assert_problem

IDENT = "shenzhen-ecommerce-2026"


def summary(out: Path) -> dict[str, dict[str, object]]:
    doc = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return {Path(str(r["folder"])).name: r for r in doc["assessments"]}


def clients(root: Path, n: int, source: Path = EXAMPLE) -> Path:
    """`n` copies of an example with ids client-0…, under root."""
    ident = "id: shenzhen-ecommerce-2026" if source == EXAMPLE else "id: offshore-saas-2026"
    for i in range(n):
        shutil.copytree(source, root / f"c{i:02d}")
        edit(root / f"c{i:02d}", ident, f"id: client-{i:02d}")
    return root


def start_batch(*args: str | Path, limit: int | None = None) -> subprocess.Popen[str]:
    """`hegui batch ARGS` in its own process, stderr (one line per finished folder) piped."""

    def file_size_limit() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    return subprocess.Popen(
        [sys.executable, "-m", "engine.workflow", "batch", *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=file_size_limit,
    )


def first_row(batch: subprocess.Popen[str]) -> str:
    """Wait until the batch reports its first finished folder (its workers are running by then)."""
    assert batch.stderr is not None
    for line in batch.stderr:
        if line.startswith("[1/"):
            return line
    raise AssertionError(f"the batch ended without a row: {batch.wait()}")


# --------------------------------------------------------------------------- item 2: outputs it did not write


def test_two_folders_with_one_id_run_alternately_never_take_each_others_output(hegui: Run, tmp_path: Path) -> None:
    x, y = tmp_path / "x", tmp_path / "y"
    shutil.copytree(EXAMPLE, x)
    shutil.copytree(EXAMPLE, y)
    edit(y, "  pi_classified: true", "  pi_classified: false")  # same id, other facts, other findings
    out = tmp_path / "out"

    def findings() -> bytes:
        return (out / IDENT / "findings.json").read_bytes()

    assert hegui("batch", x, "-o", out, "--fail-on", "none").exit_code == 0
    from_x = findings()
    assert hegui("batch", y, "-o", out, "--fail-on", "none").exit_code == 0
    from_y = findings()
    assert from_x != from_y
    assert hegui("batch", x, "-o", out, "--fail-on", "none").exit_code == 0
    assert summary(out)["x"]["status"] == "assessed"  # not "unchanged": what is in out/<id>/ is y's
    assert findings() == from_x
    assert hegui("batch", x, "-o", out, "--fail-on", "none").exit_code == 0
    assert summary(out)["x"]["status"] == "unchanged"


def test_an_output_changed_by_hand_is_written_again(hegui: Run, example: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert hegui("batch", example, "-o", out, "--fail-on", "none").exit_code == 0
    written = (out / IDENT / "findings.json").read_bytes()
    (out / IDENT / "findings.json").write_bytes(written.replace(b'"gap"', b'"met"'))
    assert hegui("batch", example, "-o", out, "--fail-on", "none").exit_code == 0
    assert summary(out)["shenzhen"]["status"] == "assessed"
    assert (out / IDENT / "findings.json").read_bytes() == written


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("assessment:\n  id: a-1\n", "a-1"),
        (
            "# c\nactivities:\n  - id: no\n    answers: {id: no}\nassessment:\n  title: {zh: 标题, en: t}\n"
            "  assessor: {name: x}\n  id: 'b-2'  # late\n",
            "b-2",
        ),
        ('{"assessment": {"as_of": [1, {id: no}], "id": "c-3"}}', "c-3"),
        ("id: no\nassessment: {title: t}\n", None),
        ("assessment: [id, no]\n", None),
        ("assessment:\n  ? [complex]\n  : 1\n  id: d\n", None),  # refused by the full load too
        ("assessment:\n  id: [\n", None),  # broken YAML
        ("- assessment: {id: no}\n", None),
    ],
)
def test_the_declared_id_is_the_one_a_full_load_finds(tmp_path: Path, text: str, expected: str | None) -> None:
    path = tmp_path / "assessment.yaml"
    path.write_text(text, encoding="utf-8")
    assert declared_id(path) == expected
    if expected is not None:
        assert load(path).data["assessment"]["id"] == expected
    assert declared_id(EXAMPLE / "assessment.yaml") == IDENT


# --------------------------------------------------------------------------- item 11: one batch per --out


@pytest.mark.timeout(300)
def test_a_second_batch_into_the_same_out_is_refused(hegui: Run, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = start_batch(clients(tmp_path / "in", 3), "-o", out, "--jobs", "1", "--fail-on", "none")
    try:
        first_row(first)
        first.send_signal(signal.SIGSTOP)  # it holds the lock, deterministically, until SIGCONT
        other = clients(tmp_path / "other", 1)
        result = hegui("batch", other, "-o", out, "--fail-on", "none")
        assert result.exit_code == 2, result.output
        assert_problem(result.stderr, str(out), "另一个批处理正在写入此输出文件夹", "another batch is writing into")
    finally:
        first.send_signal(signal.SIGCONT)
        first.communicate(timeout=240)
    assert first.returncode == 0
    entries = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))["entries"]
    assert sorted(entries) == ["client-00", "client-01", "client-02"]  # nothing lost, nothing of the other's
    assert hegui("batch", other, "-o", out, "--fail-on", "none").exit_code == 0  # free again afterwards


# --------------------------------------------------------------------------- item 10: no orphans


def process_tree(root: int) -> set[int]:
    """`root`'s descendants, from /proc."""
    children: defaultdict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            children[int(stat.rsplit(")", 1)[1].split()[1])].append(int(entry.name))
    found, todo = set(), [root]
    while todo:
        for child in children[todo.pop()]:
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture
def reap() -> Iterator[set[int]]:
    """Processes a test started: any still alive at its end are killed (by pid)."""
    pids: set[int] = set()
    yield pids
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the workers")
@pytest.mark.timeout(300)
@pytest.mark.parametrize("formats", ["json", "json,pdf"], ids=["forked", "forkserver"])
def test_a_killed_batch_leaves_no_worker_or_forkserver_behind(tmp_path: Path, formats: str, reap: set[int]) -> None:
    batch = start_batch(clients(tmp_path / "in", 12), "-o", tmp_path / "out", "--jobs", "2", "--format", formats)
    reap.add(batch.pid)
    first_row(batch)
    reap.update(process_tree(batch.pid))
    assert len(reap) >= 3, reap  # the batch and its two workers at least (forkserver: and the server)
    batch.kill()
    batch.wait()
    deadline = time.monotonic() + 60  # a bound for a loaded machine, not a speed requirement
    while any(alive(pid) for pid in reap) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [pid for pid in reap if alive(pid)] == []


# --------------------------------------------------------------------------- item 12: OS errors, damaged state


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (json.dumps({"version": STATE_VERSION, "entries": {"x": {"key": 1}}}), "entries.x.key"),
        (json.dumps({"version": STATE_VERSION, "entries": []}), "entries"),
        ("{not json", "Expecting property name"),
    ],
)
def test_a_damaged_state_file_is_exit_2_unless_forced(
    hegui: Run, example: Path, tmp_path: Path, text: str, where: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / STATE_FILE).write_text(text, encoding="utf-8")
    result = hegui("batch", example, "-o", out, "--fail-on", "none")
    assert result.exit_code == 2, result.output
    assert_problem(result.stderr, f"/{STATE_FILE}", "批处理状态文件已损坏", f"the batch state file is damaged ({where}")
    assert not (out / IDENT).exists()
    result = hegui("batch", example, "-o", out, "--fail-on", "none", "--force")
    assert result.exit_code == 0, result.output
    assert json.loads((out / STATE_FILE).read_text(encoding="utf-8"))["version"] == STATE_VERSION


def test_an_earlier_versions_state_means_assess_again(hegui: Run, example: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / STATE_FILE).write_text('{"version": 1, "entries": {"/gone": {}}}', encoding="utf-8")
    assert hegui("batch", example, "-o", out, "--fail-on", "none").exit_code == 0
    assert summary(out)["shenzhen"]["status"] == "assessed"


def test_out_at_a_file_or_under_a_file(hegui: Run, example: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "portfolio"
    blocker.write_text("mine\n", encoding="utf-8")
    result = hegui("batch", example, "-o", blocker)
    assert result.exit_code == 2, result.output
    assert_problem(result.stderr, "/portfolio", "此处已有同名文件", "a file is in the way")
    result = hegui("batch", example, "-o", blocker / "sub")
    assert result.exit_code == 2, result.output
    assert_problem(result.stderr, "/portfolio/sub", "路径中有一部分是文件", "part of the path is a file")
    assert blocker.read_text(encoding="utf-8") == "mine\n"


@pytest.mark.timeout(300)
def test_a_full_disk_fails_each_assessment_whole_and_still_writes_the_summary(tmp_path: Path) -> None:
    out = tmp_path / "out"
    batch = start_batch(
        clients(tmp_path / "in", 2), "-o", out, "--jobs", "1", "--format", "json,pdf", "--lang", "en", limit=700_000
    )
    stdout, stderr = batch.communicate(timeout=240)
    assert batch.returncode == 2, stderr
    assert "Traceback" not in stdout + stderr
    rows = summary(out)
    for name, ident in (("c00", "client-00"), ("c01", "client-01")):
        assert rows[name]["status"] == "invalid"
        assert_problem(
            str(rows[name]["error"]), rf"/{ident}/pipia\.pdf", "文件超过允许的大小", "cannot write: file too large"
        )
        assert not (out / ident / "findings.json").exists()  # not without its PDF
        assert [p.name for p in (out / ident).iterdir()] == []  # no staging folder left either
    assert "cannot write: file too large" in stdout
