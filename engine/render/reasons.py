"""Reasons in words for the filing edition: the facts that decided a finding, then its article.

The working edition shows a finding's trace as the engine recorded it (fact names, the comparison each
decided); a regulator reads none of that. Here each fact of the trace's first level is named in words
— a derived fact by its title in the rulebook, a questionnaire answer by its question, an input by its
label (messages `fact.<name>`) — with its value in words (enum values by their labels), and the
finding's result and citations follow in one sentence.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from engine.finding import CitationOut, Finding, TraceEntry
from engine.questions import Question, question_bank
from engine.render.words import Words, messages
from engine.rulebook import rulebooks
from engine.taxonomy import taxonomy
from engine.text import Text

# Input facts whose values are vocabulary words: fact -> message prefix of the value's label.
VALUE_LABELS = {
    "activity.legal_basis": "basis",
    "transfer.legal_basis": "basis",
    "activity.data_subjects": "subject",
    "org.data_subjects": "subject",
    "transfer.mechanism_in_place": "inplace",
    "org.data_grades": "grade",
    "activity.data_grades": "grade",
    "activity.role": "fact.role",
    "transfer.role": "fact.role",
    "org.roles": "fact.role",
    "org.important_data_sharing": "fact.sharing",
    "org.outside_china_basis": "fact.outside_basis",
}
OUTCOME = {"gap": "reason.gap", "met": "reason.met", "unknown": "reason.unknown", "waived": "reason.waived"}


@cache
def _questions() -> dict[str, Question]:
    return question_bank().by_id()


def fact_label(name: str, words: Words) -> Text:
    """A fact in words; a fact without a label keeps a neutral description rather than its name."""
    books = rulebooks()
    if name in books.derived:
        return books.derived[name].title
    if name.startswith("q."):
        q = _questions().get(name[2:])
        if q is not None:
            return q.text
    return words.text(f"fact.{name}") if f"fact.{name}" in messages() else words.text("reason.other_fact")


def value_words(name: str, value: Any, words: Words) -> Text:
    """A fact's value in words: yes/no, numbers with separators, vocabulary and options by their labels."""
    if value is None:
        return words.text("value.unknown")
    if isinstance(value, bool):
        return words.text("yes" if value else "no")
    if isinstance(value, int):
        return Text(zh=f"{value:,}", en=f"{value:,}")
    values = value if isinstance(value, list) else [value]
    labels = [_one(name, str(v), words) for v in values]
    if not labels:
        return words.text("none")
    return Text(zh="、".join(t.zh for t in labels), en=", ".join(t.en for t in labels))


def _one(name: str, v: str, words: Words) -> Text:
    if name.startswith("q."):
        q = _questions().get(name[2:])
        for o in q.options if q else []:
            if o.value == v:
                return Text(zh=o.zh, en=o.en)
    if (prefix := VALUE_LABELS.get(name)) and f"{prefix}.{v}" in messages():
        return words.text(f"{prefix}.{v}")
    tax = taxonomy()
    if name.endswith("pi_categories") and v in tax.categories:
        return Text(zh=tax.categories[v].zh, en=tax.categories[v].en)
    return Text(zh=v, en=v.replace("_", " "))


def facts_sentence(entries: list[TraceEntry], words: Words) -> Text:
    """ "A：是；B：否" / "A: yes; B: no" for the first level of a trace."""
    unique = {e.fact: e for e in entries}.values()  # a fact tested twice is stated once
    parts = [(fact_label(e.fact, words), value_words(e.fact, e.value, words)) for e in unique]
    return Text(
        zh="；".join(f"{label.zh}：{value.zh}" for label, value in parts),
        en="; ".join(f"{label.en}: {value.en}" for label, value in parts),
    )


def reason(finding: Finding, words: Words) -> Text:
    """The finding's reason as one sentence: what was found, then the result and the article."""
    entries = [*finding.trace.applies, *finding.trace.met]
    cites = _cite(finding.citations[:1])  # the first article; the finding lists them all beside the reason
    outcome = words.text(OUTCOME.get(finding.status, "reason.unknown"), cite=cites.zh)
    outcome_en = words.text(OUTCOME.get(finding.status, "reason.unknown"), cite=cites.en).en
    if not entries:
        return Text(zh=outcome.zh, en=outcome_en)
    facts = facts_sentence(entries, words)
    return Text(
        zh=f"{words.text('reason.found').zh}{facts.zh}。{outcome.zh}",
        en=f"{words.text('reason.found').en}{facts.en}. {outcome_en}",
    )


def _cite(cites: list[CitationOut]) -> Text:
    return Text(zh="、".join(c.label("zh") for c in cites), en="; ".join(c.label("en") for c in cites))
