"""What a command imports at start-up: a JSON-only assessment, validate and transfer load neither the
report stack (WeasyPrint, Jinja2, openpyxl) nor the database stack (SQLAlchemy) nor rich's Markdown and
traceback machinery (typer's error panel imports them only to show an error). Behavioural, not timed:
the start-up benchmark is `python -m benchmarks startup`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

HEAVY = ("weasyprint", "jinja2", "openpyxl", "sqlalchemy", "rich.markdown", "rich.traceback", "markdown_it")
# hegui's own modules that only an error or another command needs (engine.hints: did-you-mean word lists)
DEFERRED = ("engine.hints",)

PROBE = """
import json, sys
from engine.cli import main
sys.argv = ["hegui", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def imported(args: list[str]) -> tuple[int, set[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.splitlines()[-1])
    return result["code"], set(result["modules"])


@pytest.mark.parametrize(
    "args",
    [
        ["assess", str(EXAMPLES / "shenzhen-ecommerce"), "--format", "json", "-q", "--fail-on", "none", "--out"],
        ["validate", str(EXAMPLES / "shenzhen-ecommerce")],
        ["transfer", "--non-sensitive", "150000", "--json"],
    ],
    ids=["assess-json", "validate", "transfer"],
)
def test_hot_commands_import_no_report_or_database_stack(args: list[str], tmp_path: Path) -> None:
    if args[-1] == "--out":
        args = [*args, str(tmp_path)]
    code, modules = imported(args)
    assert code in (0, None)
    loaded = sorted(m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY or m in DEFERRED)
    assert loaded == []


def test_a_pdf_run_still_imports_weasyprint(tmp_path: Path) -> None:
    """The probe sees what a command imports: the PDF renderer does load WeasyPrint."""
    args = ["assess", str(EXAMPLES / "shenzhen-ecommerce"), "--format", "pdf", "-q", "--fail-on", "none"]
    code, modules = imported([*args, "--out", str(tmp_path)])
    assert code in (0, None) and "weasyprint" in modules and (tmp_path / "pipia.pdf").is_file()


def test_a_usage_error_still_shows_the_bilingual_panel() -> None:
    """typer's rich error panel is imported only on an error, and still carries our bilingual title."""
    done = subprocess.run(
        [sys.executable, "-c", "from engine.cli import main; main()", "assess", "--bogus"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "错误 / Error" in done.stderr and "运行 " in done.stderr


def test_typer_builds_only_the_command_named() -> None:
    """Building a click command inspects every parameter of its function: a run builds the one it uses,
    and anything that is not a command name (help, a typo) gets the whole app."""
    from typer.main import get_command

    from engine.cli import app, for_command

    every = set(get_command(app).commands)  # type: ignore[attr-defined]
    assert {"assess", "validate", "transfer", "rulebooks", "batch"} <= every
    assert set(get_command(for_command(["assess", "x"])).commands) == {"assess"}  # type: ignore[attr-defined]
    assert set(get_command(for_command(["rulebooks", "lint"])).commands) == {"rulebooks"}  # type: ignore[attr-defined]
    for args in ([], ["--help"], ["asess"], ["--version"]):
        assert set(get_command(for_command(args)).commands) == every  # type: ignore[attr-defined]
