"""Shared test helpers: paths and a CLI runner that keeps stdout and stderr apart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from engine.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "assessments" / "examples"
SHARED_TEXTS = ROOT.parent / "shared" / "legal-texts"


def assert_problem(output: str, where: str, zh: str, en: str) -> None:
    """One problem line at `where` (a regex: FILE:LINE:COL: dotted.path, or a cell) reads `中文 / English`,
    its Chinese half containing `zh` and its English half `en`."""
    found = [m.groups() for line in output.splitlines() if (m := re.search(rf"{where}: (.+?) / (.+)$", line))]
    assert len(found) == 1, f"expected one problem at {where!r} in:\n{output}"
    chinese, english = found[0]
    assert re.search(r"[\u4e00-\u9fff]", chinese) and zh in chinese, (zh, chinese)
    assert en in english, (en, english)


def data_paths(node: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Every path into nested dicts and lists below the root (for mutating parsed inputs)."""
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += data_paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += data_paths(v, (*prefix, i))
    return out


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def example_copy(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A writable copy of an example assessment folder."""
    import shutil

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(EXAMPLES / name, target)
        return target

    return copy
