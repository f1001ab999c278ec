"""Input files and the terminal: what a user writes is read safely, checked where it stands and printed as text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from engine.cli import app
from tests.conftest import assert_problem, run_cli

TITLE = "    zh: 鹏城优选电商平台个人信息保护影响评估（2026年度）"


def _edit(folder: Path, old: str, new: str, name: str = "assessment.yaml") -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _terminal(*args: str | Path) -> Result:
    """The CLI as on a colour terminal (rich writes escape codes, hyperlinks and emoji there)."""
    env = {"FORCE_COLOR": "1", "COLUMNS": "200", "NO_COLOR": None}
    return CliRunner().invoke(app, [str(a) for a in args], env=env, catch_exceptions=False)


def _rejected(folder: Path) -> str:
    out = folder / "out"
    result = run_cli("assess", folder, "--out", out, "-q")
    assert result.exit_code == 2, result.output
    assert not out.exists()
    return result.stderr


# --------------------------------------------------------------------------- the terminal


def test_a_title_with_markup_is_printed_as_written(example_copy) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("shenzhen-ecommerce")
    title = "PIPIA [/] 2026 [link=https://evil.example]click[/link] [bold]x root:x:0"
    _edit(folder, TITLE, f'    zh: "{title}"')
    result = _terminal("assess", folder, "--out", folder / "out")
    assert result.exit_code == 1, result.output  # gaps, not an internal error
    assert title in result.stdout
    assert "\x1b]8;" not in result.stdout  # no hyperlink
    assert "❌" not in result.stdout


def test_control_characters_never_reach_the_terminal(example_copy) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("shenzhen-ecommerce")
    out = folder / "out\x1b]0;pwned\x07\x9b31m"
    result = _terminal("assess", folder, "--out", out)
    assert result.exit_code == 1, result.output
    assert "out]0;pwned31m" in result.stdout
    assert "\x1b]0" not in result.stdout and "\x07" not in result.stdout and "\x9b" not in result.stdout


def test_emoji_codes_do_not_rewrite_error_text(example_copy) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("shenzhen-ecommerce")
    _edit(folder, "  ciio: false\n", "  ciio: false\n  root:x:0: 1\n")
    result = _terminal("validate", folder)
    assert result.exit_code == 2
    assert "organisation.root:x:0: " in result.stderr and "❌" not in result.stderr


# --------------------------------------------------------------------------- links, sizes, special files


def test_a_link_leaving_the_folder_is_refused_without_echoing_its_target(example_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("offshore-saas")
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$SECRETHASH:19000:0:99999:7:::\n", encoding="utf-8")
    (folder / "datasets.yaml").symlink_to(secret)
    stderr = _rejected(folder)
    assert_problem(stderr, r"/datasets\.yaml", "评估文件夹", "leads outside the assessment folder")
    assert "SECRETHASH" not in stderr


def test_a_link_inside_the_folder_is_followed(example_copy) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("offshore-saas")
    (folder / "inventory").mkdir()
    (folder / "datasets.csv").rename(folder / "inventory" / "datasets.csv")
    (folder / "datasets.csv").symlink_to(Path("inventory") / "datasets.csv")
    assert run_cli("validate", folder).exit_code == 0


def test_an_unknown_key_is_echoed_only_in_part(example_copy) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("shenzhen-ecommerce")
    key = "k" * 30 + "SECRET" * 30
    _edit(folder, "  ciio: false\n", f"  ciio: false\n  {key}: 1\n")
    stderr = _rejected(folder)
    assert "k" * 30 in stderr and "SECRET" * 3 not in stderr


def test_a_named_pipe_is_refused_not_waited_on(example_copy) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("shenzhen-ecommerce")
    (folder / "datasets.yaml").unlink()
    os.mkfifo(folder / "datasets.yaml")
    assert_problem(_rejected(folder), r"/datasets\.yaml", "不是普通文件", "not a regular file")


def test_a_huge_inventory_is_refused_before_it_is_read(example_copy) -> None:  # type: ignore[no-untyped-def]
    """A 1 GiB datasets.csv (sparse: no disk used) is refused by its size; the process never holds it."""
    folder = example_copy("offshore-saas")
    with (folder / "datasets.csv").open("r+b") as fh:
        fh.truncate(1 << 30)
    code = (
        "import resource, subprocess, sys;"
        "p = subprocess.run([sys.argv[2], 'validate', sys.argv[1]], capture_output=True, text=True);"
        "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);"
        "sys.stderr.write(p.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder), str(Path(sys.executable).parent / "hegui")],
        capture_output=True,
        text=True,
        check=True,
    )
    status, max_rss_kib = map(int, done.stdout.split())
    assert status == 2 and "1024 MiB" not in done.stderr and "larger than 5 MiB" in done.stderr, done.stderr
    assert max_rss_kib < 400 * 1024, max_rss_kib  # the validate process never held the file


# --------------------------------------------------------------------------- control characters


def test_an_escaped_control_character_is_located(example_copy) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("shenzhen-ecommerce")
    _edit(folder, "    name: 林晓 (Lin Xiao)", '    name: "林晓\\e[31m"')
    assert_problem(_rejected(folder), r"/assessment\.yaml:8:11", "控制字符 U+001B", "control character U+001B")


def test_a_control_character_cannot_reach_the_xlsx_writers(example_copy) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("shenzhen-ecommerce")
    _edit(folder, "    system: CRM (MySQL)", '    system: "CRM\\x07"', "datasets.yaml")
    out = folder / "out"
    result = run_cli("assess", folder, "--out", out, "--format", "json,xlsx,csv", "-q")
    assert result.exit_code == 2 and not out.exists(), result.output
    assert_problem(result.stderr, r"/datasets\.yaml:4:13", "U+0007", "control character U+0007")


def test_a_raw_nul_is_located_by_line_and_column(example_copy) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("shenzhen-ecommerce")
    _edit(folder, "    system: CRM (MySQL)", "    system: CRM\x00", "datasets.yaml")
    stderr = _rejected(folder)
    assert_problem(stderr, r"/datasets\.yaml:4:16", "U+0000", "control character U+0000")
    assert "position" not in stderr


def test_a_control_character_in_a_csv_cell_is_located(example_copy) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("offshore-saas")
    _edit(
        folder,
        "learners,Learner profiles,Accounts (PostgreSQL),SG,240000,240000,general,mobile,phone",
        "learners,Learner profiles,Accounts (PostgreSQL),SG,240000,240000,general,mob\x1bile,phone",
        "datasets.csv",
    )
    assert_problem(_rejected(folder), r"/datasets\.csv:3:8", "U+001B", "control character U+001B")


def test_windows_line_ends_and_tabs_stay_allowed(example_copy) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("shenzhen-ecommerce")
    path = folder / "assessment.yaml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n").replace(b"(Lin Xiao)", b'"(Lin\\tXiao)"'))
    assert run_cli("validate", folder).exit_code == 0


# --------------------------------------------------------------------------- YAML 1.2 values


@pytest.mark.parametrize(
    ("old", "new", "where", "zh", "en"),
    [
        ("    records: 3200000", "    records: 0x10", "datasets.0.records", "应为整数", "valid integer"),
        ("    records: 3200000", "    records: 190:20:30", "datasets.0.records", "应为整数", "valid integer"),
        ("    records: 3200000", "    records: 3_200_000", "datasets.0.records", "应为整数", "valid integer"),
    ],
)
def test_yaml_1_1_numbers_are_not_guessed(example_copy, old: str, new: str, where: str, zh: str, en: str) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("shenzhen-ecommerce")
    _edit(folder, old, new, "datasets.yaml")
    assert_problem(_rejected(folder), rf"/datasets\.yaml:\d+:\d+: {where}", zh, en)


def test_no_is_not_false(example_copy) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("shenzhen-ecommerce")
    _edit(folder, "  ciio: false\n", "  ciio: no\n")
    assert_problem(_rejected(folder), r"/assessment\.yaml:18:9: organisation\.ciio", "布尔值", "valid boolean")


def test_a_leading_zero_is_decimal(example_copy) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("shenzhen-ecommerce")
    _edit(folder, "  months_since_compliance_audit: 30", "  months_since_compliance_audit: 010")
    from engine.inputs import load_assessment

    assert load_assessment(folder).assessment.answers["months_since_compliance_audit"] == 10


def test_a_huge_number_is_echoed_once_and_clipped(example_copy) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("shenzhen-ecommerce")
    _edit(folder, "    records: 3200000", "    records: " + "9" * 5000, "datasets.yaml")
    line = _rejected(folder).splitlines()[0]
    assert "9" * 39 in line and "9" * 41 not in line and len(line) < 450, line
