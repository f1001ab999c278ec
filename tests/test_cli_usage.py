"""Command-line usage errors (typer's own checks of options) read in Chinese and English, exit 2."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from engine.cli import app


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (
            ["assess", "x", "--report-lang", "fr"],
            "'fr' 不是可选值之一（zh、en、bilingual）",
            "'fr' is not one of zh, en, bilingual",
        ),
        (["transfer", "--purpose", "hr"], "'hr' 不是可选值之一（general、", "'hr' is not one of general, "),
        (
            ["transfer", "--non-sensitive", "-5"],
            "'--non-sensitive' 的取值无效：应大于或等于 0",
            "greater than or equal to 0",
        ),
        (["transfer", "--sensitive", "many"], "'--sensitive' 的取值无效：应为整数", "valid integer"),
        (
            ["batch", "x", "--out", "o", "--jobs", "0"],
            "'--jobs' / '-j' 的取值无效：应大于或等于 1",
            "greater than or equal to 1",
        ),
        (["assess"], "缺少 'path'", "missing 'path'"),
        (["assess", "x", "--bogus"], "没有选项 --bogus", "no such option: --bogus"),
        (["assess", "x", "--out"], "选项 --out 需要一个值", "option --out requires a value"),
        (["validate", "a", "b"], "多余的参数：b", "unexpected extra arguments: b"),
        (["assses"], "没有命令 'assses'", "no such command: 'assses'"),
    ],
)
def test_usage_errors_are_bilingual(args: list[str], zh: str, en: str) -> None:
    result = CliRunner().invoke(app, args, env={"COLUMNS": "400", "NO_COLOR": "1"})
    assert result.exit_code == 2, result.output
    assert zh in result.stderr and en in result.stderr, result.stderr
    assert "错误 / Error" in result.stderr
