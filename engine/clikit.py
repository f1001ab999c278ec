"""What every Typer front end of hegui shares: consoles, the exit-2 wrapper, and the common options.

Kept apart from engine/cli.py so that the command modules of discovery and workflow, which engine/cli.py
registers, do not import the module that imports them (no import cycle between the front ends).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from engine.errors import InputError

if TYPE_CHECKING:
    from engine.console import SafeConsole

F = TypeVar("F", bound=Callable[..., Any])


def err_console() -> SafeConsole:
    from engine.console import SafeConsole  # rich: only when something is printed (start-up time)

    return SafeConsole(stderr=True, soft_wrap=True)


def out_console() -> SafeConsole:
    from engine.console import SafeConsole

    return SafeConsole()


def input_errors_exit_2(fn: F) -> F:
    """Bad input: every located problem on stderr, exit code 2, never a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            console = err_console()
            for problem in exc.problems:
                console.print(str(problem), markup=False)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


class Lang(StrEnum):
    zh = "zh"
    en = "en"


class FailOn(StrEnum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    none = "none"


class ReportLang(StrEnum):
    zh = "zh"
    en = "en"
    bilingual = "bilingual"


# options shared by `assess` and `batch`
FormatsOption = Annotated[
    str,
    typer.Option(
        "--format", "-f", help="输出格式，逗号分隔（json,pdf,csv,xlsx,docx）/ Comma-separated output formats."
    ),
]
FailOnOption = Annotated[
    FailOn,
    typer.Option("--fail-on", help="达到该严重程度的差距时退出码为1 / Exit 1 on gaps at or above this."),
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="评估基准日 YYYY-MM-DD / As-of date (default: the assessment's).")
]
ReportLangOption = Annotated[
    ReportLang | None, typer.Option("--report-lang", help="报告语言 / Report language (default: the summary's).")
]


class Edition(StrEnum):
    filing = "filing"
    working = "working"


EditionOption = Annotated[
    Edition,
    typer.Option("--edition", help="PIPIA 版本：报送版或工作底稿版 / PIPIA edition: for filing, or the working paper."),
]
ReproducibleOption = Annotated[
    bool,
    typer.Option("--reproducible", help="固定日期，相同输入得到相同文件 / Fixed dates: same input, same files."),
]
