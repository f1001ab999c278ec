"""Outputs that cannot be written (a full disk, a file in the way, no permission): exit 2 with a bilingual
message naming the file, and never half a set of outputs. A full disk is simulated portably with
RLIMIT_FSIZE in a real subprocess (writes past the limit fail with EFBIG; SIGXFSZ is ignored)."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, assert_problem, run_cli

EXAMPLE = EXAMPLES / "shenzhen-ecommerce"
# findings.json of the example is ~460 kB and its pipia.pdf ~1.1 MB: a disk that holds one but not the other
LIMIT = 700_000


def file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:  # in the child, before exec: inherited by the batch workers too
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    return apply


def hegui_limited(*args: str | Path, limit: int = LIMIT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engine.workflow", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        preexec_fn=file_size_limit(limit),
        timeout=300,
        check=False,
    )


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.startswith("."))


@pytest.mark.timeout(300)
def test_a_full_disk_leaves_no_findings_without_their_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = hegui_limited("assess", EXAMPLE, "--out", out, "--format", "json,pdf", "-q", "--fail-on", "none")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert_problem(result.stderr, r"/out/pipia\.pdf", "无法写入：文件超过允许的大小", "cannot write: file too large")
    assert not (out / "findings.json").exists()  # not without its PDF
    assert leftovers(out) == []  # the staging folder is gone too


def test_the_same_run_with_room_writes_the_whole_set(tmp_path: Path) -> None:
    """The control: the limit is what made the difference (the findings alone fit under it)."""
    out = tmp_path / "out"
    result = hegui_limited("assess", EXAMPLE, "--out", out, "-q", "--fail-on", "none")
    assert result.returncode == 0, result.stderr
    assert 0 < (out / "findings.json").stat().st_size < LIMIT
    assert leftovers(out) == []


def test_out_at_a_file_or_under_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "report.txt"
    blocker.write_text("mine\n", encoding="utf-8")
    result = run_cli("assess", str(EXAMPLE), "--out", str(blocker), "-q")
    assert result.exit_code == 2
    assert_problem(result.stderr, "/report.txt", "此处已有同名文件，而需要的是文件夹", "a file is in the way")
    result = run_cli("assess", str(EXAMPLE), "--out", str(blocker / "sub"), "-q")
    assert result.exit_code == 2
    assert_problem(result.stderr, "/report.txt/sub", "路径中有一部分是文件", "part of the path is a file")
    assert blocker.read_text(encoding="utf-8") == "mine\n"


def test_a_folder_where_a_report_goes_stops_the_set_before_any_file_is_renamed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "checklist.csv").mkdir(parents=True)
    result = run_cli("assess", str(EXAMPLE), "--out", str(out), "--format", "json,csv", "-q")
    assert result.exit_code == 2
    assert_problem(result.stderr, r"/out/checklist\.csv", "此处已有同名文件夹", "a folder is in the way")
    assert sorted(p.name for p in out.iterdir()) == ["checklist.csv"]  # no findings.json without its checklist


def test_an_unwritable_out(tmp_path: Path) -> None:
    if os.geteuid() == 0:  # permissions do not stop root; a pseudo file system does
        target = Path("/sys/hegui-out")
        if not Path("/sys/kernel").is_dir():
            pytest.skip("running as root without /sys: no folder root cannot write")
        zh, en = "不允许此操作", "operation not permitted"
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        target = locked / "out"
        zh, en = "没有写入权限", "permission denied"
    result = run_cli("assess", str(EXAMPLE), "--out", str(target), "-q")
    assert result.exit_code == 2
    assert_problem(result.stderr, str(target), f"无法写入：{zh}", f"cannot write: {en}")
    assert not target.exists()
