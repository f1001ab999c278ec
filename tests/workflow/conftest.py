"""Fixtures: the real CLI (with the workflow commands registered) and copies of real examples."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result
from workflow_support import EXAMPLE, Run

from engine.cli import app
from engine.workflow.cli import register

register(app)


@pytest.fixture
def hegui() -> Run:
    """Invoke `hegui ARGS…` in-process; stdout and stderr kept apart."""
    runner = CliRunner()

    def run(*args: str | Path, input: str | None = None) -> Result:
        return runner.invoke(app, [str(a) for a in args], input=input, env={"NO_COLOR": "1", "COLUMNS": "200"})

    return run


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A private copy of the Shenzhen e-commerce example."""
    target = tmp_path / "shenzhen"
    shutil.copytree(EXAMPLE, target)
    return target
