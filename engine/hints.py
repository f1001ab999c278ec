"""Name hints (hints.yaml): zh / pinyin / en words that point to a PI category.

Hints only suggest. The scanner reads column names and comments with them, and the importers use
them for "did you mean" on unknown categories; they are deliberately not taxonomy aliases, which
would make "shouji" resolve silently.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
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
    en: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)


class _NotPi(_Words):
    label: Text


class _HintFile(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    categories: dict[str, _Words]
    not_pi: dict[str, _NotPi]


@dataclass(frozen=True)
class Hint:
    """A hint that matched: category is a taxonomy key, or None with not_pi set (an organisation code)."""

    category: str | None
    word: str
    not_pi: Text | None = None


@dataclass(frozen=True)
class _Entry:
    hint: Hint
    tokens: tuple[str, ...]  # empty for zh words (substring match)
    exclude: frozenset[str]
    weight: tuple[int, int]  # (tokens, characters): the longest match wins


def tokens(text: str) -> list[str]:
    """snake_case, camelCase, kebab and digits split into lower-case words (IdNo → id, no)."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text))
    return re.findall(r"[a-z]+|[0-9]+", spaced.lower())


class Hints:
    def __init__(self, data: _HintFile) -> None:
        tax = taxonomy()
        unknown = [k for k in data.categories if k not in tax.categories]
        if unknown:
            raise ValueError(f"hints.yaml names unknown taxonomy keys: {', '.join(unknown)}")
        self.entries: list[_Entry] = []
        groups: list[tuple[str | None, Text | None, _Words]] = [
            (k, None, w) for k, w in data.categories.items()
        ]
        groups += [(None, n.label, n) for n in data.not_pi.values()]
        for key, label, words in groups:
            exclude = frozenset(words.exclude)
            for w in words.zh:
                self.entries.append(_Entry(Hint(key, w, label), (), exclude, (len(w), len(w) * 3)))
            for w in words.pinyin + words.en:
                toks = tuple(tokens(w))
                self.entries.append(
                    _Entry(Hint(key, w, label), toks, exclude, (len(toks), len("".join(toks))))
                )

    def match(self, text: str | None) -> Hint | None:
        """The most specific hint found in a column name or comment, None when nothing matches."""
        if not text:
            return None
        toks = tokens(text)
        joined = "".join(toks)
        lowered = text.lower()
        best: tuple[tuple[bool, int, int, int], _Entry] | None = None
        for e in self.entries:
            if e.exclude.intersection(toks):
                continue
            exact = bool(e.tokens) and joined == "".join(e.tokens)
            end = _end(toks, e.tokens) if e.tokens else _zh_end(lowered, e.hint.word)
            if exact or end > 0:
                # exact names first, then the most specific word, then the last one: the head of a
                # compound names what it is (联系人手机号 is a phone number, contact_phone too)
                weight = (exact, *e.weight, end)
                if best is None or weight > best[0]:
                    best = (weight, e)
        return best[1].hint if best else None

    def suggestion(self, word: str) -> str | None:
        """The taxonomy key an unknown category most likely meant: hints first, then spelling."""
        hint = self.match(word)
        if hint is not None and hint.category is not None:
            return hint.category
        tax = taxonomy()
        close = difflib.get_close_matches(word, list(tax.categories), n=1, cutoff=0.5)
        return close[0] if close else None


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
