"""`hegui questionnaire`: ask the question bank's questions that matter for this assessment.

Which questions matter is decided by each question's `show_if`, evaluated three-valued over the
facts of its context after the real engine has filled in the derived facts; an unknown `show_if`
still asks. Every answer is validated (Question.check) and saved at once, so a stopped session
resumes where it left off.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from engine.assessment import Assessment
from engine.condition import evaluate
from engine.console import safe
from engine.errors import CONTROL
from engine.facts import Context
from engine.i18n import message, tr, value_text
from engine.inputs import ASSESSMENT_FILE, LoadedAssessment, load_assessment
from engine.questions import Question, Scope, question_bank
from engine.text import Text
from engine.workflow.answers import Answer, write_answers
from engine.yamlsafe import control_text

TRUE_WORDS = {"y", "yes", "true", "t", "1", "是", "是的", "对"}
FALSE_WORDS = {"n", "no", "false", "f", "0", "否", "不是", "不"}
EMPTY_LIST = "[]"


@dataclass(frozen=True)
class Slot:
    """One question for one context (the organisation, an activity or a transfer)."""

    scope: Scope
    subject: str
    label: Text
    question: Question
    shown: bool | None  # show_if: True, False or unknown (None)
    value: Any
    facts: Mapping[str, Any] = field(default_factory=dict, compare=False)  # its context's, derived ones included

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.scope, self.subject, self.question.id)

    def answer(self, value: Any) -> Answer:
        return Answer(self.scope, self.subject, self.question.id, value)


def _label(value: str | Text) -> Text:
    return value if isinstance(value, Text) else Text(zh=value, en=value)


def _owners(a: Assessment) -> dict[str, tuple[Text, dict[str, Any]]]:
    """Context key -> (its name, its answers) as written in assessment.yaml."""
    out = {"org:org": (_label(a.organisation.name), a.answers)}
    out.update({f"activity:{x.id}": (_label(x.name), x.answers) for x in a.activities})
    out.update({f"transfer:{t.id}": (Text(zh=t.recipient, en=t.recipient), t.answers) for t in a.transfers})
    return out


def contexts(loaded: LoadedAssessment) -> list[Context]:
    """The assessment's contexts with derived facts filled in by the real engine."""
    from engine.assess import compiled
    from engine.facts import build_contexts
    from engine.taxonomy import taxonomy

    ctxs = build_contexts(loaded.assessment, loaded.datasets, taxonomy())
    compiled().run(ctxs)
    return ctxs


def slots(loaded: LoadedAssessment) -> list[Slot]:
    """Every question of the bank for every context, with its show_if result and current answer."""
    from engine.rulebook import rulebooks

    books = rulebooks()
    owners = _owners(loaded.assessment)
    out = []
    for ctx in contexts(loaded):
        label, answers = owners[ctx.key]
        for q in question_bank().in_scope(ctx.scope):
            shown = True if not q.show_if else evaluate(books.cond(q.id, "show_if"), ctx.facts)
            out.append(Slot(ctx.scope, ctx.id, label, q, shown, answers.get(q.id), ctx.facts))
    return out


# --------------------------------------------------------------------------- answers


def coerce(q: Question, raw: Any) -> tuple[Any, Text | None]:
    """A typed answer from what a person entered (text or a spreadsheet cell), or why it is not one."""
    if isinstance(raw, str) and q.type != "text":
        raw = raw.strip()
    if isinstance(raw, str) and (found := CONTROL.search(raw)):  # assessment.yaml would refuse it
        return None, control_text(found.group())
    value: Any = raw
    if q.type == "bool" and isinstance(raw, str):
        word = raw.lower()
        value = True if word in TRUE_WORDS else False if word in FALSE_WORDS else None
        if value is None:
            return None, message("answer.yes_no", value=raw)
    elif q.type == "int" and isinstance(raw, str | float) and not isinstance(raw, bool):
        try:
            value = int(raw) if isinstance(raw, str) else raw
        except ValueError:
            return None, message("answer.int", value=raw)
        if isinstance(value, float):
            if not value.is_integer():
                return None, message("answer.int", value=raw)
            value = int(value)
    elif q.type == "choice" and isinstance(raw, str):
        value = _option(q, raw)
    elif q.type == "multi" and isinstance(raw, str):
        value = [] if raw == EMPTY_LIST else [_option(q, part) for part in _parts(raw)]
    elif q.type == "text" and isinstance(raw, int | float) and not isinstance(raw, bool):
        value = str(raw)
    elif q.type == "date" and isinstance(raw, datetime):
        value = raw.date()
    elif q.type == "date" and isinstance(raw, str):
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            return None, message("answer.date", value=raw)
    why = q.check(value)
    return (None, why) if why else (value, None)


def _parts(raw: str) -> list[str]:
    """What a multi-choice answer lists: separated by commas (also full-width), 、 or spaces; `1-3` is 1, 2, 3."""
    out: list[str] = []
    for part in re.split(r"[\s,，、]+", re.sub(r"(?<=\d)\s*[-–]\s*(?=\d)", "-", raw.strip())):
        if m := re.fullmatch(r"(\d+)-(\d+)", part):
            low, high = int(m.group(1)), int(m.group(2))
            out += [str(n) for n in range(low, high + 1)] if low <= high else [part]
        elif part:
            out.append(part)
    return out


