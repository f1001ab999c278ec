"""Coverage maps (rulebooks/coverage/<CODE>.yaml): every article of an instrument classified.

An article's class is the default for each of its paragraphs (款); `paragraphs:` classifies single
paragraphs differently (e.g. a state duty inside an obligation article). An obligation paragraph is
encoded when some rule cites it, an item of it, or its whole article; an article is encoded only when
every one of its obligation paragraphs is. Which rules encode what, and which obligations a penalty
article punishes, are computed from the rules' citations and penalties — the maps only classify.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

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
WHOLE = 0  # the paragraph number standing for an article whose paragraphs the index does not know


class _Classified(BaseModel):
    """What an article or one of its paragraphs is, why, and (if an obligation) why it is not encoded."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=True)

    kind: ArticleClass = Field(alias="class")
    reason: Text | None = None
    not_encoded: Text | None = None


class ParagraphEntry(_Classified):
    paragraph: int


class ArticleEntry(_Classified):
    article: int
    paragraphs: list[ParagraphEntry] = Field(default_factory=list)


class CoverageMap(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    instrument: str
    articles: list[ArticleEntry]


@dataclass
class InstrumentCoverage:
    instrument: str
    articles: int
    classified: int
    paragraphs: dict[int, list[int]] = field(default_factory=dict)  # obligation article -> obligation paragraphs
    rules: dict[int, list[str]] = field(default_factory=dict)  # obligation article -> rules citing any part
    missing_paragraphs: dict[tuple[int, int], Text | None] = field(default_factory=dict)  # -> why not encoded
    penalties: dict[int, list[str]] = field(default_factory=dict)  # penalty article -> obligations
    has_map: bool = True

    @property
    def obligation_articles(self) -> list[int]:
        return sorted(self.paragraphs)

    @property
    def missing(self) -> list[int]:
        """Obligation articles with at least one paragraph no rule cites."""
        return sorted({article for article, _ in self.missing_paragraphs})

    @property
    def encoded(self) -> list[int]:
        gaps = set(self.missing)
        return [a for a in self.obligation_articles if a not in gaps]

    @property
    def obligation_paragraphs(self) -> int:
        return sum(len(p) for p in self.paragraphs.values())

    @property
    def encoded_paragraphs(self) -> int:
        return self.obligation_paragraphs - len(self.missing_paragraphs)

    @property
    def percent(self) -> float:
        """Share of obligation articles encoded in full."""
        n = len(self.paragraphs)
        return 100.0 * len(self.encoded) / n if n else 100.0

    @property
    def paragraph_percent(self) -> float:
        n = self.obligation_paragraphs
        return 100.0 * self.encoded_paragraphs / n if n else 100.0

    def missing_citations(self) -> list[str]:
        """Each obligation paragraph no rule cites, as a citation (the article alone when it is all of it)."""
        out = []
        for article, para in sorted(self.missing_paragraphs):
            whole = para == WHOLE or _paragraph_count(self, article) == 1
            cite = citation.Citation(instrument=self.instrument, article=article, paragraph=None if whole else para)
            out.append(str(cite))
        return out

    def missing_text(self) -> str:
        """Articles not fully encoded, with the missing paragraphs in brackets where only some of the article's
        obligation paragraphs are: `24(1, 2), 42`."""
        by_article: dict[int, list[int]] = defaultdict(list)
        for article, para in sorted(self.missing_paragraphs):
            by_article[article].append(para)
        parts = []
        for article, paras in by_article.items():
            partial = paras != self.paragraphs[article]
            parts.append(f"{article}({', '.join(map(str, paras))})" if partial else str(article))
        return ", ".join(parts)

    def as_json(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "articles": self.articles,
            "has_map": self.has_map,
            "obligation_articles": len(self.paragraphs),
            "encoded": len(self.encoded),
            "missing": self.missing,
            "percent": round(self.percent, 1),
            "obligation_paragraphs": self.obligation_paragraphs,
            "encoded_paragraphs": self.encoded_paragraphs,
            "missing_paragraphs": self.missing_citations(),
            "paragraph_percent": round(self.paragraph_percent, 1),
            "rules_by_article": {str(k): v for k, v in sorted(self.rules.items())},
            "penalties": {str(k): v for k, v in sorted(self.penalties.items())},
        }


def _paragraph_count(cov: InstrumentCoverage, article: int) -> int:
    return len(_paragraph_numbers(cov.instrument, article))


def _paragraph_numbers(code: str, article: int) -> list[int]:
    """The article's paragraphs per the citation index; [WHOLE] where it does not know them (or the article)."""
    paras = citation.instruments()[code]["articles"].get(str(article))
    return list(range(1, len(paras) + 1)) if paras else [WHOLE]


def coverage_files() -> list[Path]:
    return sorted((data_dir("rulebooks") / "coverage").glob("*.yaml"))


Cited = dict[tuple[str, int], dict[int | None, list[str]]]  # (code, article) -> paragraph or None (all) -> rules


def _citing(books: Rulebooks) -> tuple[Cited, dict[tuple[str, int], list[str]]]:
    cites: Cited = defaultdict(lambda: defaultdict(list))
    punishes: dict[tuple[str, int], list[str]] = defaultdict(list)
    for oid, ob in books.obligations.items():
        for c in ob.parsed_citations():
            if c.article is not None:
                cites[(c.instrument, c.article)][c.paragraph].append(oid)
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
                cites[(c.instrument, c.article)][c.paragraph].append(rid)
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
                _classify(cov, entry, cites.get((code, entry.article), {}))
                if entry.kind == "penalty":
                    cov.penalties[entry.article] = sorted(set(punishes.get((code, entry.article), [])))
        out.append(cov)
    for code, (located, _) in maps.items():
        if citation.instrument(code) is None:
            problems.append(Problem(located.file, both("rulebook.unknown_instrument", code=code), "instrument"))
    return out, problems


def _classify(cov: InstrumentCoverage, entry: ArticleEntry, cited: dict[int | None, list[str]]) -> None:
    """Record the article's obligation paragraphs and which of them no rule cites."""
    by_number = {p.paragraph: p for p in entry.paragraphs}
    for para in _paragraph_numbers(cov.instrument, entry.article):
        own = by_number.get(para)
        if (own.kind if own else entry.kind) != "obligation":
            continue
        cov.paragraphs.setdefault(entry.article, []).append(para)
        if None not in cited and para not in cited:
            cov.missing_paragraphs[(entry.article, para)] = (own.not_encoded if own else None) or entry.not_encoded
    if entry.article in cov.paragraphs and cited:
        cov.rules[entry.article] = sorted({rule for rules in cited.values() for rule in rules})


def _lint_map(located: Located, cmap: CoverageMap, numbers: set[int]) -> Iterator[Problem]:
    seen: set[int] = set()
    for i, entry in enumerate(cmap.articles):
        where = f"articles.{i}"
        texts = []
        if entry.article not in numbers:
            texts.append(both("citation.no_article", code=cmap.instrument, article=entry.article))
        if entry.article in seen:
            texts.append(both("coverage.twice", article=entry.article))
        seen.add(entry.article)
        if entry.kind in NEEDS_REASON and entry.reason is None:
            texts.append(both("coverage.needs_reason", article=entry.article, kind=entry.kind))
        yield from (Problem(located.file, text, where, *located.where(where)) for text in texts)
        if entry.article in numbers:
            yield from _lint_paragraphs(located, cmap.instrument, entry, where)
    if missing := sorted(numbers - seen):
        yield Problem(located.file, both("coverage.unclassified", articles=listed(map(str, missing))), "articles")


def _lint_paragraphs(located: Located, code: str, entry: ArticleEntry, base: str) -> Iterator[Problem]:
    seen: set[int] = set()
    for j, para in enumerate(entry.paragraphs):
        where = f"{base}.paragraphs.{j}"
        cite = citation.Citation(instrument=code, article=entry.article, paragraph=para.paragraph)
        texts = []
        if (why := citation.check(cite)) is not None:
            texts.append(why.both())
        if para.paragraph in seen:
            texts.append(both("coverage.paragraph_twice", article=entry.article, paragraph=para.paragraph))
        seen.add(para.paragraph)
        if para.kind in NEEDS_REASON and para.reason is None:
            texts.append(
                both("coverage.paragraph_needs_reason", article=entry.article, paragraph=para.paragraph, kind=para.kind)
            )
        yield from (Problem(located.file, text, where, *located.where(where)) for text in texts)
