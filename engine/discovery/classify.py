"""Propose a PI category for one column from its name, its comment and sampled values.

Values outrank names: a column named `phone` whose values are order numbers gets no category (with
the contradiction as evidence), and a column named `remark` full of valid ID numbers gets
id_card_number. Evidence never holds a raw value, only masked examples.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from engine.discovery.hints import Hint, hints
from engine.discovery.validators import VALIDATORS, Validator
from engine.text import Text

MIN_SHARE = 0.5  # share of sampled non-empty values that must validate to propose from values
CONTRADICTS = 0.2  # a name hint is dropped when fewer validate than this …
MIN_SAMPLED = 10  # … out of at least this many values
MAX_VALUE_CHARS = 256  # longer values (free text) are counted but not checked
NAME_ONLY = 0.6  # confidence of a proposal from a name or comment alone
PRUNE_AFTER = 100  # values after which rules that fitted none are no longer tried

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

    def add(self, value: object) -> None:
        text = as_text(value)
        if not text:
            return
        self.sampled += 1
        if len(text) > MAX_VALUE_CHARS:
            return
        for v in self.by_length[len(text)]:
            if v.check(text):
                self.hits[v.rule] += 1
                if v.rule not in self.examples:
                    self.examples[v.rule] = v.mask(text)
        if self.sampled == PRUNE_AFTER:
            self.by_length = [tuple(v for v in vs if self.hits[v.rule]) for vs in self.by_length]

    def share(self, rule: str) -> float:
        return self.hits[rule] / self.sampled if self.sampled else 0.0


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
    if hint is None:
        return Proposal(None, 0.0, ())
    if hint.category is None:  # an organisation identifier by name: say so, propose nothing
        return Proposal(None, NAME_ONLY, tuple(evidence))
    if hint.category in _CHECKABLE and stats.sampled >= MIN_SAMPLED:
        rules = [v for v in VALIDATORS if v.category == hint.category]
        valid = max(stats.share(v.rule) for v in rules)
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
