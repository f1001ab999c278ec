"""Batch progress: a rich bar with counts and ETA on a terminal, one plain line per folder otherwise."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from engine.i18n import tr
from engine.obligation import SEVERITIES
from engine.workflow.batch import Row

STYLE = {"assessed": "green", "unchanged": "dim", "invalid": "bold red", "failed": "bold red"}


def describe(row: Row, lang: str) -> str:
    """`assessed shenzhen-ecommerce-2026: 9 gaps (critical 1, high 5, …)` in `lang`."""
    text = f"{tr('batch.' + row.status, lang)} {row.id}"
    if row.status in ("invalid", "failed"):
        return f"{text} ({row.folder})"
    total = sum(row.gaps.values())
    detail = ", ".join(f"{tr('v.' + s, lang)} {row.gaps[s]}" for s in SEVERITIES if row.gaps.get(s))
    return f"{text}: {tr('batch.gaps', lang, n=total)}" + (f" ({detail})" if detail else "")


class Reporter:
    """Context manager that reports each finished folder on `console` (stderr)."""

    def __init__(self, console: Console, total: int, lang: str) -> None:
        self.console, self.total, self.lang, self.done = console, total, lang, 0
        self.bar: Progress | None = None
        if console.is_terminal:
            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=console,
                transient=False,
            )
            self.task = self.bar.add_task(tr("batch.progress", lang), total=total)

    def __enter__(self) -> Reporter:
        return self  # the bar starts with the first result, after the pool has forked its workers

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.bar:
            self.bar.stop()

    def __call__(self, row: Row) -> None:
        self.done += 1
        line = f"[{self.done}/{self.total}] [{STYLE[row.status]}]{escape(describe(row, self.lang))}[/]"
        if self.bar:
            if self.done == 1:
                self.bar.start()
            self.bar.advance(self.task)
            if row.status in (
                "invalid",
                "failed",
            ):  # finished folders scroll above the bar only when they need attention
                self.bar.console.print(line)
        else:
            self.console.print(line)
