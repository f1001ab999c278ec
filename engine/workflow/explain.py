"""`hegui explain`: one finding's trace in plain Chinese or English.

Everything comes from the findings document (the output contract), so explaining a signed-off
findings.json shows exactly what was decided then, without re-running anything.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from engine.errors import InputError
from engine.finding import CitationOut, Finding, FindingsDocument, TraceEntry
from engine.i18n import both, closest, tr, value_text
from engine.questions import question_bank


def find(doc: FindingsDocument, finding_id: str, file: str) -> Finding:
    """The finding with this id; a close match is suggested for a typo."""
    for f in doc.findings:
        if f.id == finding_id:
            return f
    hint = closest(finding_id, (f.id for f in doc.findings))
    raise InputError.one(file, both("x.no_finding", id=finding_id, hint=hint))


def fact_label(fact: str, lang: str) -> str:
    """A questionnaire fact reads as its question; other facts keep their name."""
    if fact.startswith("q."):
        q = question_bank().by_id().get(fact[2:])
        if q is not None:
            return f"{q.text.get(lang)} ({fact})"
    return fact


def cite_labels(cites: list[CitationOut], lang: str) -> list[str]:
    """Citation labels in `lang`, a secondary source marked (the CLI and the web page show the same)."""
    return [c.label(lang) + (tr("x.secondary", lang) if c.confidence == "secondary" else "") for c in cites]


def _trace(entries: list[TraceEntry], lang: str, console: Console, depth: int = 1) -> None:
    for e in entries:
        pad = "  " * depth
        test = f"  [dim]({escape(e.test)})[/dim]" if e.test != e.fact else ""
        value = escape(value_text(e.value, lang))
        console.print(f"{pad}• {escape(fact_label(e.fact, lang))} = [bold]{value}[/bold]{test}")
        _trace(e.because, lang, console, depth + 1)


def _section(title: str, lines: list[str], console: Console) -> None:
    if lines:
        console.print(f"\n[bold]{escape(title)}[/bold]")
        for line in lines:
            console.print(f"  • {escape(line)}")


def print_explanation(f: Finding, lang: str, console: Console) -> None:
    console.rule(escape(f.title.get(lang)))
    console.print(f"{tr('x.finding', lang)}: {escape(f.id)}")
    if f.subject:
        console.print(f"{tr('x.subject', lang)}: {escape(f.subject)}")
    console.print(
        f"{tr('x.status', lang)}: [bold]{tr('v.' + f.status, lang)}[/bold]    "
        f"{tr('x.severity', lang)}: {tr('v.' + f.severity, lang)}"
    )
    console.print(f"\n[bold]{tr('x.summary', lang)}[/bold]\n  {escape(f.summary.get(lang))}")
    console.print(f"\n[bold]{tr('x.applies', lang)}[/bold]")
    if f.trace.applies:
        _trace(f.trace.applies, lang, console)
    else:
        console.print(f"  {tr('x.always', lang)}")
    if f.trace.met:
        console.print(f"\n[bold]{tr('x.met', lang)}[/bold]")
        _trace(f.trace.met, lang, console)
    _section(tr("x.unknown", lang), [fact_label(x, lang) for x in f.trace.unknown], console)
    _section(tr("x.questions", lang), [fact_label(f"q.{q}", lang) for q in f.trace.questions], console)
    _section(tr("x.citations", lang), cite_labels(f.citations, lang), console)
    _section(tr("x.penalties", lang), cite_labels(f.penalties, lang), console)
    _section(tr("x.remediation", lang), f.remediation.get(lang), console)
    _section(tr("x.evidence", lang), f.evidence.get(lang), console)
    if f.waiver:
        w = f.waiver
        console.print(
            "\n"
            + escape(
                tr(
                    "x.waiver",
                    lang,
                    reason=w.reason,
                    approver=w.approver,
                    expires=w.expires,
                    expired=tr("x.expired", lang) if w.expired else "",
                )
            )
        )
