"""Files hegui writes: an existing file is replaced only if hegui wrote it (or with --force), never when it
is an input of the run; a bad output path is exit 2 with the reason; assessment.yaml keeps its mode,
owner and link when answers are written back."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tests.conftest import EXAMPLES, assert_problem, run_cli

INVENTORY = EXAMPLES / "offshore-saas" / "datasets.csv"


def _database(tmp_path: Path) -> Path:
    path = tmp_path / "shop.db"
    with sqlite3.connect(path) as db:
        db.execute("create table customers (id integer primary key, mobile text, email text)")
    return path


def _command(kind: str, out: Path, tmp_path: Path, example: Path) -> list[str | Path]:
    """One of the four commands that write a file the user names."""
    return {
        "import": ["import-inventory", INVENTORY, "--out", out],
        "scan": ["scan", f"sqlite:///{_database(tmp_path)}", "--out", out],
        "schema": ["schema", "--of", "assessment", "--out", out],
        "export": ["questionnaire", example, "--export", out],
    }[kind]


COMMANDS = ["import", "scan", "schema", "export"]


@pytest.mark.parametrize("kind", COMMANDS)
def test_a_file_hegui_did_not_write_is_kept_unless_forced(kind: str, tmp_path: Path, example_copy) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "mine.out"
    out.write_text("my own notes\n", encoding="utf-8")
    args = _command(kind, out, tmp_path, example_copy("shenzhen-ecommerce"))
    refused = run_cli(*args)
    assert refused.exit_code == 2, refused.output
    assert_problem(refused.stderr, r"mine\.out", "不是 hegui 生成的", "add --force to replace it")
    assert out.read_text(encoding="utf-8") == "my own notes\n"
    assert run_cli(*args, "--force").exit_code == 0
    assert run_cli(*args).exit_code == 0, "a file hegui wrote is replaced without --force"


@pytest.mark.parametrize("kind", ["import", "scan", "export"])
def test_an_input_of_the_run_is_never_the_output(kind: str, tmp_path: Path, example_copy) -> None:  # type: ignore[no-untyped-def]
    example = example_copy("shenzhen-ecommerce")
    source = {"import": tmp_path / "inventory.csv", "scan": tmp_path / "shop.db", "export": example / "assessment.yaml"}
    (tmp_path / "inventory.csv").write_bytes(INVENTORY.read_bytes())
    args = _command(kind, source[kind], tmp_path, example)
    if kind == "import":
        args[1] = tmp_path / "inventory.csv"
    before = source[kind].read_bytes() if kind != "scan" else None
    result = run_cli(*args, "--force")
    assert result.exit_code == 2, result.output
    assert_problem(
        result.stderr, source[kind].name.replace(".", r"\."), "就是本次运行的输入文件", "is an input of this run"
    )
    if before is not None:
        assert source[kind].read_bytes() == before


@pytest.mark.parametrize("kind", COMMANDS)
@pytest.mark.parametrize("where", ["folder", "under_a_file", "no_permission"])
def test_a_bad_output_path_is_exit_2(kind: str, where: str, tmp_path: Path, example_copy) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    out = {
        "folder": tmp_path,
        "under_a_file": tmp_path / "plain" / "out.yaml",
        "no_permission": Path("/proc/hegui-cannot-write-here.yaml"),
    }[where]
    result = run_cli(*_command(kind, out, tmp_path, example_copy("shenzhen-ecommerce")))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    zh, en = ("输出路径是一个文件夹", "the output is a folder") if where == "folder" else ("无法写入", "cannot write")
    assert_problem(result.stderr, str(out).replace(".", r"\."), zh, en)


def test_a_foreign_workbook_is_not_taken_for_a_questionnaire(tmp_path: Path, example_copy) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "budget.xlsx"
    book = Workbook()
    book.active.append(["format", "hegui-questionnaire/1"])  # the format line, but not in hegui's sheet
    book.save(out)
    result = run_cli("questionnaire", example_copy("shenzhen-ecommerce"), "--export", out)
    assert result.exit_code == 2 and "--force" in result.stderr


# --------------------------------------------------------------------------- answers written back


def _import_one_answer(folder: Path, tmp_path: Path) -> None:
    """Export the questionnaire, answer one open question in the workbook, import it (the real CLI)."""
    sheet = tmp_path / "q.xlsx"
    assert run_cli("questionnaire", folder, "--export", sheet).exit_code == 0
    book = load_workbook(sheet)
    ws = book.worksheets[0]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 3).value == "access_control_training")
    ws.cell(row, 6).value = True
    book.save(sheet)
    result = run_cli("questionnaire", folder, "--import", sheet)
    assert result.exit_code == 0, result.output


def test_write_back_keeps_mode_and_owner(tmp_path: Path, example_copy) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("shenzhen-ecommerce")
    path = folder / "assessment.yaml"
    path.chmod(0o640)
    owner = (os.getuid(), os.getgid()) if os.getuid() != 0 else (65534, 65534)  # as root: a different owner
    os.chown(path, *owner)
    _import_one_answer(folder, tmp_path)
    info = path.stat()
    assert "access_control_training: true" in path.read_text(encoding="utf-8")
    assert stat.S_IMODE(info.st_mode) == 0o640 and (info.st_uid, info.st_gid) == owner


def test_write_back_goes_through_a_link_inside_the_folder(tmp_path: Path, example_copy) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("shenzhen-ecommerce")
    (folder / "versions").mkdir()
    (folder / "assessment.yaml").rename(folder / "versions" / "2026.yaml")
    (folder / "assessment.yaml").symlink_to(Path("versions") / "2026.yaml")
    _import_one_answer(folder, tmp_path)
    assert (folder / "assessment.yaml").is_symlink()
    assert "access_control_training: true" in (folder / "versions" / "2026.yaml").read_text(encoding="utf-8")
