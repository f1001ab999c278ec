"""Name hints (hints.yaml): zh / pinyin / initials / en words that point to a PI category.

Hints only suggest. The scanner reads column names and comments with them, and the importers use
them for "did you mean" on unknown categories; they are deliberately not taxonomy aliases, which
would make "shouji" resolve silently. A name may suggest several categories (`zw`: 职务 or 指纹):
`candidates` lists them best first and the scanner keeps the first one the values do not
contradict (each category may name the `shape` its values have, see validators.SHAPES).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cache, partial
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from engine.i18n import both, did_you_mean
from engine.taxonomy import taxonomy
from engine.text import Text
from engine.yamlsafe import load


class _Words(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    zh: list[str] = Field(default_factory=list)
    pinyin: list[str] = Field(default_factory=list)
    initials: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)


class _Category(_Words):
    shape: str | None = None  # validators.SHAPES key: what this category's values look like


class _NotPi(_Words):
    label: Text
    overrides: list[str] = Field(default_factory=list)  # value rules' categories this name outranks


class _TableKind(_Words):
    label: Text
    not_pi: list[str]  # categories whose values, in such a table, describe machines, not people
    keep: list[str] = Field(default_factory=list)  # column-name words that keep the category there


class _HintFile(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    categories: dict[str, _Category]
    not_pi: dict[str, _NotPi]
    tables: dict[str, _TableKind]


@dataclass(frozen=True)
class Hint:
    """A hint that matched: category is a taxonomy key, or None with not_pi set (an organisation code)."""

    category: str | None
    word: str
    not_pi: Text | None = None
    shape: str | None = None
    overrides: frozenset[str] = frozenset()
    weak: bool = False  # found as the tail of an initials compound (ddh → dh), not as a whole word


@dataclass(frozen=True)
class TableKind:
    """A kind of table (configuration) in which values of some categories are not PI."""

    label: Text
    word: str
    not_pi: frozenset[str]
    keep: frozenset[str]

    def keeps(self, column: str) -> bool:
        """Whether a column's name says its values are about people even in this kind of table."""
        return bool(self.keep.intersection(tokens(column)))


@dataclass(frozen=True)
class _Entry:
    hint: Hint
    tokens: tuple[str, ...]  # empty for zh words (substring match)
    exclude: frozenset[str]
    weight: tuple[int, int]  # (tokens, characters): the longest match wins
    initials: bool = False  # pinyin initials: also the tail of a vowelless compound (shrdh → dh)


def tokens(text: str) -> list[str]:
    """snake_case, camelCase, kebab and digits split into lower-case words (IdNo → id, no)."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text))
    return re.findall(r"[a-z]+|[0-9]+", spaced.lower())


class Hints:
    def __init__(self, data: _HintFile) -> None:
        tax = taxonomy()
        unknown = [k for k in data.categories if k not in tax.categories]
        unknown += [k for t in data.tables.values() for k in t.not_pi if k not in tax.categories]
        unknown += [k for n in data.not_pi.values() for k in n.overrides if k not in tax.categories]
        if unknown:
            raise ValueError(f"hints.yaml names unknown taxonomy keys: {', '.join(unknown)}")
        self.entries: list[_Entry] = []
        for key, cat in data.categories.items():
            self.entries += _entries(cat, partial(_category_hint, key, cat.shape))
        for n in data.not_pi.values():
            self.entries += _entries(n, partial(_not_pi_hint, n.label, frozenset(n.overrides)))
        self._seen: dict[str | None, list[Hint]] = {}
        self.tables = {k: (t, _entries(t, partial(Hint, None))) for k, t in data.tables.items()}

    def match(self, text: str | None) -> Hint | None:
        """The most specific hint found in a column name or comment, None when nothing matches."""
        found = self.candidates(text)
        return found[0] if found else None

    def candidates(self, text: str | None) -> list[Hint]:
        """Every category a name or comment suggests, the most specific first (one hint per category).

        On a tie, a hint whose category names a value shape comes first: its values can still rule
        it out (`zw` is 指纹 only if the values look like templates, else 职务)."""
        if text in self._seen:
            return self._seen[text]
        scored = sorted(_scored(self.entries, text), key=lambda we: (we[0], we[1].hint.shape is not None), reverse=True)
        seen: set[str | None] = set()
        found: list[Hint] = []
        for weight, e in scored:
            if e.hint.category not in seen:
                seen.add(e.hint.category)
                found.append(e.hint if weight[1] else replace(e.hint, weak=True))
        if len(self._seen) < 100_000:  # column names repeat across tables; the memory stays bounded
            self._seen[text] = found
        return found

    def table_kind(self, name: str, comment: str | None) -> TableKind | None:
        """What a table's name or comment says it holds (a configuration table), if a word says so."""
        for text in (name, comment):
            for kind, entries in self.tables.values():
                for _w, e in _scored(entries, text):
                    return TableKind(kind.label, e.hint.word, frozenset(kind.not_pi), frozenset(kind.keep))
        return None

    def suggestion(self, word: str) -> str | None:
        """The taxonomy key an unknown category most likely meant: hints first, then spelling."""
        hint = self.match(word)
        if hint is not None and hint.category is not None:
            return hint.category
        tax = taxonomy()
        close = difflib.get_close_matches(word, list(tax.categories), n=1, cutoff=0.5)
        return close[0] if close else None


