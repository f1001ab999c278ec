"""Every problem of an assessment file in one pass: a value YAML cannot build (a date 2026-13-45) no
longer hides the schema problems; unknown keys suggest the field meant; country codes say what they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import assert_problem, run_cli


def test_bad_date_unknown_keys_and_country_code_reported_together(example_copy: Any) -> None:
    folder: Path = example_copy("shenzhen-ecommerce")
    path = folder / "assessment.yaml"
    text = path.read_text(encoding="utf-8")
    as_of = next(line for line in text.splitlines() if line.startswith("  as_of: "))
    text = text.replace(as_of, "  as_of: 2026-13-45", 1)
    text = text.replace("  ciio: false", "  cio: false\n  ciio: false", 1)
    text = text.replace("    legal_basis: consent", "    legal_bassis: consent\n    legal_basis: consent", 1)
    text = text.replace("    destination: HK", "    destination: USA", 1)
    path.write_text(text, encoding="utf-8")
    result = run_cli("validate", folder)
    assert result.exit_code == 2
    err = result.stderr
    assert_problem(err, r"assessment\.yaml:\d+:\d+: assessment\.as_of", "不是有效的日期", "not a valid date")
    assert_problem(err, r"assessment\.yaml:\d+:\d+: organisation\.cio", "“ciio”", 'did you mean "ciio"')
    assert_problem(
        err, r"assessment\.yaml:\d+:\d+: activities\.\d+\.legal_bassis", "“legal_basis”", 'did you mean "legal_basis"'
    )
    assert_problem(err, r"assessment\.yaml:\d+:\d+: transfers\.0\.destination", "ISO 3166", "e.g. US")
    assert len([line for line in err.splitlines() if "as_of" in line]) == 1  # not also "should be a date"


def test_a_fresh_scaffold_names_the_fields_still_to_fill(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    assert run_cli("init", folder).exit_code == 0
    result = run_cli("validate", folder)
    assert result.exit_code == 2
    for where in (r"assessment\.id", r"assessment\.title", r"organisation\.name", r"organisation\.ciio"):
        assert_problem(result.stderr, rf"assessment\.yaml:\d+:\d+: {where}", "必填字段尚未填写", "not filled in")
    assert "valid string" not in result.stderr and "valid dictionary" not in result.stderr
