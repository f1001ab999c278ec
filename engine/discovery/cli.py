"""`hegui scan` and `hegui import-inventory`; engine/cli.py adds them with register(app)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from engine.discovery import DEFAULT_TIMEOUT, SourceFormat
from engine.i18n import both
from engine.overwrite import ForceOption, check_output, yaml_is_ours
from engine.text import Text

if TYPE_CHECKING:
    from engine.discovery.emit import Written

OutOption = Annotated[Path, typer.Option("--out", "-o", help="输出的 datasets.yaml / datasets.yaml to write.")]
LocationOption = Annotated[
    str,
    typer.Option(
        "--location",
        help="数据存储地（ISO 3166-1 两位代码，CN 为中国大陆）/ Storage location (ISO 3166-1 alpha-2; CN = mainland).",
    ),
]


def register(app: typer.Typer) -> None:
    """Add the discovery commands to the hegui app."""
    from engine.clikit import err_console, input_errors_exit_2, out_console
    from engine.usecases import country_code

    def report(written: Written, out: Path) -> None:
        counts = {"datasets": written.datasets, "fields": written.fields, "with_pi": written.with_pi}
        out_console().print(both("import.written", out=out, **counts), markup=False)

    @app.command("scan")
    @input_errors_exit_2
    def scan_command(
        url: Annotated[
            str,
            typer.Argument(
                metavar="DATABASE_URL",
                help="SQLAlchemy 数据库 URL / SQLAlchemy URL (sqlite:///shop.db, postgresql+psycopg://…).",
            ),
        ],
        out: OutOption,
        tables: Annotated[
            list[str] | None,
            typer.Option(
                "--tables",
                help="只扫描这些表（逗号分隔，可用通配符）/ Only these tables (comma-separated, globs).",
            ),
        ] = None,
        sample: Annotated[int, typer.Option("--sample", min=0, help="每表抽样行数 / Rows sampled per table.")] = 1000,
        location: LocationOption = "CN",
        system: Annotated[
            str | None, typer.Option("--system", help="系统名称 / System label (default: from the URL).")
        ] = None,
        views: Annotated[
            bool,
            typer.Option("--views", help="也扫描视图和物化视图 / Scan views and materialized views too."),
        ] = False,
        timeout: Annotated[
            float,
            typer.Option(
                "--timeout",
                min=0.1,
                help="每条语句或等锁的秒数，超时的表跳过 / Seconds per statement or lock wait; a table over it "
                "is skipped.",
            ),
        ] = DEFAULT_TIMEOUT,
        force: ForceOption = False,
    ) -> None:
        """只读扫描数据库并建议个人信息类别 / Scan a database read-only; propose PI categories."""
        from engine.discovery.emit import inventory_writer
        from engine.discovery.scan import Scan, ScanOptions

        check_output(out, force=force, ours=yaml_is_ours, inputs=_database_file(url))
        patterns = [p.strip() for t in tables or [] for p in t.split(",") if p.strip()]
        options = ScanOptions(patterns, sample, country_code(location, "--location"), system, views, timeout)
        found = Scan(url, options)  # connects and lists the tables: bad input fails before any output
        with inventory_writer(out, found.header()) as writer:  # table by table: memory stays flat
            for item in found:
                if isinstance(item, Text):  # a table that could not be read: noted in the file and here
                    writer.note(item)
                    err_console().print(item.both(), markup=False)
                else:
                    writer.add(item)
        report(writer.written, out)

    @app.command("import-inventory")
    @input_errors_exit_2
    def import_command(
        source: Annotated[
            Path, typer.Argument(help="CSV、XLSX 或 Fides 数据集 YAML / CSV, XLSX or Fides dataset YAML.")
        ],
        out: OutOption,
        fmt: Annotated[
            SourceFormat,
            typer.Option("--format", help="来源格式（默认按扩展名）/ Source format (default: by extension)."),
        ] = SourceFormat.auto,
        sheet: Annotated[
            str | None,
            typer.Option("--sheet", help="XLSX 工作表（默认第一个）/ XLSX sheet (default: the first)."),
        ] = None,
        location: LocationOption = "CN",
        force: ForceOption = False,
    ) -> None:
        """导入数据集清单为 datasets.yaml / Import a dataset inventory into datasets.yaml."""
        from engine.discovery.emit import write
        from engine.discovery.imports import import_inventory

        check_output(out, force=force, ours=yaml_is_ours, inputs=[source])
        imported = import_inventory(source, fmt, sheet, country_code(location, "--location"))
        written = write(imported.drafts, imported.header, out)
        for warning in imported.warnings:
            err_console().print(str(warning), markup=False)
        report(written, out)


def _database_file(url: str) -> list[Path]:
    """The file of an SQLite URL (an input of the scan: never its output); none for a server."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return []  # the scan itself reports a bad URL
    return [Path(parsed.database)] if parsed.get_backend_name() == "sqlite" and parsed.database else []