def _category_hint(key: str, shape: str | None, word: str) -> Hint:
    return Hint(key, word, shape=shape)


def _not_pi_hint(label: Text, overrides: frozenset[str], word: str) -> Hint:
    return Hint(None, word, label, overrides=overrides)


def _entries(words: _Words, hint: Callable[[str], Hint]) -> list[_Entry]:
    exclude = frozenset(words.exclude)
    found = [_Entry(hint(w), (), exclude, (len(w), len(w) * 3)) for w in words.zh]
    for group, initials in ((words.pinyin + words.en, False), (words.initials, True)):
        for w in group:
            toks = tuple(tokens(w))
            found.append(_Entry(hint(w), toks, exclude, (len(toks), len("".join(toks))), initials))
    return found


_VOWELS = frozenset("aeiou")


def _scored(entries: list[_Entry], text: str | None) -> Iterator[tuple[tuple[bool, bool, int, int, int], _Entry]]:
    """(weight, entry) for every entry found in text: exact names first, then whole words over the
    tail of an initials compound, then the most specific word, then the last one: the head of a
    compound names what it is (联系人手机号 is a phone number, contact_phone too, shrdh 收货人电话)."""
    if not text:
        return
    toks = tokens(text)
    joined = "".join(toks)
    lowered = text.lower()
    compounds = [i for i, t in enumerate(toks) if not _VOWELS.intersection(t) and len(t) > 2]
    for e in entries:
        if e.exclude.intersection(toks):
            continue
        exact = bool(e.tokens) and joined == "".join(e.tokens)
        end = _end(toks, e.tokens) if e.tokens else _zh_end(lowered, e.hint.word)
        whole = exact or end > 0
        if not whole and e.initials and len(e.tokens) == 1:
            end = max((i + 1 for i in compounds if toks[i].endswith(e.tokens[0]) and toks[i] != e.tokens[0]), default=0)
        if whole or end > 0:
            yield (exact, whole, *e.weight, end), e


def _end(haystack: list[str], needle: tuple[str, ...]) -> int:
    """1 + index of the last word of the last occurrence of needle in haystack; 0 when absent."""
    n = len(needle)
    ends = (i + n for i in range(len(haystack) - n + 1) if tuple(haystack[i : i + n]) == needle)
    return max(ends, default=0)


def _zh_end(text: str, word: str) -> int:
    at = text.rfind(word.lower())
    return at + len(word) if at >= 0 else 0


def unknown_category(word: str) -> str:
    """The problem for a PI category the taxonomy does not know, suggesting the likeliest key (zh / en)."""
    return both("input.unknown_category", category=word, hint=did_you_mean(hints().suggestion(word)))


@cache
def hints() -> Hints:
    located = load(Path(__file__).with_name("hints.yaml"))
    return Hints(_HintFile.model_validate(located.data))
