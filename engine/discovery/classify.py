"""Propose a PI category for one column from its name, its comment and sampled values.

Values outrank names: a column named `phone` whose values are order numbers gets no category (with
the contradiction as evidence), and a column named `remark` full of valid ID numbers gets
id_card_number. Free text is searched too: a `remark` column in which some values mention a valid
mobile number or ID number gets that category, with the share of values as evidence. Evidence never
holds a raw value, only masked examples.

Hard cases of real Chinese systems: masked values (`138****1234`) are still PI and keep their
category; 11-digit numbers that rise with the table's key, are dense or share a long prefix are
order numbers, not phones; a number after 订单/单号 in free text is not a phone mention; a name
may suggest several categories and its values pick (or rule out) one (`zw`, `xm_bh`, `mm`); a
server's IP address in a configuration table is not PI. JSON (text, json/jsonb) and arrays are
searched inside.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import pairwise

from engine.discovery.validators import BY_RULE, SHAPES, VALIDATORS, Validator
from engine.hints import Hint, TableKind, hints
from engine.i18n import message
from engine.taxonomy import taxonomy
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
# A number right after one of these words is a reference (订单17…, order no. 13…), not a phone or card.
_REFERENCE = re.compile(
    r"(?:订单|单号|编号|流水|工单|运单|快递|物流|批次|交易|order|ref)(?:\s*(?:no\.?|number|号|编号))?[\s:：#号]*$",
    re.IGNORECASE,
)
# Number-plan rules an identifier sequence can fit by chance (an order number in a mobile segment).
_SEQUENCE_RULES = frozenset({"mainland_mobile", "mainland_landline", "bank_card", "prc_resident_id_15"})
SEQUENCE_RISING = 0.95  # share of consecutive values (in key order) that rise
SEQUENCE_DENSE = 10  # at most this many numbers between consecutive distinct values, on average
SEQUENCE_PREFIX = 8  # digits every value shares (a company's block of mobile numbers shares 7)
MAX_NUMBERS = 5000  # digit-only values kept per column for the sequence test
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
    masked: Counter[str] = field(default_factory=Counter)  # values that are a masked item, by rule
    masked_examples: dict[str, str] = field(default_factory=dict)
    shapes: Counter[str] = field(default_factory=Counter)  # values that have each of validators.SHAPES
    numbers: list[int] = field(default_factory=list)  # digit-only values in key order (sequence test)
    structured: int = 0  # JSON or array values
    track: frozenset[str] = frozenset(SHAPES)  # the shapes worth counting (those of the name's hints)

    def add(self, value: object) -> None:
        text = as_text(value)
        if not text:
            return
        self.sampled += 1
        if isinstance(value, dict | list | tuple) or (text[0] in "{[" and _is_json(text)):
            self.structured += 1
        short = len(text) <= MAX_VALUE_CHARS
        if self.track and len(text) <= SEARCH_CHARS:
            self.shapes.update(k for k in self.track if SHAPES[k](text))
        if short and text.isdigit() and len(text) <= 19 and len(self.numbers) < MAX_NUMBERS:
            self.numbers.append(int(text))
        whole = False
        if short:
            for v in self.by_length[len(text)]:
                if v.check(text):
                    whole = True
                    self.hits[v.rule] += 1
                    if v.rule not in self.examples:
                        self.examples[v.rule] = v.mask(text)
            if "*" in text or "＊" in text or "●" in text or "×" in text:
                for v in _MASKABLE:
                    if v.masked is not None and v.masked(text):
                        whole = True
                        self.masked[v.rule] += 1
                        self.masked_examples.setdefault(v.rule, v.mask(text))
                        break
            if self.sampled == PRUNE_AFTER:
                self.by_length = [tuple(v for v in vs if self.hits[v.rule]) for vs in self.by_length]
        if not whole and len(text) >= 6 and not text.isdigit():  # a bare number was checked whole
            for rule, masked in dict(_mentions(text[:SEARCH_CHARS])).items():
                self.embedded[rule] += 1
                self.embedded_examples.setdefault(rule, masked)

    def share(self, rule: str, sequence_aware: bool = True) -> float:
        """Share of values valid for a rule, masked ones included; 0 for a number-plan rule when the
        values are a sequence of identifiers."""
        if not self.sampled or (sequence_aware and rule in _SEQUENCE_RULES and self.sequence() is not None):
            return 0.0
        return (self.hits[rule] + self.masked[rule]) / self.sampled

    def shape_share(self, shape: str) -> float:
        """Share of values with a shape; 1.0 for a shape not counted (nothing to contradict with)."""
        if shape not in self.track:
            return 1.0
        return self.shapes[shape] / self.sampled if self.sampled else 0.0

    def sequence(self) -> Text | None:
        """How the digit-only values show they are identifiers (order numbers), or None.

        Phone and card numbers of different people are spread over their number plan in any
        order; identifiers rise with the table's key, are dense, or share a long prefix."""
        nums = self.numbers
        if len(nums) < MIN_SAMPLED or len(nums) < self.sampled * MIN_SHARE:
            return None
        rising = sum(b > a for a, b in pairwise(nums)) / (len(nums) - 1)
        if rising >= SEQUENCE_RISING:
            return message("discovery2.sequence.rising")
        distinct = sorted(set(nums))
        if len(distinct) > 1 and (distinct[-1] - distinct[0]) / (len(distinct) - 1) <= SEQUENCE_DENSE:
            return message("discovery2.sequence.dense")
        lo, hi = str(distinct[0]), str(distinct[-1])
        prefix = next((i for i, (a, b) in enumerate(zip(lo, hi, strict=False)) if a != b), min(len(lo), len(hi)))
        if len(lo) == len(hi) and prefix >= SEQUENCE_PREFIX:
            return message("discovery2.sequence.prefix", digits=prefix)
        return None

    def embedded_share(self, rule: str) -> float:
        return self.embedded[rule] / self.sampled if self.sampled else 0.0


