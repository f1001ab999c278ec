"""`--reproducible`: the same input gives byte-identical files; also the CLI end to end."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader

from tests.conftest import run_cli


def _assess(folder: Path, out: Path, *extra: str) -> dict[str, bytes]:
    result = run_cli("assess", folder, "--out", out, "--format", "json,pdf,csv,xlsx", "-q", *extra)
    assert result.exit_code in (0, 1), result.stderr
    return {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}


def test_reproducible_output_is_byte_identical(small_folder: Path, tmp_path: Path) -> None:
    first = _assess(small_folder, tmp_path / "one", "--reproducible", "--report-lang", "bilingual")
    second = _assess(small_folder, tmp_path / "two", "--reproducible", "--report-lang", "bilingual")
    assert set(first) == {"findings.json", "pipia.pdf", "checklist.pdf", "checklist.csv", "checklist.xlsx"}
    for name in first:
        assert first[name] == second[name], name
    meta = PdfReader(io.BytesIO(first["pipia.pdf"])).metadata
    assert meta is not None and str(meta.get("/CreationDate", "")).startswith("D:20260630")


def test_unknown_report_language_is_refused_without_output(small_folder: Path, tmp_path: Path) -> None:
    result = run_cli("assess", small_folder, "--out", tmp_path / "x", "--format", "pdf", "--report-lang", "fr")
    assert result.exit_code == 2
    assert "--report-lang" in result.stderr
    assert not (tmp_path / "x").exists()
