"""The `hegui` command line (Typer). Exit codes: 0 clean, 1 gaps at or above --fail-on, 2 bad input."""

from __future__ import annotations

import copy
import json
import os
import sys
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer._click.exceptions import (  # typer's vendored click: the classes of its usage errors
    BadOptionUsage,
    BadParameter,
    MissingParameter,
    NoSuchOption,
    UsageError,
)
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command_name

from engine import __version__
from engine.clikit import (
    AsOfOption,
    Edition,
    EditionOption,
    FailOn,
    FailOnOption,
    FormatsOption,
    Lang,
    ReportLangOption,
    ReproducibleOption,
    err_console,
    input_errors_exit_2,
    out_console,
)
from engine.errors import INTERNAL_ERROR, clip
from engine.i18n import MESSAGES, both, closest
from engine.overwrite import ForceOption
from engine.usecases import country_code, parse_date, parse_formats

F = TypeVar("F", bound=Callable[..., Any])


class _BuiltinHelp:
    """Typer's own options (--help, shell completion) with the same `中文 / English` help as ours."""

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            key = f"cli.builtin.{param.name}"
            if key in MESSAGES:
                param.help = both(key)
        return params

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Usage errors (bad option values, missing or unknown options) worded from the catalogue."""
        try:
            parsed: list[str] = super().parse_args(ctx, args)  # type: ignore[misc]
        except UsageError as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # shows the help, not an error
                raise
            raise usage_error(usage_message(exc), exc) from None
        return parsed


class _Command(_BuiltinHelp, TyperCommand):
    pass


class _Group(_BuiltinHelp, TyperGroup):
    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as exc:
            if args and args[0] not in self.commands:
                text = both("cli.no_command", command=clip(args[0]), hint=closest(args[0], self.commands))
                raise usage_error(text, exc) from None
            raise usage_error(usage_message(exc), exc) from None


def usage_error(text: str, exc: UsageError) -> UsageError:
    """Our usage error, with the two English texts of typer's error panel in both languages too (typer's
    rich formatting is imported here, when an error is shown, not at every start)."""
    from typer import rich_utils

    rich_utils.ERRORS_PANEL_TITLE = both("cli.error_title")
    rich_utils.RICH_HELP = both("cli.try_help", command="[blue]'{command_path} {help_option}'[/]")
    return UsageError(text, exc.ctx)


def usage_message(exc: UsageError) -> str:
    """A command-line usage error in both languages (typer's own text is English only)."""
    from pydantic import ValidationError

    from engine.i18n import did_you_mean, listed, message
    from engine.validation import error_text

    if isinstance(exc, MissingParameter):
        return both("cli.missing", option=_hint(exc))
    if isinstance(exc, BadParameter):
        cause, why = exc.__cause__, message("cli.usage", detail=exc.message)
        if isinstance(cause, ValidationError) and (err := cause.errors(include_url=False)):
            choices = getattr(getattr(exc.param, "type_descriptor", None), "choices", None)
            if choices and err[0]["type"] == "value_error":
                names = listed(str(getattr(c, "value", c)) for c in choices)
                why = message("cli.bad_choice", value=clip(err[0]["input"]), choices=names)
            else:
                why = error_text(err[0])
        return both("cli.bad_value", option=_hint(exc), why=why)
    if isinstance(exc, NoSuchOption):
        near = sorted(exc.possibilities or [])
        return both("cli.no_option", option=clip(exc.option_name), hint=did_you_mean(near[0] if near else None))
    if isinstance(exc, BadOptionUsage) and "requires an argument" in exc.message:
        return both("cli.needs_value", option=exc.option_name)
    if exc.message.startswith("Got unexpected extra argument"):
        return both("cli.extra_args", args=clip(exc.message.rpartition(" (")[2].rstrip(")")))
    return both("cli.usage", detail=exc.format_message())


def _hint(exc: BadParameter) -> str:
    """The option or argument a usage error is about, as the user wrote it (--report-lang, PATH)."""
    if exc.param_hint is not None:
        return exc.param_hint if isinstance(exc.param_hint, str) else " / ".join(exc.param_hint)
    return str(exc.param.get_error_hint()) if exc.param is not None else "?"


class _Typer(typer.Typer):
    """Every command and sub-command of hegui is built with the bilingual built-in options."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cls=_Group, **kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Callable[[F], F]:
        decorator: Callable[[F], F] = super().command(*args, cls=_Command, **kwargs)
        return decorator


app = _Typer(
    name="hegui",
    pretty_exceptions_enable=False,
    help="hegui 合规 — 依据中国数据法律评估个人信息处理活动 / assess data processing against China's data laws.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode="rich",
)
rulebooks_app = _Typer(help="规则库工具 / Rulebook tools: lint, test, coverage, docs.", no_args_is_help=True)
app.add_typer(rulebooks_app, name="rulebooks")


def _version(value: bool) -> None:
    if value:
        print(f"hegui {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本 / Show the version and exit.")
    ] = False,
) -> None:
    """hegui 合规."""


@app.command()
@input_errors_exit_2
def validate(
    path: Annotated[Path, typer.Argument(help="评估文件夹 / Assessment folder (with assessment.yaml).")],
    for_filing: Annotated[
        bool,
        typer.Option(
            "--for-filing",
            help="列出备案尚缺的叙述内容，缺则退出码为1 / List the narrative a filing still lacks; exit 1 if any.",
        ),
    ] = False,
) -> None:
    """校验评估输入（含豁免）/ Validate an assessment folder, waivers included; writes nothing."""
    from engine import usecases
    from engine.narrative import filing_report

    checked = usecases.validate(path)
    loaded, doc = checked.loaded, checked.doc
    a = loaded.assessment
    if for_filing:  # valid input that a filing cannot use yet: exit 1 (2 is for bad input)
        lacking, verdict = filing_report(a, doc, loaded.located)
        for problem in lacking:
            out_console().print(str(problem), markup=False, soft_wrap=True)
        out_console().print(verdict, markup=False, soft_wrap=True)
        raise typer.Exit(1 if lacking else 0)
    counts = {"activities": len(a.activities), "datasets": len(loaded.datasets), "transfers": len(a.transfers)}
    out_console().print(both("cli.valid", path=path, waivers=len(a.waivers), **counts), markup=False, soft_wrap=True)


@app.command()
@input_errors_exit_2
def assess(
    path: Annotated[Path, typer.Argument(help="评估文件夹 / Assessment folder.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="输出文件夹 / Output folder (default: PATH/out).")
    ] = None,
    as_of: AsOfOption = None,
    lang: Annotated[
        Lang | None, typer.Option("--lang", help="摘要语言 / Summary language (default: assessment's).")
    ] = None,
    fail_on: FailOnOption = FailOn.high,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不打印摘要 / No terminal summary.")] = False,
    formats: FormatsOption = "json",
    report_lang: ReportLangOption = None,
    reproducible: ReproducibleOption = False,
    edition: EditionOption = Edition.filing,
) -> None:
    """评估并输出 findings.json 及报告 / Assess a folder and write findings.json and reports."""
    from engine import usecases
    from engine.assess import exceeds

    day = parse_date(as_of, "--as-of")
    wanted = parse_formats(formats)
    assessed = usecases.assess(usecases.load(path), day)
    doc = assessed.doc
    summary_lang = lang.value if lang else doc.assessment.language
    chosen = report_lang.value if report_lang else summary_lang
    files = usecases.render(assessed, wanted, chosen, reproducible, edition.value)  # type: ignore[arg-type]
    target = out or (path / "out")
    usecases.write_reports(target, files)
    if not quiet:
        from engine.render.terminal import print_summary

        print_summary(doc, summary_lang, out_console())
        for name in files:
            out_console().print(f"→ {target / name}", markup=False)
    if exceeds(doc, fail_on.value):
        raise typer.Exit(1)


class SchemaOf(StrEnum):
    findings = "findings"
    assessment = "assessment"
    datasets = "datasets"
    remediation = "remediation"


@app.command()
@input_errors_exit_2
def schema(
    of: Annotated[
        SchemaOf,
        typer.Option(
            "--of",
            help="哪个文件的 Schema：findings.json，或供编辑器使用的 assessment.yaml / datasets.yaml / "
            "remediation.yaml / Which file: findings.json, or assessment.yaml / datasets.yaml / "
            "remediation.yaml for editors.",
        ),
    ] = SchemaOf.findings,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="写入文件 / Write to this file.")] = None,
    force: ForceOption = False,
) -> None:
    """导出 JSON Schema（结论或输入文件）/ Export the JSON Schema of findings.json or of an input file."""
    from engine.finding import json_schema
    from engine.output import write_atomic
    from engine.overwrite import check_output, output_errors, schema_is_ours
    from engine.workflow.schema import input_schema

    if out:
        check_output(out, force=force, ours=schema_is_ours)
    data = json_schema() if of is SchemaOf.findings else input_schema(of.value)
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if out:
        with output_errors(out):
            write_atomic(out, text)
    else:
        sys.stdout.write(text)


class Purpose(StrEnum):
    """engine.assessment.TransferPurpose as a typer choice (a test keeps the two equal)."""

    general = "general"
    contract_with_individual = "contract_with_individual"
    cross_border_hr = "cross_border_hr"
    emergency = "emergency"
    legal_duty = "legal_duty"
    treaty = "treaty"
    reexport_foreign_pi = "reexport_foreign_pi"
    non_pi_trade_data = "non_pi_trade_data"


@app.command()
@input_errors_exit_2
def transfer(
    non_sensitive: Annotated[
        int,
        typer.Option(
            "--non-sensitive",
            min=0,
            help="本处理者当年1月1日起全部出境累计的个人信息人数（不含敏感） / "
            "People whose non-sensitive PI the processor has sent abroad since 1 January, all exports together.",
        ),
    ] = 0,
    sensitive: Annotated[
        int,
        typer.Option(
            "--sensitive",
            min=0,
            help="本处理者当年累计出境的敏感个人信息人数 / The same for sensitive PI.",
        ),
    ] = 0,
    ciio: Annotated[bool, typer.Option("--ciio", help="关键信息基础设施运营者 / The exporter is a CIIO.")] = False,
    important_data: Annotated[
        bool,
        typer.Option(
            "--important-data", help="包含经告知或公开发布的重要数据 / Includes data notified or published as important"
        ),
    ] = False,
    purpose: Annotated[Purpose, typer.Option("--purpose", help="出境目的 / Purpose category.")] = Purpose.general,
    destination: Annotated[
        str, typer.Option("--destination", help="目的地 ISO 3166 代码 / Destination country code.")
    ] = "XX",
    free_trade_zone: Annotated[
        bool, typer.Option("--free-trade-zone", help="处理者位于自贸试验区 / Exporter in a pilot FTZ.")
    ] = False,
    ftz_outside_list: Annotated[
        bool, typer.Option("--ftz-outside-list", help="数据在自贸区负面清单之外 / Data outside the FTZ negative list.")
    ] = False,
    domestic_data_added: Annotated[
        bool, typer.Option("--domestic-data-added", help="再出境时加入了境内数据 / Re-export adds domestic data.")
    ] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="基准日 / As-of date (default: today).")] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="语言 / Language.")] = Lang.zh,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON / Print JSON.")] = False,
) -> None:
    """快速判断数据出境路径 / Decide the outbound-transfer mechanism from a few numbers."""
    from engine.transfer import decide_transfer

    day = parse_date(as_of, "--as-of") or date.today()
    result = decide_transfer(
        non_sensitive=non_sensitive,
        sensitive=sensitive,
        ciio=ciio,
        important_data=important_data,
        purpose=purpose.value,
        destination=country_code(destination, "--destination"),
        free_trade_zone=free_trade_zone,
        ftz_outside_list=ftz_outside_list,
        domestic_data_added=domestic_data_added,
        day=day,
    )
    d = result.decided
    if as_json:
        data = {
            "as_of": day.isoformat(),
            "mechanism": d.value,
            "reasons": [r.model_dump(mode="json") for r in d.reasons],
            "tasks": [t.model_dump(mode="json", exclude={"plan"}) for t in d.tasks],  # no plan without a folder
            "duties": [
                {
                    "id": f.obligation,
                    "title": f.title.model_dump(),
                    "citations": [c.model_dump(mode="json") for c in f.citations],
                }
                for f in result.duties
            ],
        }
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    from engine.render.terminal import LABELS

    console, t, code = out_console(), LABELS[lang.value], lang.value
    console.print(f"[bold]{t['mechanism']}: {t[d.value]}[/bold] ({d.value})")
    for r in d.reasons:
        console.print(f"  {r.text.get(code)}", markup=False)
        if r.citations:
            console.print("  " + "; ".join(c.label(code) for c in r.citations), markup=False)
    for task in d.tasks:
        console.print(
            f"  → {task.text.get(code)}" + (f" [{task.deadline.get(code)}]" if task.deadline else ""), markup=False
        )
    if result.duties:
        console.print("仍须履行 / Duties that remain:" if code == "zh" else "Duties that remain:")
        for f in result.duties:
            console.print(f"  • {f.title.get(code)} — " + "; ".join(c.label(code) for c in f.citations), markup=False)


@rulebooks_app.command("lint")
@input_errors_exit_2
def rulebooks_lint() -> None:
    """检查规则库 / Check schema, fact names, conditions, citations and fixtures of every rule."""
    from engine.coverage import compute
    from engine.rulebook import load_rulebooks

    books, problems = load_rulebooks()
    if not problems:
        problems += compute(books)[1]
    if problems:
        console = err_console()
        for p in problems:
            console.print(str(p), markup=False)
        console.print(both("rulebooks.problems", n=len(problems)), markup=False)
        raise typer.Exit(2)
    counts = {"obligations": len(books.obligations), "derived": len(books.derived), "decisions": len(books.decisions)}
    fixtures = sum(len(o.fixtures) for o in books.obligations.values())
    out_console().print(
        both("rulebooks.ok", version=books.version, fixtures=fixtures, **counts), markup=False, soft_wrap=True
    )


@rulebooks_app.command("test")
def rulebooks_test(
    select: Annotated[
        str | None, typer.Option("-k", help="只运行包含该文字的规则 / Only rules whose id contains this.")
    ] = None,
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
            fail = both("rulebooks.fail", case=case.id, expected=case.fixture.expect, got=got)
            console.print(f"{case.file}: {fail}", markup=False, soft_wrap=True)
    console.print(both("rulebooks.tested", passed=passed, failed=failed), markup=False)
    if failed:
        raise typer.Exit(1)


@rulebooks_app.command("coverage")
def rulebooks_coverage(
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON / Print JSON.")] = False,
) -> None:
    """各法规条文覆盖情况 / Per instrument: obligation articles and paragraphs, encoded, missing."""
    from rich.table import Table

    from engine.coverage import compute
    from engine.i18n import message
    from engine.rulebook import rulebooks

    coverage, _ = compute(rulebooks())
    if as_json:
        sys.stdout.write(json.dumps([c.as_json() for c in coverage], ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title=both("coverage.title"), caption=both("coverage.missing_legend"), pad_edge=False)
    columns = ("instrument", "articles", "articles_encoded", "paragraphs_encoded", "paragraph_percent", "unencoded")
    for col in columns:
        head = message(f"coverage.{col}")  # Chinese above English keeps the columns narrow
        first, left = col == "instrument", col in ("instrument", "unencoded")
        width = 10 if col.endswith("_encoded") else None  # room for "obligation" and "paragraphs"
        table.add_column(
            f"{head.zh}\n{head.en}",
            justify="left" if left else "right",
            no_wrap=first,
            min_width=width,
            max_width=8 if col == "paragraph_percent" else None,  # rich would otherwise widen it past 80 columns
        )
    for c in coverage:
        if not c.has_map:
            table.add_row(c.instrument, str(c.articles), both("coverage.no_map"), "", "", "")
            continue
        table.add_row(
            c.instrument,
            str(c.articles),
            f"{len(c.encoded)}/{len(c.obligation_articles)}",
            f"{c.encoded_paragraphs}/{c.obligation_paragraphs}",
            f"{c.paragraph_percent:.0f}",
            c.missing_text() or "—",
        )
    out_console().print(table)


@rulebooks_app.command("docs")
def rulebooks_docs(
    out: Annotated[Path, typer.Option("--out", "-o", help="输出文件夹 / Output folder.")] = Path("docs/rules"),
) -> None:
    """由规则元数据生成参考文档 / Generate the Markdown rule reference from rule metadata."""
    from engine.coverage import compute
    from engine.docsgen import generate
    from engine.rulebook import rulebooks

    books = rulebooks()
    written = generate(books, compute(books)[0], out)
    out_console().print(both("rulebooks.docs_written", n=len(written), out=out), markup=False, soft_wrap=True)


def _register_commands() -> None:
    """Commands that live with their domain packages (discovery, workflow, web)."""
    from engine.discovery.cli import register as register_discovery
    from engine.web.cli import register as register_web
    from engine.workflow.cli import register as register_workflow

    register_discovery(app)
    register_workflow(app)
    register_web(app)


_register_commands()


def for_command(args: list[str]) -> typer.Typer:
    """The app with only the command `args` name: typer builds a click command for every registered
    command before it parses anything (each one an inspection of its parameters' annotations), and one
    run uses one. Anything else (help, a typo, shell completion) gets the whole app, so lists and
    did-you-mean hints stay complete."""
    name = args[0] if args else None
    if name is None or any(var.startswith("_") and var.endswith("_COMPLETE") for var in os.environ):
        return app
    commands = [
        c for c in app.registered_commands if name in (c.name, c.callback and get_command_name(c.callback.__name__))
    ]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return app
    one = copy.copy(app)
    one.registered_commands, one.registered_groups = commands, groups
    return one


def main() -> None:
    """Entry point. An internal error exits 3 with its traceback, never 1 (1 means gaps were found)."""
    try:
        for_command(sys.argv[1:])(standalone_mode=True)
    except SystemExit:
        raise
    except Exception:  # surfaced, not swallowed: the traceback goes to stderr
        import traceback

        traceback.print_exc()
        err_console().print(both("cli.internal"), markup=False)
        sys.exit(INTERNAL_ERROR)
