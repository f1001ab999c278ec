"""Workflow commands of `hegui`: batch, questionnaire, explain, diff, init (added by `register`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

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
from engine.errors import InputError
from engine.overwrite import ForceOption
from engine.usecases import parse_date, parse_formats

LangOption = Annotated[Lang, typer.Option("--lang", help="界面语言 / Language of the output.")]


@input_errors_exit_2
def batch(
    paths: Annotated[
        list[Path],
        typer.Argument(help="评估文件夹或包含它们的文件夹 / Assessment folders, or folders holding them."),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="输出文件夹（每项评估一个子文件夹）/ Output folder (one sub-folder per assessment).",
        ),
    ],
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="并行进程数（默认：CPU 核数）/ Worker processes (default: number of cores).",
        ),
    ] = None,
    formats: FormatsOption = "json",
    fail_on: FailOnOption = FailOn.high,
    force: Annotated[
        bool, typer.Option("--force", help="重新评估未变化的评估 / Re-assess unchanged assessments too.")
    ] = False,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="在 Dask 集群上评估（调度器地址，如 tcp://host:8786；见 docs/scaling.md）"
            "/ Assess on a Dask cluster (scheduler address, e.g. tcp://host:8786; see docs/scaling.md).",
        ),
    ] = None,
    as_of: AsOfOption = None,
    report_lang: ReportLangOption = None,
    reproducible: ReproducibleOption = False,
    edition: EditionOption = Edition.filing,
    lang: LangOption = Lang.zh,
) -> None:
    """批量评估，输出组合汇总 / Assess many folders in parallel and write a portfolio summary."""
    from engine.i18n import tr
    from engine.workflow.batch import Options, discover, run_batch
    from engine.workflow.progress import Reporter

    options = Options(
        tuple(parse_formats(formats)),
        report_lang.value if report_lang else None,
        parse_date(as_of, "--as-of"),
        reproducible,
        edition.value,
    )
    folders = discover(paths)
    with Reporter(err_console(), len(folders), lang.value) as reporter:
        jobs = jobs or os.cpu_count() or 1
        remote = None
        if scheduler is not None:
            from engine.workflow.dask_runner import on_cluster

            remote = on_cluster(scheduler)
        result = run_batch(folders, out, options, jobs=jobs, force=force, on_done=reporter, remote=remote)
    console = out_console()
    console.print(
        tr(
            "batch.totals",
            lang.value,
            total=len(result.rows),
            assessed=result.count("assessed"),
            unchanged=result.count("unchanged"),
            invalid=result.count("invalid"),
            failed=result.count("failed"),
        ),
        markup=False,
    )
    broken = [r for r in result.rows if r.status in ("invalid", "failed")]
    if broken:
        console.print(f"{tr('batch.problems', lang.value)}:", markup=False)
        for row in broken:
            console.print(f"  {row.folder}", markup=False)
            for line in row.error.splitlines():
                console.print(f"    {line}", markup=False)
    console.print(
        f"{tr('batch.written', lang.value)}: {out / 'summary.json'}, {out / 'summary.csv'}, {out / 'summary.xlsx'}",
        markup=False,
    )
    raise typer.Exit(result.exit_code(fail_on.value))


@input_errors_exit_2
def questionnaire(
    path: Annotated[Path, typer.Argument(help="评估文件夹 / Assessment folder.")],
    lang: LangOption = Lang.zh,
    export: Annotated[
        Path | None,
        typer.Option("--export", help="导出为 Excel 问卷供离线填写 / Export an Excel questionnaire to fill offline."),
    ] = None,
    import_: Annotated[
        Path | None,
        typer.Option("--import", help="导入填好的 Excel 问卷 / Import a filled Excel questionnaire."),
    ] = None,
    force: ForceOption = False,
) -> None:
    """逐题填写问卷，每答一题即保存 / Answer the questions that apply, saved after every answer."""
    from engine.i18n import both, tr
    from engine.inputs import ASSESSMENT_FILE, DATASETS_CSV, DATASETS_YAML, load_assessment
    from engine.output import write_atomic
    from engine.overwrite import check_output, output_errors, workbook_is_ours
    from engine.workflow import questionnaire as qn
    from engine.workflow.workbook import apply_import, changed, export_workbook, read_workbook

    console = out_console()
    if export is not None and import_ is not None:
        raise InputError.one("--export/--import", both("q.one_of"))
    if export is None and import_ is None:
        finished = qn.run(path, lang.value, console)
        if finished is not None:
            qn.print_unknown(finished, lang.value, console)
        return
    editor, loaded = qn.open_for_editing(path)
    ident = editor.section("assessment").get("id")
    slots = qn.slots(loaded) if loaded is not None else []
    if export is not None:
        inputs = [editor.folder / name for name in (ASSESSMENT_FILE, DATASETS_YAML, DATASETS_CSV)]
        check_output(export, force=force, ours=workbook_is_ours, inputs=inputs)
        data = export_workbook(slots, ident, lang.value, editor)
        with output_errors(export):
            write_atomic(export, data)
        console.print(tr("q.exported", lang.value, file=export), markup=False)
        return
    assert import_ is not None
    imported = read_workbook(import_, str(import_), slots, ident, lang.value, editor)
    answers = changed(imported.answers, slots)
    apply_import(editor.folder, editor, imported, answers, str(import_))
    console.print(tr("qb.imported", lang.value, file=import_, n=len(answers), fields=imported.fields), markup=False)
    loaded = load_assessment(path)
    qn.print_unknown(loaded, lang.value, console)


@input_errors_exit_2
def explain(
    path: Annotated[
        Path,
        typer.Argument(help="findings.json、输出或评估文件夹 / findings.json, an output or assessment folder."),
    ],
    finding_id: Annotated[
        str,
        typer.Argument(help="义务结论编号，如 PIPL-29-separate-consent-sensitive@face-login / Finding id."),
    ],
    lang: LangOption = Lang.zh,
) -> None:
    """解释一项结论：事实、规则、依据与整改 / Explain a finding: facts, rule, law, remedy."""
    from engine import usecases
    from engine.workflow.explain import print_explanation

    print_explanation(usecases.explain(usecases.findings(path), finding_id, str(path)), lang.value, out_console())


@input_errors_exit_2
def diff(
    old: Annotated[
        Path, typer.Argument(help="原 findings.json 或评估文件夹 / Old findings.json or assessment folder.")
    ],
    new: Annotated[
        Path, typer.Argument(help="新 findings.json 或评估文件夹 / New findings.json or assessment folder.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON / Print JSON.")] = False,
    lang: LangOption = Lang.zh,
) -> None:
    """比较两次评估的差距、状态与事实 / Compare two assessments: gaps, statuses, facts."""
    import sys

    from engine import usecases
    from engine.workflow.diff import print_diff

    result = usecases.diff(usecases.findings(old), usecases.findings(new))
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        print_diff(result, lang.value, out_console())


@input_errors_exit_2
def init(
    folder: Annotated[Path, typer.Argument(help="新评估文件夹 / New assessment folder.")],
    lang: LangOption = Lang.zh,
) -> None:
    """新建含全部字段与问题的评估文件夹 / Scaffold an assessment folder."""
    from datetime import date

    from engine.i18n import both, tr
    from engine.inputs import ASSESSMENT_FILE, DATASETS_YAML
    from engine.output import write_atomic
    from engine.workflow.scaffold import DATASETS, scaffold

    for name in (ASSESSMENT_FILE, DATASETS_YAML):
        if (folder / name).exists():
            raise InputError.one(str(folder / name), both("i.exists", file=name))
    write_atomic(folder / DATASETS_YAML, DATASETS)
    write_atomic(folder / ASSESSMENT_FILE, scaffold(date.today()))
    out_console().print(tr("i.created", lang.value, path=folder), markup=False)


def register(app: typer.Typer) -> None:
    """Add the workflow commands to `app` (once, however often called)."""
    if any(c.name == "batch" for c in app.registered_commands):
        return
    for name, fn in (
        ("batch", batch),
        ("questionnaire", questionnaire),
        ("explain", explain),
        ("diff", diff),
        ("init", init),
    ):
        app.command(name)(fn)
