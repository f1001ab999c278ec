"""The `hegui` command line (Typer). Exit codes: 0 clean, 1 gaps at or above --fail-on, 2 bad input."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from enum import Enum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from engine import __version__
from engine.errors import InputError

app = typer.Typer(
    name="hegui",
    help="hegui 合规 — 依据中国数据法律评估个人信息处理活动 / assess data processing against China's data laws.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode="rich",
)
rulebooks_app = typer.Typer(help="规则库工具 / Rulebook tools: lint, test, coverage, docs.", no_args_is_help=True)
app.add_typer(rulebooks_app, name="rulebooks")

F = TypeVar("F", bound=Callable[..., Any])


def err_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def out_console() -> Console:
    return Console(highlight=False)


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


class Lang(str, Enum):
    zh = "zh"
    en = "en"


class FailOn(str, Enum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    none = "none"


def _version(value: bool) -> None:
    if value:
        print(f"hegui {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="显示版本 / Show the version and exit.")] = False,
) -> None:
    """hegui 合规."""


@app.command()
@input_errors_exit_2
def validate(
    path: Annotated[Path, typer.Argument(help="评估文件夹 / Assessment folder (with assessment.yaml).")],
) -> None:
    """校验评估输入 / Validate an assessment folder without evaluating it."""
    from engine.inputs import load_assessment

    loaded = load_assessment(path)
    a = loaded.assessment
    out_console().print(
        f"OK {path}: {len(a.activities)} activities, {len(loaded.datasets)} datasets, {len(a.transfers)} transfers"
    )


@app.command()
@input_errors_exit_2
def assess(
    path: Annotated[Path, typer.Argument(help="评估文件夹 / Assessment folder.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="输出文件夹 / Output folder (default: PATH/out).")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="评估基准日 YYYY-MM-DD / As-of date (default: from assessment.yaml).")] = None,
    lang: Annotated[Lang | None, typer.Option("--lang", help="摘要语言 / Summary language (default: assessment's).")] = None,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="达到该严重程度的差距时退出码为1 / Exit 1 on gaps at or above this severity.")] = FailOn.high,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不打印摘要 / No terminal summary.")] = False,
    formats: Annotated[str, typer.Option("--format", "-f", help="输出格式，逗号分隔 / Comma-separated output formats.")] = "json",
    report_lang: Annotated[str | None, typer.Option("--report-lang", help="报告语言 zh|en|bilingual / Report language (default: --lang).")] = None,
    reproducible: Annotated[bool, typer.Option("--reproducible", help="固定日期，相同输入得到相同文件 / Fixed dates: identical input gives identical files.")] = False,
) -> None:
    """评估并输出 findings.json 及报告 / Assess a folder and write findings.json and reports."""
    from engine.assess import assess as run_assessment
    from engine.assess import exceeds
    from engine.inputs import load_assessment
    from engine.output import write_atomic
    from engine.render.formats import RENDERERS, RenderJob, render
    from engine.render.terminal import print_summary

    day = _parse_date(as_of, "--as-of")
    wanted = [f.strip() for f in formats.split(",") if f.strip()]
    if unknown := [f for f in wanted if f not in RENDERERS]:
        raise InputError.one("--format", f"unknown format {', '.join(unknown)} (known: {', '.join(RENDERERS)})")
    loaded = load_assessment(path)
    doc = run_assessment(loaded, day)
    summary_lang = lang.value if lang else doc.assessment.language
    chosen = report_lang or summary_lang
    if chosen not in ("zh", "en", "bilingual"):
        raise InputError.one("--report-lang", f"expected zh, en or bilingual, got {chosen!r}")
    files = render(RenderJob(doc, loaded, chosen, reproducible), ["json", *[f for f in wanted if f != "json"]])  # type: ignore[arg-type]
    target = out or (path / "out")
    for name, data in files.items():
        write_atomic(target / name, data)
    if not quiet:
        print_summary(doc, summary_lang, out_console())
        for name in files:
            out_console().print(f"→ {target / name}")
    if exceeds(doc, fail_on.value):
        raise typer.Exit(1)


def _parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError.one(option, f"not a date in YYYY-MM-DD form: {value!r}") from None


@app.command()
def schema(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="写入文件 / Write to this file.")] = None,
) -> None:
    """导出 findings.json 的 JSON Schema / Export the JSON Schema of findings.json."""
    from engine.finding import json_schema
    from engine.output import write_atomic

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if out:
        write_atomic(out, text)
    else:
        sys.stdout.write(text)


@rulebooks_app.command("lint")
@input_errors_exit_2
def rulebooks_lint() -> None:
    """检查规则库 / Check schema, fact names, conditions, citations and fixtures of every rule."""
    from engine.rulebook import load_rulebooks

    books, problems = load_rulebooks()
    if problems:
        console = err_console()
        for p in problems:
            console.print(str(p), markup=False)
        console.print(f"{len(problems)} problem(s)", markup=False)
        raise typer.Exit(2)
    out_console().print(
        f"OK rulebooks {books.version}: {len(books.obligations)} obligations, {len(books.derived)} derived facts, "
        f"{len(books.decisions)} decisions, {sum(len(o.fixtures) for o in books.obligations.values())} obligation fixtures"
    )


@rulebooks_app.command("test")
def rulebooks_test(
    select: Annotated[str | None, typer.Option("-k", help="只运行包含该文字的规则 / Only rules whose id contains this.")] = None,
) -> None:
    """用真实引擎运行每条规则旁的用例 / Run every rule's fixtures through the real engine."""
    from engine.fixtures import cases, run_case

    passed = failed = 0
    console = out_console()
    for case in cases():
        if select and select not in case.rule:
            continue
        got = run_case(case)
        if got == case.fixture.expect:
            passed += 1
        else:
            failed += 1
            console.print(f"FAIL {case.id} ({case.file}): expected {case.fixture.expect}, got {got}", markup=False)
    console.print(f"{passed} passed, {failed} failed", markup=False)
    if failed:
        raise typer.Exit(1)


def main() -> None:
    app()