_MASKABLE = tuple(v for v in VALIDATORS if v.masked is not None)


def _is_json(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict | list)
    except ValueError:
        return False


def _mentions(text: str) -> Iterator[tuple[str, str]]:
    """(rule, masked item) for each valid item inside a text that no validator accepted whole;
    a number right after 订单, 单号, order no. … is a reference, not an item."""
    for match in _CANDIDATE.finditer(text):
        item = match.group()
        if item[0].isdigit() and _REFERENCE.search(text, max(0, match.start() - 16), match.start()):
            continue
        for v in _EMBEDDED:
            if v.lengths[0] <= len(item) <= v.lengths[1] and v.check(item):
                yield v.rule, v.mask(item)
                break


def as_text(value: object) -> str | None:
    """A sampled value as text for the validators; JSON and arrays as JSON text (searched inside),
    binary values skipped."""
    if value is None or isinstance(value, bool | bytes | bytearray | memoryview):
        return None
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
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


def column_stats(name: str, comment: str | None) -> ColumnStats:
    """Empty counts for a column, counting only the value shapes its name's hints need."""
    h = hints()
    wanted = {c.shape for c in h.candidates(name) + h.candidates(comment) if c.shape is not None}
    return ColumnStats(track=frozenset(wanted))


def propose(name: str, comment: str | None, stats: ColumnStats, table: TableKind | None = None) -> Proposal:
    """The category a column most likely holds, with the evidence; `table`: what kind of table it is in."""
    h = hints()
    candidates = h.candidates(name) or h.candidates(comment)
    evidence: list[Text] = []
    hint: Hint | None = None
    for c in candidates:  # the first hint the values do not rule out
        evidence.append(_hint_text(c, name))
        against = _contradiction(c, stats)
        if against is None:
            hint = c
            break
        evidence.append(against)
    sequence = stats.sequence()
    if sequence is not None and any(stats.hits[r] for r in _SEQUENCE_RULES):
        labels = " / ".join(BY_RULE[r].label.en for r in _SEQUENCE_RULES if stats.hits[r])
        labels_zh = "、".join(BY_RULE[r].label.zh for r in _SEQUENCE_RULES if stats.hits[r])
        evidence.append(message("discovery2.sequence", how=sequence, label=Text(zh=labels_zh, en=labels)))
    proposal = _decide(hint, candidates, stats, evidence)
    if proposal.category is None:
        return proposal
    if hint is not None and hint.category is None and proposal.category in hint.overrides:  # server_ip
        return Proposal(None, NAME_ONLY, (*proposal.evidence, message("discovery2.column_not_pi", label=hint.not_pi)))
    if table is not None and proposal.category in table.not_pi and not table.keeps(name):
        category = _category_label(proposal.category)
        note = message("discovery2.table_not_pi", kind=table.label, word=table.word, category=category)
        return Proposal(None, proposal.confidence, (*proposal.evidence, note))
    return proposal


