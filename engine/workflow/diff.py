"""`hegui diff`: what changed between two assessments (last year's signed one and this year's).

Compared by finding id: new gaps, closed gaps, every changed status, and the facts the findings'
traces recorded (so two findings.json files suffice; no inputs are needed).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from engine.finding import FindingsDocument, TraceEntry
from engine.i18n import tr, value_text

ABSENT = "not_applicable"  # a finding only in one document: its obligation did not apply in the other


class StatusChange(BaseModel):
    id: str
    title: dict[str, str]
    severity: str
    old: str
    new: str


class FactChange(BaseModel):
    subject: str
    fact: str
    old: Any
    new: Any


class Diff(BaseModel):
    old: str
    new: str
    new_gaps: list[StatusChange]
    closed_gaps: list[StatusChange]
    status_changes: list[StatusChange]
    fact_changes: list[FactChange]

    def empty(self) -> bool:
        return not (self.status_changes or self.fact_changes)


def _entries(entries: list[TraceEntry]) -> Iterator[TraceEntry]:
    for e in entries:
        yield e
        yield from _entries(e.because)


def facts(doc: FindingsDocument) -> dict[tuple[str, str], Any]:
    """(subject, fact) -> value, as recorded in every trace of the document (only facts a rule used)."""
    out: dict[tuple[str, str], Any] = {}
    for f in doc.findings:
        for e in _entries(f.trace.applies + f.trace.met):
            out[(f.subject or "org", e.fact)] = e.value
    for t in doc.transfers:
        for e in _entries(t.trace):
            out[(t.id, e.fact)] = e.value
    return out


def diff(old: FindingsDocument, new: FindingsDocument) -> Diff:
    before = {f.id: f for f in old.findings}
    after = {f.id: f for f in new.findings}
    changes = []
    for fid in sorted(before.keys() | after.keys()):
        a, b = before.get(fid), after.get(fid)
        was, now = (a.status if a else ABSENT), (b.status if b else ABSENT)
        if was != now:
            f = b or a
            assert f is not None
            changes.append(
                StatusChange(
                    id=fid, title={"zh": f.title.zh, "en": f.title.en}, severity=f.severity, old=was, new=now
                )
            )
    old_facts, new_facts = facts(old), facts(new)
    fact_changes = [
        FactChange(subject=k[0], fact=k[1], old=old_facts[k], new=new_facts[k])
        for k in sorted(old_facts.keys() & new_facts.keys())
        if old_facts[k] != new_facts[k]
    ]
    return Diff(
        old=f"{old.assessment.id} ({old.assessment.as_of})",
        new=f"{new.assessment.id} ({new.assessment.as_of})",
        new_gaps=[c for c in changes if c.new == "gap"],
        closed_gaps=[c for c in changes if c.old == "gap"],
        status_changes=changes,
        fact_changes=fact_changes,
    )


def print_diff(d: Diff, lang: str, console: Console) -> None:
    console.print(f"[bold]{escape(d.old)} → {escape(d.new)}[/bold]")
    if d.empty():
        console.print(tr("d.same", lang))
        return
    for key, rows in (
        ("d.new_gaps", d.new_gaps),
        ("d.closed_gaps", d.closed_gaps),
        ("d.statuses", d.status_changes),
    ):
        if not rows:
            continue
        table = Table(title=f"{tr(key, lang)} ({len(rows)})")
        for col in ("x.finding", "x.severity", "d.old", "d.new"):
            table.add_column(tr(col, lang))
        for c in rows:
            table.add_row(
                f"{c.title[lang]}\n[dim]{escape(c.id)}[/dim]",
                tr("v." + c.severity, lang),
                tr("v." + c.old, lang),
                tr("v." + c.new, lang),
            )
        console.print(table)
    if d.fact_changes:
        table = Table(title=f"{tr('d.facts', lang)} ({len(d.fact_changes)})")
        for col in ("d.context", "d.fact", "d.old", "d.new"):
            table.add_column(tr(col, lang))
        for fc in d.fact_changes:
            table.add_row(
                escape(fc.subject),
                escape(fc.fact),
                escape(value_text(fc.old, lang)),
                escape(value_text(fc.new, lang)),
            )
        console.print(table)
