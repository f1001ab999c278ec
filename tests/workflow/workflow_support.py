"""Helpers shared by the workflow tests (a uniquely named module: other test folders have a conftest too)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

from engine.resources import data_dir

EXAMPLES = data_dir("rulebooks").parent / "assessments" / "examples"
EXAMPLE = EXAMPLES / "shenzhen-ecommerce"

Run = Callable[..., Result]


def edit(folder: Path, old: str, new: str) -> None:
    """Replace one exact piece of assessment.yaml (fails loudly when it is not there)."""
    path = folder / "assessment.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    path.write_text(text.replace(old, new), encoding="utf-8")
