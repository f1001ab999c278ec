"""Shared test helpers: paths and a CLI runner that keeps stdout and stderr apart."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from engine.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "assessments" / "examples"
SHARED_TEXTS = ROOT.parent / "shared" / "legal-texts"


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
