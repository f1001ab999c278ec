"""Penalty exposure: what the penalty provisions cited by the unmet findings let the authority do.

The amounts and measures are data (`rulebooks/penalties.yaml`, keyed by the citation the obligations
give in `penalties:`), checked against the official texts by tests/render/test_penalties.py; here
they become sentences in both languages, and the report's exposure table groups the open gaps under
each provision they could lead to.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.finding import CitationOut, Finding
from engine.resources import data_dir
from engine.text import Text
from engine.yamlsafe import load

When = Literal[
    "base",
    "refuses",
    "serious",
    "refuses_or_serious",
    "refuses_or_harm",
    "refuses_or_severe",
    "severe",
    "severe_harm",
    "grave_harm",
    "core_data",
]
Measure = Literal[
    "correct",
    "warning",
    "confiscate",
    "suspend_app",
    "suspend_business",
    "rectification",
    "report_revocation",
    "revoke_permit",
    "revoke_licence",
    "close_website",
    "discipline",
    "public_security",
    "criminal",
    "other_laws",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Fine(_Model):
    """A fine range in yuan; `min` absent means "up to max"."""

    min: int | None = Field(None, gt=0)
    max: int | None = Field(None, gt=0)
    may: bool = False
    turnover_pct: int | None = Field(None, gt=0, le=100)
    gains: tuple[int, int] | None = None
    below: int | None = Field(None, gt=0)


class PersonsFine(Fine):
    ban: bool = False


class Tier(_Model):
    when: When
    measures: list[Measure] = Field(default_factory=list)
    organisation: Fine | None = None
    persons: PersonsFine | None = None


class PenaltyData(_Model):
    provisions: dict[str, list[Tier]]


@cache
def penalty_data() -> PenaltyData:
    return PenaltyData.model_validate(load(data_dir("rulebooks") / "penalties.yaml").data)


def tiers(cite: CitationOut) -> list[Tier]:
    return penalty_data().provisions.get(cite.label("en"), [])


def yuan(n: int, lang: str) -> str:
    """50000 -> 5万元 / CNY 50,000."""
    if lang == "zh":
        return f"{n // 10000}万元" if n % 10000 == 0 else f"{n}元"
    return f"CNY {n:,}"


def fine_text(fine: Fine) -> Text:
    """A fine range as words: 5万元至50万元 / CNY 50,000 to 500,000; multiples of gains; turnover share."""

    def amount(lang: str) -> str:
        if fine.min is not None and fine.max is not None:
            return (
                f"{yuan(fine.min, lang)}至{yuan(fine.max, lang)}"
                if lang == "zh"
                else f"{yuan(fine.min, lang)} to {fine.max:,}"
            )
        assert fine.max is not None
        return f"最高{yuan(fine.max, lang)}" if lang == "zh" else f"up to {yuan(fine.max, lang)}"

    zh, en = amount("zh"), amount("en")
    if fine.turnover_pct:
        zh += f"或上一年度营业额的{fine.turnover_pct}%以内"
        en += f" or up to {fine.turnover_pct}% of the previous year's turnover"
    if fine.gains:
        lo, hi = fine.gains
        none_zh = f"（违法所得不足{yuan(fine.below, 'zh')}的亦同）" if fine.below else ""
        none_en = f" (or gains under {yuan(fine.below, 'en')})" if fine.below else ""
        zh = f"违法所得的{lo}至{hi}倍；没有违法所得{none_zh}的，{zh}"
        en = f"{lo} to {hi} times the illegal gains; where there are none{none_en}, {en}"
    if fine.may:
        zh, en = f"可处{zh}", f"may be {en}"
    return Text(zh=zh, en=en)


def tier_text(tier: Tier, measure: dict[str, Text], when: Text) -> Text:
    """One circumstance of a provision as a sentence: the measures, the fines on the organisation and persons."""
    zh: list[str] = []
    en: list[str] = []
    if tier.measures:
        zh.append("、".join(measure[m].zh for m in tier.measures))
        en.append("; ".join(measure[m].en for m in tier.measures))
    if tier.organisation:
        f = fine_text(tier.organisation)
        zh.append(f"对单位罚款：{f.zh}")
        en.append(f"fine on the organisation: {f.en}")
    if tier.persons:
        f = fine_text(tier.persons)
        ban = "，并可在一定期限内禁止其任企业董事、监事、高管或个人信息保护负责人" if tier.persons.ban else ""
        zh.append(f"对负有直接责任的主管人员和其他人员罚款：{f.zh}{ban}")
        en.append(
            f"fine on the responsible managers and other directly responsible persons: {f.en}"
            + (
                "; they can also be barred for a period from serving as director, supervisor, senior "
                "manager or PI protection officer"
                if tier.persons.ban
                else ""
            )
        )
    return Text(zh=f"{when.zh}：" + "；".join(zh) + "。", en=f"{when.en}: " + "; ".join(en) + ".")


@dataclass(frozen=True)
class Exposure:
    """One penalty provision and the unmet findings that could lead to it."""

    citation: CitationOut
    tiers: list[Tier]
    findings: list[Finding]

    @property
    def top_fine(self) -> int:
        return max((t.organisation.max or 0 for t in self.tiers if t.organisation), default=0)


def exposures(findings: list[Finding]) -> list[Exposure]:
    """The provisions behind the gaps and waived findings, the heaviest (largest fine) first."""
    by_cite: dict[str, tuple[CitationOut, list[Finding]]] = {}
    for f in findings:
        if f.status not in ("gap", "waived"):
            continue
        for c in f.penalties:
            by_cite.setdefault(c.label("en"), (c, []))[1].append(f)
    out = [Exposure(c, tiers(c), fs) for c, fs in by_cite.values()]
    return sorted(out, key=lambda e: (-e.top_fine, e.citation.label("en")))
