"""Coverage maps (rulebooks/coverage/<CODE>.yaml): every article of an instrument classified.

Which rules encode an obligation article, and which obligations a penalty article punishes, are
computed from the rules' citations and penalties — the maps only classify.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine import citation
from engine.errors import Problem
from engine.i18n import both, listed
from engine.resources import data_dir
from engine.rulebook import Rulebooks
from engine.text import Text
from engine.validation import pydantic_problems
from engine.yamlsafe import Located, load

ArticleClass = Literal["obligation", "definition", "state_duty", "penalty", "not_applicable"]
NEEDS_REASON = ("state_duty", "not_applicable")


class ArticleEntry(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=True)

    article: int
    kind: ArticleClass = Field(alias="class")
    reason: Text | None = None
    not_encoded: Text | None = None


class CoverageMap(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    instrument: str
    articles: list[ArticleEntry]


@dataclass
class InstrumentCoverage:
    instrument: str
    articles: int
    classified: int
    obligation_articles: list[int] = field(default_factory=list)
    encoded: dict[int, list[str]] = field(default_factory=dict)  # article -> rule ids citing it
    missing: dict[int, Text | None] = field(default_factory=dict)  # article -> why not encoded
    penalties: dict[int, list[str]] = field(default_factory=dict)  # penalty article -> obligations
    has_map: bool = True

    @property
    def percent(self) -> float:
        n = len(self.obligation_articles)
        return 100.0 * len(self.encoded) / n if n else 100.0


def coverage_files() -> list[Path]:
    return sorted((data_dir("rulebooks") / "coverage").glob("*.yaml"))


def _citing(books: Rulebooks) -> tuple[dict[tuple[str, int], list[str]], dict[tuple[str, int], list[str]]]:
    cites: dict[tuple[str, int], list[str]] = defaultdict(list)
    punishes: dict[tuple[str, int], list[str]] = defaultdict(list)
    for oid, ob in books.obligations.items():
        for c in ob.parsed_citations():
            if c.article is not None:
                cites[(c.instrument, c.article)].append(oid)
        for c in ob.parsed_penalties():
            if c.article is not None:
                punishes[(c.instrument, c.article)].append(oid)
    texts_by_rule = {rid: d.citations for rid, d in books.derived.items()}
    texts_by_rule.update(
        {
            rid: [t for o in dec.outcomes for t in [*o.citations, *(c for task in o.tasks for c in task.citations)]]
            for rid, dec in books.decisions.items()
        }
    )
    for rid, texts in texts_by_rule.items():
        for t in texts:
            c = citation.Citation.parse(t)
            if c.article is not None:
                cites[(c.instrument, c.article)].append(rid)
    return cites, punishes


def compute(books: Rulebooks) -> tuple[list[InstrumentCoverage], list[Problem]]:
    """Coverage per instrument of the citation index, plus map problems (for lint)."""
    problems: list[Problem] = []
    maps: dict[str, tuple[Located, CoverageMap]] = {}
    for path in coverage_files():
        located = load(path)
        try:
            cmap = CoverageMap.model_validate(located.data)
        except ValidationError as exc:
            problems += pydantic_problems(exc, located)
            continue
        maps[cmap.instrument] = (located, cmap)
    cites, punishes = _citing(books)
    out: list[InstrumentCoverage] = []
    for code, inst in sorted(citation.instruments().items()):
        numbers = sorted(int(n) for n in inst["articles"]) + list(inst["missing_articles"])
        cov = InstrumentCoverage(code, len(numbers), 0, has_map=code in maps)
        if code in maps:
            located, cmap = maps[code]
            problems += list(_lint_map(located, cmap, set(numbers)))
            for entry in cmap.articles:
                cov.classified += 1
                if entry.kind == "obligation":
                    cov.obligation_articles.append(entry.article)
                    rules = sorted(set(cites.get((code, entry.article), [])))
                    if rules:
                        cov.encoded[entry.article] = rules
                    else:
                        cov.missing[entry.article] = entry.not_encoded
                elif entry.kind == "penalty":
                    cov.penalties[entry.article] = sorted(set(punishes.get((code, entry.article), [])))
        out.append(cov)
    for code, (located, _) in maps.items():
        if citation.instrument(code) is None:
            problems.append(Problem(located.file, both("rulebook.unknown_instrument", code=code), "instrument"))
    return out, problems


def _lint_map(located: Located, cmap: CoverageMap, numbers: set[int]) -> Iterator[Problem]:
    seen: set[int] = set()
    for i, entry in enumerate(cmap.articles):
        line, col = located.where(f"articles.{i}")
        texts = []
        if entry.article not in numbers:
            texts.append(both("citation.no_article", code=cmap.instrument, article=entry.article))
        if entry.article in seen:
            texts.append(both("coverage.twice", article=entry.article))
        seen.add(entry.article)
        if entry.kind in NEEDS_REASON and entry.reason is None:
            texts.append(both("coverage.needs_reason", article=entry.article, kind=entry.kind))
        for text in texts:
            yield Problem(located.file, text, f"articles.{i}", line, col)
    if missing := sorted(numbers - seen):
        yield Problem(located.file, both("coverage.unclassified", articles=listed(map(str, missing))), "articles")
