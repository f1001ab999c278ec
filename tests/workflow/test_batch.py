"""`hegui batch`: process pool, errors recorded per folder, exit codes, incremental runs, summaries."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pexpect
import pytest
from openpyxl import load_workbook
from workflow_support import EXAMPLE, Run, edit

from engine.render.formats import RENDERERS, RenderJob
from tests.conftest import assert_problem


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    """Two valid assessments (different ids) and one with broken YAML."""
    root = tmp_path / "clients"
    shutil.copytree(EXAMPLE, root / "a")
    shutil.copytree(EXAMPLE, root / "nested" / "b")
    edit(root / "nested" / "b", "id: shenzhen-ecommerce-2026", "id: second-client")
    (root / "broken").mkdir()
    (root / "broken" / "assessment.yaml").write_text("assessment: [\n", encoding="utf-8")
    return root


def summary(out: Path) -> dict[str, dict[str, object]]:
    doc = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return {Path(str(r["folder"])).name: r for r in doc["assessments"]}


def test_one_bad_folder_never_stops_the_others(hegui: Run, portfolio: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = hegui("batch", portfolio, "--out", out, "--jobs", "2")
    assert result.exit_code == 2, result.output
    rows = summary(out)
    assert {k: r["status"] for k, r in rows.items()} == {"a": "assessed", "b": "assessed", "broken": "invalid"}
    assert_problem(str(rows["broken"]["error"]), r"broken/assessment\.yaml:2:1", "不是有效的 YAML：", "invalid YAML: ")
    for ident in ("shenzhen-ecommerce-2026", "second-client"):
        doc = json.loads((out / ident / "findings.json").read_text(encoding="utf-8"))
        assert doc["assessment"]["id"] == ident
    assert rows["a"]["pipia_required"] is True
    assert rows["a"]["transfer_mechanisms"] == {"hk-parent-crm": "standard_contract_or_certification"}
    gaps = rows["a"]["gaps"]
    assert isinstance(gaps, dict) and gaps == rows["b"]["gaps"] and sum(gaps.values()) > 0
    # not a terminal: one plain line per folder on stderr, counted, without colour codes
    lines = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert sorted(line[:5] for line in lines) == ["[1/3]", "[2/3]", "[3/3]"]
    assert "\x1b[" not in result.stderr
    assert "broken" in result.stdout


def test_summary_csv_and_xlsx_hold_one_row_per_assessment(hegui: Run, portfolio: Path, tmp_path: Path) -> None:
    edit(portfolio / "nested" / "b", "    zh: 深圳市鹏城优选电子商务有限公司\n", "    zh: =1+1\n")  # a formula
    out = tmp_path / "out"
    hegui("batch", portfolio, "--out", out, "--lang", "en", "--report-lang", "zh")
    with (out / "summary.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["status"] for r in rows] == ["assessed", "invalid", "assessed"]  # sorted by folder
    assert rows[0]["id"] == "shenzhen-ecommerce-2026" and rows[0]["as_of"] == "2026-11-20"
    assert rows[0]["organisation"] == "深圳市鹏城优选电子商务有限公司"
    assert rows[0]["title"] == "鹏城优选电商平台个人信息保护影响评估（2026年度）"
    assert rows[2]["organisation"] == "'=1+1"  # user text never runs as a formula
    assert rows[0]["pipia_required"] == "true"
    assert [rows[1][k] for k in ("organisation", "gaps_critical", "gaps_low", "unknown", "waived")] == [""] * 5

    sheet = load_workbook(out / "summary.xlsx").active
    header, *values = [
        dict(zip(next(sheet.iter_rows(values_only=True)), v, strict=True)) for v in sheet.iter_rows(values_only=True)
    ]
    assert list(header)[:3] == ["评估编号 / Assessment id", "组织 / Organisation", "标题 / Title"]
    assert [v["评估编号 / Assessment id"] for v in values] == [r["id"] for r in rows]
    assert [v["严重差距 / critical gaps"] for v in values] == [
        int(rows[0]["gaps_critical"]),
        None,
        int(rows[2]["gaps_critical"]),
    ]
    assert values[0]["须开展影响评估 / PIPIA required"] is True  # a boolean cell, not the text "True"
    assert values[0]["组织 / Organisation"] == rows[0]["organisation"]
    assert values[2]["组织 / Organisation"] == "'=1+1"
    assert sheet.cell(4, 2).data_type == "s"
    assert [values[1][h] for h in ("待确认 / Unknown", "已豁免 / Waived", "低差距 / low gaps")] == [None] * 3

    doc = summary(out)
    assert doc["a"]["pipia_required"] is True and doc["a"]["organisation"] == rows[0]["organisation"]
    hegui("batch", portfolio / "a", "--out", out, "--report-lang", "bilingual")
    assert (
        summary(out)["a"]["organisation"]
        == "深圳市鹏城优选电子商务有限公司 / Shenzhen Pengcheng Select E-commerce Co., Ltd."
    )
    assert doc["broken"]["gaps"] == {} and doc["broken"]["unknown"] is None and doc["broken"]["waived"] is None


def test_unchanged_assessments_are_skipped_until_inputs_options_or_force_change(
    hegui: Run, portfolio: Path, tmp_path: Path
) -> None:
    shutil.rmtree(portfolio / "broken")
    out = tmp_path / "out"
    assert hegui("batch", portfolio, "-o", out, "--fail-on", "none").exit_code == 0
    first = (out / "second-client" / "findings.json").stat().st_mtime_ns

    again = hegui("batch", portfolio, "-o", out, "--fail-on", "none")
    assert again.exit_code == 0
    assert {r["status"] for r in summary(out).values()} == {"unchanged"}
    assert (out / "second-client" / "findings.json").stat().st_mtime_ns == first
    assert summary(out)["a"]["gaps"] == json.loads((out / "summary.json").read_text())["assessments"][0]["gaps"]

    edit(portfolio / "a", "  pi_classified: true", "  pi_classified: false")
    hegui("batch", portfolio, "-o", out, "--fail-on", "none")
    assert {k: r["status"] for k, r in summary(out).items()} == {"a": "assessed", "b": "unchanged"}

    hegui("batch", portfolio, "-o", out, "--fail-on", "none", "--as-of", "2026-12-01")  # options are part of the key
    assert {r["status"] for r in summary(out).values()} == {"assessed"}

    (out / "second-client" / "findings.json").unlink()  # a missing output is redone
    hegui("batch", portfolio, "-o", out, "--fail-on", "none", "--as-of", "2026-12-01")
    assert {k: r["status"] for k, r in summary(out).items()} == {"a": "unchanged", "b": "assessed"}

    hegui("batch", portfolio, "-o", out, "--fail-on", "none", "--as-of", "2026-12-01", "--force")
    assert {r["status"] for r in summary(out).values()} == {"assessed"}


def test_exit_code_follows_fail_on_for_skipped_assessments_too(hegui: Run, portfolio: Path, tmp_path: Path) -> None:
    shutil.rmtree(portfolio / "broken")
    out = tmp_path / "out"
    assert hegui("batch", portfolio, "-o", out, "--fail-on", "critical").exit_code == 1
    assert hegui("batch", portfolio, "-o", out, "--fail-on", "critical").exit_code == 1  # both unchanged now
    assert hegui("batch", portfolio, "-o", out, "--fail-on", "none").exit_code == 0


def test_two_folders_with_one_id_do_not_share_an_output(hegui: Run, tmp_path: Path) -> None:
    for name in ("x", "y"):
        shutil.copytree(EXAMPLE, tmp_path / "in" / name)
    result = hegui("batch", tmp_path / "in", "-o", tmp_path / "out", "--fail-on", "none")
    assert result.exit_code == 2
    rows = summary(tmp_path / "out")
    assert {k: r["status"] for k, r in rows.items()} == {"x": "invalid", "y": "invalid"}  # both, in any order
    assert str(tmp_path / "in" / "y") in str(rows["x"]["error"])  # each names the other
    assert str(tmp_path / "in" / "x") in str(rows["y"]["error"])
    assert "shenzhen-ecommerce-2026" in result.stdout and "ids must be unique" in result.stdout
    assert not (tmp_path / "out" / "shenzhen-ecommerce-2026").exists()


def test_bad_options_and_paths_fail_before_anything_is_written(hegui: Run, portfolio: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = hegui("batch", portfolio, "-o", out, "--format", "json,nope")
    assert result.exit_code == 2 and "unknown format nope" in result.stderr
    result = hegui("batch", tmp_path / "missing", "-o", out)
    assert result.exit_code == 2
    assert_problem(result.stderr, "/missing", "文件或文件夹不存在", "no such file or folder")
    empty = tmp_path / "empty"
    empty.mkdir()
    result = hegui("batch", empty, "-o", out)
    assert result.exit_code == 2
    assert_problem(result.stderr, "/empty", "此处没有评估文件夹", "no assessment folder (with assessment.yaml) here")
    assert not out.exists()


@pytest.mark.parametrize("no_color", [False, True])
def test_a_terminal_gets_a_progress_bar_coloured_unless_no_color(
    portfolio: Path, tmp_path: Path, no_color: bool
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | ({"NO_COLOR": "1"} if no_color else {})
    args = ["-m", "engine.workflow", "batch", str(portfolio), "-o", str(tmp_path / "o"), "--lang", "en"]
    child = pexpect.spawn(sys.executable, args, env=env, encoding="utf-8", timeout=120, dimensions=(40, 160))
    child.expect(pexpect.EOF)
    child.close()
    screen = child.before
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen)
    assert child.exitstatus == 2
    assert re.search(r"Assessing ━+ 3/3 \d:\d\d:\d\d \d:\d\d:\d\d", text)  # bar, counts, elapsed, ETA
    assert "invalid input broken" in text  # a folder that needs attention is printed above the bar
    assert bool(re.search(r"\x1b\[[0-9;]*(3[0-7]|9[0-7]|38;[0-9;]+)m", screen)) is not no_color


def test_an_internal_error_in_one_assessment_is_recorded_and_exits_3(
    hegui: Run, portfolio: Path, tmp_path: Path
) -> None:
    shutil.rmtree(portfolio / "broken")

    def boom(job: RenderJob) -> dict[str, bytes]:  # an output format that fails for one client only
        if job.doc.assessment.id == "second-client":
            raise RuntimeError("renderer exploded")
        return {"boom.txt": b"ok"}

    RENDERERS["boom"] = boom  # workers are forked from this process, so they see it
    try:
        result = hegui("batch", portfolio, "-o", tmp_path / "o", "--format", "json,boom", "--fail-on", "none")
    finally:
        del RENDERERS["boom"]
    assert result.exit_code == 3
    rows = summary(tmp_path / "o")
    assert (rows["a"]["status"], rows["b"]["status"]) == ("assessed", "failed")
    assert "Traceback" in str(rows["b"]["error"]) and "RuntimeError: renderer exploded" in str(rows["b"]["error"])
    assert (tmp_path / "o" / "shenzhen-ecommerce-2026" / "boom.txt").read_bytes() == b"ok"
    assert not (tmp_path / "o" / "second-client").exists()


def test_pdf_workers_are_replaced_and_still_render(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With PDFs, workers come from a forkserver and are replaced after PDF_TASKS_PER_WORKER assessments
    (here 2): every assessment still renders a readable PDF. One worker for three folders: with every task
    queued at once, ProcessPoolExecutor would never replace it and the batch would hang (CPython gh-115634)."""
    from pypdf import PdfReader

    from engine.workflow import batch

    monkeypatch.setattr(batch, "PDF_TASKS_PER_WORKER", 2)
    source = EXAMPLE.parent / "offshore-saas"
    folders = []
    for i in range(3):
        shutil.copytree(source, tmp_path / "in" / f"c{i}")
        folders.append(tmp_path / "in" / f"c{i}")
        edit(folders[-1], "id: offshore-saas-2026", f"id: client-{i}")
    result = batch.run_batch(
        folders, tmp_path / "out", batch.Options(formats=("json", "pdf")), jobs=1, force=True, on_done=lambda row: None
    )
    assert [r.status for r in result.rows] == ["assessed"] * 3, [r.error for r in result.rows]
    for i in range(3):
        reader = PdfReader(tmp_path / "out" / f"client-{i}" / "pipia.pdf")
        assert len(reader.pages) > 10
        # the PDF/A-3 attachment (the checklist's: the PIPIA's filing edition carries none): this client's findings
        (attached,) = PdfReader(tmp_path / "out" / f"client-{i}" / "checklist.pdf").attachments["findings.json"]
        assert json.loads(attached)["assessment"]["id"] == f"client-{i}"


def test_edition_is_rendered_and_part_of_the_incremental_key(hegui: Run, tmp_path: Path) -> None:
    """`--edition working` renders the advisor's working paper (it carries findings.json, the filing edition
    does not); the same batch again is unchanged, and the other edition is another output, assessed again."""
    from pypdf import PdfReader

    shutil.copytree(EXAMPLE.parent / "offshore-saas", tmp_path / "in" / "c")
    out = tmp_path / "out"

    def run(*options: str) -> tuple[str, dict[str, list[bytes]]]:
        result = hegui("batch", tmp_path / "in", "-o", out, "-f", "pdf", "--fail-on", "none", *options)
        assert result.exit_code == 0, result.output
        (row,) = summary(out).values()
        return str(row["status"]), PdfReader(out / str(row["id"]) / "pipia.pdf").attachments

    status, attachments = run("--edition", "working")
    assert status == "assessed" and "findings.json" in attachments
    assert run("--edition", "working")[0] == "unchanged"
    status, attachments = run()  # the default is the filing edition, as for `hegui assess`
    assert status == "assessed" and "findings.json" not in attachments
    assert run("--edition", "filing")[0] == "unchanged"
    assert run("--edition", "working")[0] == "assessed"
