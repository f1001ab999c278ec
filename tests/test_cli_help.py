"""`--help` of every command is complete and bilingual, Typer's own options included."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer

from engine.cli import app

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_AFTER_SLASH = re.compile(r"/ [A-Za-z]")


def bilingual(text: str | None) -> bool:
    return bool(text and CJK.search(text) and ENGLISH_AFTER_SLASH.search(text))


def commands(cmd: Any, path: str = "hegui") -> Iterator[tuple[str, Any]]:
    yield path, cmd
    for name, sub in sorted(getattr(cmd, "commands", {}).items()):
        yield from commands(sub, f"{path} {name}")


ALL = list(commands(typer.main.get_command(app)))


def test_the_tree_has_every_command() -> None:
    names = {path for path, _ in ALL}
    assert {"hegui assess", "hegui batch", "hegui scan", "hegui rulebooks lint", "hegui questionnaire"} <= names


@pytest.mark.parametrize(("path", "cmd"), ALL, ids=[p for p, _ in ALL])
def test_help_is_bilingual(path: str, cmd: Any) -> None:
    assert bilingual(cmd.help), path
    with cmd.make_context(path, [], resilient_parsing=True) as ctx:
        params = cmd.get_params(ctx)
    assert any(p.name == "help" for p in params), path
    for param in params:
        text = getattr(param, "help", None)
        assert bilingual(text), (path, param.name, text)
