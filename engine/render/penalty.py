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

from pydantic import BaseModel, ConfigDict, Field, model_validator

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
    "refuses_or_consequences",
    "otherwise",
    "otherwise_refuses_or_serious",
    "trade_under",
    "trade_over",
    "causes_loss",
    "especially_severe",
    "named_consequences",
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
    "correct_by_deadline",
    "circulate_criticism",
    "suspend_updates",
    "stop_production",
    "other_penalties",
    "legal_liability",
    "compensation",
    "civil",
    "post_ban",
    "stop_use",
    "stop_selling",
    "remove_impact",
    "public_notice",
]
# the laws a provision sends the penalty to ("punished under …"), as the text names them
Referral = Literal[
    "PIPL",
    "DSL",
    "CSL",
    "NDSMR",
    "certification",
    "others",
    "pi_laws",
    "data_security_laws",
    "competition_laws",
    "laws_regs",
    "laws_regs_rules",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Fine(_Model):
    """A fine range in yuan; `min` absent means "up to max"; `cap`: the turnover share, but at most this;
    `purchase`: [low, high] multiples of the purchase amount."""

    min: int | None = Field(None, gt=0)
    max: int | None = Field(None, gt=0)
    may: bool = False
    turnover_pct: int | None = Field(None, gt=0, le=100)
    cap: int | None = Field(None, gt=0)
    gains: tuple[int, int] | None = None
    below: int | None = Field(None, gt=0)
    purchase: tuple[int, int] | None = None

    @property
    def ceiling(self) -> int:
        """The largest amount in yuan the range names (0 when it names none, as a multiple of a purchase)."""
        return self.max or self.cap or 0


class PersonsFine(Fine):
    ban: bool = False
    ban_role: Literal["pi_officer", "minors_officer"] = "pi_officer"  # the office named with the ban
    managers_only: bool = False  # only the directly responsible managers, not the other responsible persons


class Tier(_Model):
    when: When
    measures: list[Measure] = Field(default_factory=list)
    organisation: Fine | None = None
    persons: PersonsFine | None = None
    refers: list[Referral] = Field(default_factory=list)  # punished under these laws (the text names them)
    no_fine: bool = False  # the provision itself states no fine amount (said so, never guessed)
    as_in: list[str] = Field(default_factory=list)  # punished as these provisions provide ("依照前款规定处罚")
    confidence: Literal["official", "secondary"] = "official"  # secondary: no official text was found


class PenaltyData(_Model):
    provisions: dict[str, list[Tier]]

    @model_validator(mode="after")
    def _as_in_resolves(self) -> PenaltyData:
        """A provision punished "as another provides" names one listed here, and that one states its own."""
        for key, own in self.provisions.items():
            for ref in (r for t in own for r in t.as_in):
                if ref not in self.provisions or any(t.as_in for t in self.provisions[ref]):
                    raise ValueError(f"{key}: as_in {ref} is not a provision with tiers of its own")
        return self


@cache
def penalty_data() -> PenaltyData:
    return PenaltyData.model_validate(load(data_dir("rulebooks") / "penalties.yaml").data)


def tiers(cite: CitationOut) -> list[Tier]:
    """The provision's tiers; an item without its own entry has its paragraph's (CIIO-REG art. 39 para. 1
    states one penalty for the breaches its items list); a provision punished as another provides is
    followed by that one's tiers, so its exposure shows the amounts."""
    provisions = penalty_data().provisions
    label = cite.label("en")
    own = provisions.get(label) or provisions.get(label.partition(" item ")[0], [])
    return [*own, *(t for o in own for ref in o.as_in for t in provisions[ref])]


def yuan(n: int, lang: str) -> str:
    """50000 -> 5万元 / CNY 50,000."""
    if lang == "zh":
        return f"{n // 10000}万元" if n % 10000 == 0 else f"{n}元"
    return f"CNY {n:,}"


def fine_text(fine: Fine) -> Text:
    """A fine range as words: 5万元至50万元 / CNY 50,000 to 500,000; multiples of gains; turnover share."""

    def amount(lang: str) -> str:
        if fine.purchase:
            lo, hi = fine.purchase
            return f"采购金额的{lo}至{hi}倍" if lang == "zh" else f"{lo} to {hi} times the purchase amount"
        if fine.cap and fine.turnover_pct:
            return (
                f"上一年度营业额的{fine.turnover_pct}%以内，最高{yuan(fine.cap, lang)}"
                if lang == "zh"
                else f"up to {fine.turnover_pct}% of the previous year's turnover, at most {yuan(fine.cap, lang)}"
            )
        if fine.min is not None and fine.max is not None:
            return (
                f"{yuan(fine.min, lang)}至{yuan(fine.max, lang)}"
                if lang == "zh"
                else f"{yuan(fine.min, lang)} to {fine.max:,}"
            )
        assert fine.max is not None
        return f"最高{yuan(fine.max, lang)}" if lang == "zh" else f"up to {yuan(fine.max, lang)}"

    zh, en = amount("zh"), amount("en")
    if fine.turnover_pct and not fine.cap:
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


BAN_ROLE = {
    "pi_officer": Text(zh="个人信息保护负责人", en="PI protection officer"),
    "minors_officer": Text(zh="未成年人保护负责人", en="minors protection officer"),
}


def tier_text(
    tier: Tier,
    measure: dict[str, Text],
    when: Text,
    refer: dict[str, Text] | None = None,
    provision: dict[str, Text] | None = None,
) -> Text:
    """One circumstance of a provision as a sentence: the provisions it punishes under, the laws it refers
    to, the measures, the fines on the organisation and persons, and that it states none where it does not."""
    zh: list[str] = []
    en: list[str] = []
    if tier.as_in:
        cites = [(provision or {})[p] for p in tier.as_in]
        zh.append("依照" + "、".join(t.zh for t in cites) + "的规定处罚")
        en.append("punished as " + " and ".join(t.en for t in cites) + " provide" + ("s" if len(cites) == 1 else ""))
    if tier.refers:
        laws = [(refer or {})[r] for r in tier.refers]
        zh.append("依照" + "、".join(t.zh for t in laws) + "处理")
        en.append("dealt with under " + ", ".join(t.en for t in laws))
    if tier.measures:
        zh.append("、".join(measure[m].zh for m in tier.measures))
        en.append("; ".join(measure[m].en for m in tier.measures))
    if tier.organisation:
        f = fine_text(tier.organisation)
        zh.append(f"对单位罚款：{f.zh}")
        en.append(f"fine on the organisation: {f.en}")
    if tier.persons:
        f, role = fine_text(tier.persons), BAN_ROLE[tier.persons.ban_role]
        ban = f"，并可在一定期限内禁止其任企业董事、监事、高管或{role.zh}" if tier.persons.ban else ""
        who_zh, who_en = (
            ("直接负责的主管人员", "the directly responsible managers")
            if tier.persons.managers_only
            else ("负有直接责任的主管人员和其他人员", "the responsible managers and other directly responsible persons")
        )
        zh.append(f"对{who_zh}罚款：{f.zh}{ban}")
        en.append(
            f"fine on {who_en}: {f.en}"
            + (
                f"; they can also be barred for a period from serving as director, supervisor, senior "
                f"manager or {role.en}"
                if tier.persons.ban
                else ""
            )
        )
    if tier.no_fine:
        zh.append("本条本身未规定罚款数额")
        en.append("the provision itself states no fine amount")
    if tier.confidence == "secondary":
        zh.append("据非官方文本，官方全文未获得")
        en.append("from a secondary source, the official text not obtained")
    return Text(zh=f"{when.zh}：" + "；".join(zh) + "。", en=f"{when.en}: " + "; ".join(en) + ".")


@dataclass(frozen=True)
class Exposure:
    """One penalty provision and the unmet findings that could lead to it."""

    citation: CitationOut
    tiers: list[Tier]
    findings: list[Finding]

    @property
    def top_fine(self) -> int:
        return max((t.organisation.ceiling for t in self.tiers if t.organisation), default=0)


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