def _option(q: Question, text: str) -> str:
    """An option by its value or its 1-based number."""
    text = text.strip()
    if text.isdigit() and 1 <= int(text) <= len(q.options):
        return q.options[int(text) - 1].value
    return text


def answer_text(q: Question, value: Any) -> str:
    """How an answer is written back for a person (the inverse of coerce for text input)."""
    if q.type == "multi":
        return ", ".join(value) if value else EMPTY_LIST
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --------------------------------------------------------------------------- why we ask


def reasons(qid: str, lang: str, facts: Mapping[str, Any] | None = None) -> Iterator[str]:
    """Each obligation the answer evidences: its title and citations; given a context's facts, only those
    that can apply to it (an obligation whose `applies` is false there, say a Shenzhen rule outside
    Shenzhen, is no reason to ask)."""
    from engine.assess import cites
    from engine.rulebook import rulebooks

    books = rulebooks()
    for oid in books.evidenced_by().get(qid, []):
        if facts is not None and evaluate(books.cond(oid, "applies"), facts) is False:
            continue
        ob = books.obligations[oid]
        labels = ("、" if lang == "zh" else "; ").join(c.label(lang) for c in cites(ob.citations, None))
        yield f"{ob.title.get(lang)} ({oid}) — {labels}"


# --------------------------------------------------------------------------- interactive

Reader = Callable[[str], str]


class Stop(Exception):
    """The user asked to stop (q, end of input or Ctrl-C); everything answered is saved."""


def _pending(loaded: LoadedAssessment, skipped: set[tuple[str, str, str]]) -> list[Slot]:
    return [s for s in slots(loaded) if s.value is None and s.shown is not False and s.key not in skipped]


def _hint(q: Question, lang: str) -> str:
    return tr(f"q.{q.type}", lang)


def _ask(slot: Slot, left: int, lang: str, console: Console, read: Reader) -> Any:
    """Ask until the answer is valid; None when skipped."""
    q = slot.question
    left_text = tr("q.left", lang, n=left)
    console.print(f"\n[bold]{safe(q.text.get(lang))}[/bold]  [dim]({q.id} · {left_text})[/dim]")
    console.print(f"  {tr('q.help', lang)}: {safe(q.help.get(lang))}", markup=True)
    why = list(reasons(q.id, lang, slot.facts))
    if why:
        console.print(f"  {tr('q.why', lang)}:")
        for line in why:
            console.print(f"    • {safe(line)}")
    for i, opt in enumerate(q.options, start=1):
        console.print(f"  {i}. {safe(getattr(opt, lang))} [dim]({opt.value})[/dim]")
    while True:
        try:
            raw = read(f"  → {safe('[' + _hint(q, lang) + ']')} ")
        except (EOFError, KeyboardInterrupt):
            raise Stop from None
        text = raw if q.type == "text" else raw.strip()
        if text.strip().lower() == "q":
            raise Stop
        if not text.strip():
            return None
        value, error = coerce(q, text.strip())
        if error is None:
            return value
        console.print(f"  [red]{safe(tr('q.invalid', lang, why=error))}[/red]")


def run(folder: Path, lang: str, console: Console, read: Reader) -> LoadedAssessment:
    """Ask every pending question in order, saving after each answer; returns the final inputs."""
    loaded = load_assessment(folder)
    path = loaded.folder / ASSESSMENT_FILE
    console.print(
        f"[bold]{safe(tr('q.title', lang, title=_label(loaded.assessment.assessment.title).get(lang)))}"
        f"[/bold]\n[dim]{safe(tr('q.keys', lang))}[/dim]"
    )
    skipped: set[tuple[str, str, str]] = set()
    heading = ""
    try:
        while pending := _pending(loaded, skipped):
            slot = pending[0]
            here = f"{tr('q.' + slot.scope, lang)}: {slot.label.get(lang)}"
            if here != heading:
                console.rule(safe(here))
                heading = here
            value = _ask(slot, len(pending), lang, console, read)
            if value is None:
                skipped.add(slot.key)
                continue
            write_answers(path, [slot.answer(value)])
            saved = safe(tr("q.saved", lang, path=path))
            console.print(f"  [green]✓ {safe(value_text(value, lang))}[/green] [dim]{saved}[/dim]")
            loaded = load_assessment(loaded.folder)
        console.print(f"\n{tr('q.done', lang)}")
    except Stop:
        console.print(f"\n{tr('q.stopped', lang)}")
    return loaded


def print_unknown(loaded: LoadedAssessment, lang: str, console: Console) -> None:
    """What is still unknown: unanswered questions that apply, and obligations left open."""
    from engine.assess import assess

    open_questions = [s for s in slots(loaded) if s.value is None and s.shown is not False]
    unknown = [f for f in assess(loaded).findings if f.status == "unknown"]
    if not open_questions and not unknown:
        console.print(tr("q.none_unknown", lang))
        return
    if open_questions:
        console.print(f"[bold]{tr('q.unanswered', lang)}[/bold] ({len(open_questions)})")
        for s in open_questions:
            console.print(f"  {safe(s.label.get(lang))} · {s.question.id}: {safe(s.question.text.get(lang))}")
    if unknown:
        console.print(f"[bold]{tr('q.unknown_findings', lang)}[/bold] ({len(unknown)})")
        for f in unknown:
            console.print(f"  {safe(f.id)}: {safe(', '.join(f.trace.unknown))}")