def _category_label(key: str) -> Text:
    cat = taxonomy().categories[key]
    return Text(zh=cat.zh, en=cat.en)


def _contradiction(hint: Hint, stats: ColumnStats) -> Text | None:
    """Why the sampled values rule a name hint out, or None when they do not (or are too few)."""
    if hint.category is None or stats.sampled < MIN_SAMPLED:
        return None
    category = _category_label(hint.category)
    if hint.category in _CHECKABLE:
        rules = [v for v in VALIDATORS if v.category == hint.category]
        # a sequence of identifiers (order numbers) rules out a weak hint (the tail of ddh 订单号),
        # not a whole word: a column named `mobile` keeps its name, with the sequence as evidence
        valid = max(max(stats.share(v.rule, hint.weak), stats.embedded_share(v.rule)) for v in rules)
        if valid < CONTRADICTS:
            labels = Text(zh="、".join(v.label.zh for v in rules), en=", ".join(v.label.en for v in rules))
            return Text(
                zh=f"但抽样 {stats.sampled} 个非空值中仅 {valid:.0%} 符合{labels.zh}，不采纳列名提示“{hint.word}”",
                en=f"but only {valid:.0%} of {stats.sampled} sampled non-empty values are a valid "
                f'{labels.en}; name hint not used ("{hint.word}")',
            )
    if hint.shape is not None and (share := stats.shape_share(hint.shape)) < CONTRADICTS:
        return message(
            "discovery2.shape_contradicts",
            sampled=stats.sampled,
            share=f"{share:.0%}",
            shape=message(f"discovery2.shape.{hint.shape}"),
            word=hint.word,
            category=category,
        )
    return None


def _decide(hint: Hint | None, candidates: list[Hint], stats: ColumnStats, evidence: list[Text]) -> Proposal:
    """Values first (a valid, masked or mentioned item), else the name hint the values left standing."""
    if stats.structured:
        evidence.append(message("discovery2.json", count=stats.structured))
    best = _best_value_rule(stats, hint)
    if best is not None:
        validator, share = best
        evidence.append(_value_text(validator, stats))
        if stats.masked[validator.rule]:
            example = stats.masked_examples[validator.rule]
            evidence.append(
                message(
                    "discovery2.masked", share=f"{stats.masked[validator.rule] / stats.sampled:.0%}", example=example
                )
            )
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
            return Proposal(None, 0.0 if not candidates else round(1 - CONTRADICTS, 2), tuple(evidence))
        confidence = 0.5 + 0.3 * stats.embedded_share(mention.rule) - (0.15 if stats.sampled < MIN_SAMPLED else 0.0)
        return Proposal(mention.category, round(confidence, 2), tuple(evidence))
    if hint.category is None:  # an organisation identifier by name: say so, propose nothing
        return Proposal(None, NAME_ONLY, tuple(evidence))
    confidence = NAME_ONLY if stats.sampled else NAME_ONLY - 0.1
    if mention is not None and mention.category == hint.category:  # the text confirms the name
        confidence = round(NAME_ONLY + 0.3 * stats.embedded_share(mention.rule), 2)
    return Proposal(hint.category, confidence, tuple(evidence))


def _best_value_rule(stats: ColumnStats, hint: Hint | None) -> tuple[Validator, float] | None:
    """The validator most values passed, if enough did and it may speak (standalone or confirming)."""
    scored = [(v, stats.share(v.rule)) for v in VALIDATORS if stats.hits[v.rule] or stats.masked[v.rule]]
    usable = [
        (v, s)
        for v, s in scored
        if s >= MIN_SHARE
        and (
            (v.standalone and not (v.nameless and hint is not None))
            or (hint is not None and hint.category == v.category)
        )
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
        if hint in hints().candidates(name)
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
    example = stats.examples.get(v.rule) or stats.masked_examples.get(v.rule, "")
    return Text(
        zh=f"取值校验 {v.rule}：抽样 {stats.sampled} 个非空值中 {share:.0%} 为有效{v.label.zh}（例 {example}）",
        en=f"value check {v.rule}: {share:.0%} of {stats.sampled} sampled non-empty values are a valid "
        f"{v.label.en} (e.g. {example})",
    )
