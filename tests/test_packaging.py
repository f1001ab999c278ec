"""The wheel ships the rulebooks and templates inside the package (read via engine.resources)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def test_wheel_contains_rulebooks_and_templates(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("hegui-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "engine/_data/rulebooks/citation-index.json",
        "engine/_data/rulebooks/manifest.yaml",
        "engine/_data/rulebooks/obligations/PIPL.yaml",
        "engine/_data/rulebooks/questions/core.yaml",
        "engine/_data/rulebooks/taxonomy/pi-categories.yaml",
        "engine/cli.py",
        "engine/hints.yaml",
        "engine/web/migrations/env.py",
        "engine/web/migrations/versions/0001_workspace.py",
        "engine/web/migrations/versions/0002_editing.py",
        "engine/_data/templates/web/edit-questions.html",
        "engine/_data/templates/web/base.html",
        "engine/_data/templates/web/web.css",
    ):
        assert required in names, required
    templates = [n for n in names if n.startswith("engine/_data/templates/")]
    assert templates, "templates missing from the wheel"
    assert not [n for n in names if n.startswith(("tests/", "assessments/"))]
