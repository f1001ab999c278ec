"""Propose a PI category for one column from its name, its comment and sampled values.

Values outrank names: a column named `phone` whose values are order numbers gets no category (with
the contradiction as evidence), and a column named `remark` full of valid ID numbers gets
id_card_number. Free text is searched too: a `remark` column in which some values mention a valid
mobile number or ID number gets that category, with the share of values as evidence. Evidence never
holds a raw value, only masked examples.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from engine.discovery.validators import BY_RULE, VALIDATORS, Validator
from engine.hints import Hint, hints
from engine.text import Text

MIN_SHARE = 0.5  # share of sampled non-empty values that must validate to propose from values
CONTRADICTS = 0.2  # a name hint is dropped when fewer validate than this …
MIN_SAMPLED = 10  # … out of at least this many values
MAX_VALUE_CHARS = 256  # longer values (free text) are counted but not checked
NAME_ONLY = 0.6  # confidence of a proposal from a name or comment alone
PRUNE_AFTER = 100  # values after which rules that fitted none are no longer tried
# Free text: values no validator accepts whole are searched for these, up to SEARCH_CHARS characters;
# a column is proposed from them when at least EMBEDDED_MIN_SHARE of its values (and 2) mention one.
SEARCH_CHARS = 4096
EMBEDDED_MIN_SHARE = 0.05
# Only validators with a check digit, a number plan or a strict syntax: in prose, a weaker format (a
# 15-digit legacy ID, a passport number, a date) would mostly find order numbers and timestamps.
_EMBEDDED = tuple(BY_RULE[r] for r in ("prc_resident_id", "mainland_mobile", "bank_card", "email"))
_CANDIDATE = re.compile(
    r"(?<![0-9A-Za-z])(?:\d{17}[0-9Xx]|\d{11,19})(?![0-9A-Za-z])"  # digits not inside a longer code
    r"|[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+"
)

# The validators worth trying on a text of each length (0 … MAX_VALUE_CHARS).
_BY_LENGTH = tuple(tuple(v for v in VALIDATORS if v.lengths[0] <= n <= v.lengths[1])
                   for n in range(MAX_VALUE_CHARS + 1))  # fmt: skip

# Categories whose values a validator can confirm or contradict (every valid value passes one of them).
_CHECKABLE = {
    "id_card_number",
    "phone",
    "email",
    "ip_address",
    "bank_account",
    "vehicle_plate",
    "date_of_birth",
}


@dataclass
class ColumnStats:
    """Running counts for one column; keeps one masked example per rule, never a raw value.

    A rule that fits none of the first PRUNE_AFTER values is not tried on the rest: it could not
    reach MIN_SHARE in any realistic column, and dropping it makes scanning several times faster.
    """

    sampled: int = 0
    hits: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    by_length: list[tuple[Validator, ...]] = field(default_factory=lambda: list(_BY_LENGTH))
    embedded: Counter[str] = field(default_factory=Counter)  # values that mention a valid item, by rule
    embedded_examples: dict[str, str] = field(default_factory=dict)

    def add(self, value: object) -> None:
        text = as_text(value)
        if not text:
            return
        self.sampled += 1
        whole = False
        if len(text) <= MAX_VALUE_CHARS:
            for v in self.by_length[len(text)]:
                if v.check(text):
                    whole = True
                    self.hits[v.rule] += 1
                    if v.rule not in self.examples:
                        self.examples[v.rule] = v.mask(text)
            if self.sampled == PRUNE_AFTER:
                self.by_length = [tuple(v for v in vs if self.hits[v.rule]) for vs in self.by_length]
        if not whole and len(text) >= 6 and not text.isdigit():  # a bare number was checked whole
            for rule, masked in dict(_mentions(text[:SEARCH_CHARS])).items():
                self.embedded[rule] += 1
                self.embedded_examples.setdefault(rule, masked)

    def share(self, rule: str) -> float:
        return self.hits[rule] / self.sampled if self.sampled else 0.0

    def embedded_share(self, rule: str) -> float:
        return self.embedded[rule] / self.sampled if self.sampled else 0.0


def _mentions(text: str) -> Iterator[tuple[str, str]]:
    """(rule, masked item) for each valid item inside a text that no validator accepted whole."""
    for match in _CANDIDATE.finditer(text):
        item = match.group()
        for v in _EMBEDDED:
            if v.lengths[0] <= len(item) <= v.lengths[1] and v.check(item):
                yield v.rule, v.mask(item)
                break


def as_text(value: object) -> str | None:
    """A sampled value as text for the validators; binary and structured values are skipped."""
    if value is None or isinstance(value, bool | bytes | bytearray | memoryview | dict | list | tuple):
        return None
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


@dataclass(frozen=True)
class Proposal:
    category: str | None
    confidence: float
    evidence: tuple[Text, ...]


def propose(name: str, comment: str | None, stats: ColumnStats) -> Proposal:
    h = hints()
    hint = h.match(name) or h.match(comment)
    evidence: list[Text] = []
    if hint is not None:
        evidence.append(_hint_text(hint, name))
    best = _best_value_rule(stats, hint)
    if best is not None:
        validator, share = best
        evidence.append(_value_text(validator, stats))
        agrees = hint is not None and hint.category == validator.category
        confidence = 0.5 + 0.45 * share + (0.1 if agrees else 0.0)
        if stats.sampled < MIN_SAMPLED:
            confidence -= 0.15
        return Proposal(validator.category, round(min(confidence, 0.99), 2), tuple(evidence))
    mention = _best_mention(stats)
    if mention is not None:
        evidence.append(_mention_text(mention, stats))
    if hint is None:
        if mention is None:
            return Proposal(None, 0.0, ())
        confidence = 0.5 + 0.3 * stats.embedded_share(mention.rule) - (0.15 if stats.sampled < MIN_SAMPLED else 0.0)
        return Proposal(mention.category, round(confidence, 2), tuple(evidence))
    if hint.category is None:  # an organisation identifier by name: say so, propose nothing
        return Proposal(None, NAME_ONLY, tuple(evidence))
    if hint.category in _CHECKABLE and stats.sampled >= MIN_SAMPLED:
        rules = [v for v in VALIDATORS if v.category == hint.category]
        valid = max(max(stats.share(v.rule), stats.embedded_share(v.rule)) for v in rules)
        if valid < CONTRADICTS:
            labels = Text(zh="、".join(v.label.zh for v in rules), en=", ".join(v.label.en for v in rules))
            evidence.append(
                Text(
                    zh=f"但抽样 {stats.sampled} 个非空值中仅 {valid:.0%} 符合{labels.zh}，不采纳列名提示",
                    en=f"but only {valid:.0%} of {stats.sampled} sampled non-empty values are a valid "
                    f"{labels.en}; name hint not used",
                )
            )
            return Proposal(None, round(1 - valid, 2), tuple(evidence))
    confidence = NAME_ONLY if stats.sampled else NAME_ONLY - 0.1
    if mention is not None and mention.category == hint.category:  # the text confirms the name
        confidence = round(NAME_ONLY + 0.3 * stats.embedded_share(mention.rule), 2)
    return Proposal(hint.category, confidence, tuple(evidence))


def _best_value_rule(stats: ColumnStats, hint: Hint | None) -> tuple[Validator, float] | None:
    """The validator most values passed, if enough did and it may speak (standalone or confirming)."""
    scored = [(v, stats.share(v.rule)) for v in VALIDATORS if stats.hits[v.rule]]
    usable = [
        (v, s)
        for v, s in scored
        if s >= MIN_SHARE and (v.standalone or (hint is not None and hint.category == v.category))
    ]
    return max(usable, key=lambda vs: vs[1]) if usable else None


def _best_mention(stats: ColumnStats) -> Validator | None:
    """The item most values of a free-text column mention, if enough do (ID numbers first on a tie)."""
    found = [v for v in _EMBEDDED if stats.embedded[v.rule] >= 2 and stats.embedded_share(v.rule) >= EMBEDDED_MIN_SHARE]
    return max(found, key=lambda v: stats.embedded[v.rule]) if found else None


def _mention_text(v: Validator, stats: ColumnStats) -> Text:
    share = stats.embedded_share(v.rule)
    example = stats.embedded_examples[v.rule]
    return Text(
        zh=f"自由文本 {v.rule}：抽样 {stats.sampled} 个非空值中 {share:.0%} 含有效{v.label.zh}（例 {example}）",
        en=f"free text {v.rule}: {share:.0%} of {stats.sampled} sampled non-empty values mention a valid "
        f"{v.label.en} (e.g. {example})",
    )


def _hint_text(hint: Hint, name: str) -> Text:
    where = (
        Text(zh="列名", en="column name")
        if hints().match(name) == hint
        else Text(zh="列注释", en="column comment")
    )
    if hint.not_pi is not None:
        return Text(
            zh=f"{where.zh}含“{hint.word}”：{hint.not_pi.zh}",
            en=f'{where.en} has "{hint.word}": {hint.not_pi.en}',
        )
    return Text(zh=f"{where.zh}含“{hint.word}”", en=f'{where.en} has "{hint.word}"')


def _value_text(v: Validator, stats: ColumnStats) -> Text:
    share = stats.share(v.rule)
    example = stats.examples.get(v.rule, "")
    return Text(
        zh=f"取值校验 {v.rule}：抽样 {stats.sampled} 个非空值中 {share:.0%} "
        f"为有效{v.label.zh}（例 {example}）",
        en=f"value check {v.rule}: {share:.0%} of {stats.sampled} sampled non-empty values are a valid "
        f"{v.label.en} (e.g. {example})",
    )
