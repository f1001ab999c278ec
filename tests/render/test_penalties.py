"""Penalty data (rulebooks/penalties.yaml): every amount and measure against the official texts."""

from __future__ import annotations

import json
import re

import pytest

from engine import citation
from engine.render.penalty import Fine, exposures, fine_text, penalty_data
from engine.rulebook import rulebooks
from tests.conftest import SHARED_TEXTS

# A measure as the statute words it (a keyword that must occur in the cited text).
STATUTE_WORDS = {
    "correct": "责令改正",
    "warning": "警告",
    "confiscate": "没收违法所得",
    "suspend_app": "暂停或者终止提供服务",
    "suspend_business": "暂停相关业务",
    "rectification": "停业整顿",
    "report_revocation": "通报有关主管部门吊销",
    "revoke_permit": "吊销相关业务许可",
    "revoke_licence": "吊销营业执照",
    "close_website": "关闭网站",
    "discipline": "处分",
    "public_security": "治安管理处罚",
    "criminal": "追究刑事责任",
    "other_laws": "依照",
}


def _cn(n: int) -> list[str]:
    """An amount as the texts write it: 五十万元 (laws) or 50万元 (NDSMR)."""
    if n % 10000 == 0:
        return [f"{citation.zh_number(n // 10000)}万元", f"{n // 10000}万元"]
    return [f"{citation.zh_number(n)}元", f"{n}元"]


def _phrases(fine: Fine) -> list[list[str]]:
    """Alternatives for each phrase the fine implies in the statute."""
    out: list[list[str]] = []
    if fine.min is not None and fine.max is not None:
        out.append([f"{a}以上{b}以下" for a in _cn(fine.min) for b in _cn(fine.max)])
    elif fine.max is not None:
        out.append([f"{b}以下" for b in _cn(fine.max)])
    if fine.turnover_pct:
        out.append([f"百分之{citation.zh_number(fine.turnover_pct)}以下"])
    if fine.gains:
        lo, hi = fine.gains
        out.append([f"违法所得{citation.zh_number(lo)}倍以上{citation.zh_number(hi)}倍以下"])
    if fine.below:
        out.append([f"不足{x}" for x in _cn(fine.below)])
    return out


def _text(cite: citation.Citation) -> str:
    data = json.loads((SHARED_TEXTS / f"{cite.instrument}.json").read_text(encoding="utf-8"))
    art = next(a for a in data["articles"] if a["number"] == cite.article)
    paras = [p for p in art["paragraphs"] if cite.paragraph in (None, p["number"])]
    return "".join(p["text"] + "".join(i["text"] for i in p.get("items", [])) for p in paras)


@pytest.mark.skipif(not SHARED_TEXTS.is_dir(), reason="../shared/legal-texts is not present on this machine")
@pytest.mark.parametrize("key", sorted(penalty_data().provisions))
def test_every_amount_and_measure_is_in_the_cited_text(key: str) -> None:
    text = re.sub(r"\s", "", _text(citation.Citation.parse(key)))
    for tier in penalty_data().provisions[key]:
        for m in tier.measures:
            assert STATUTE_WORDS[m] in text, (key, m)
        for fine in (tier.organisation, tier.persons):
            for alternatives in _phrases(fine) if fine else []:
                assert any(a in text for a in alternatives), (key, alternatives)
        if tier.persons and tier.persons.ban:
            assert "禁止其在一定期限内担任" in text, key


def test_the_check_fails_on_a_wrong_amount() -> None:
    """The phrase builder really distinguishes amounts (so the check above can fail)."""
    wrong = Fine(min=50000, max=600000)
    assert not any(a in "处五万元以上五十万元以下罚款" for a in _phrases(wrong)[0])
    assert any(a in "处5万元以上50万元以下罚款" for a in _phrases(Fine(min=50000, max=500000))[0])


def test_every_provision_is_cited_by_an_obligation_and_parses() -> None:
    cited = {p for ob in rulebooks().obligations.values() for p in ob.penalties}
    for key in penalty_data().provisions:
        assert str(citation.Citation.parse(key)) == key
        assert key in cited, f"{key}: no obligation cites it as a penalty"


def test_the_most_cited_provisions_have_amounts() -> None:
    """PIPL art. 66, DSL art. 45 and both CSL versions' art. 59/61: the provisions most findings lead to."""
    for key in (
        "PIPL art. 66 para. 1",
        "PIPL art. 66 para. 2",
        "DSL art. 45 para. 1",
        "CSL2016 art. 59 para. 1",
        "CSL2025 art. 61 para. 1",
        "NDSMR art. 55",
    ):
        assert any(t.organisation for t in penalty_data().provisions[key]), key


def test_fine_words() -> None:
    f = fine_text(Fine(max=50000000, turnover_pct=5))
    assert f.zh == "最高5000万元或上一年度营业额的5%以内"
    assert f.en == "up to CNY 50,000,000 or up to 5% of the previous year's turnover"
    assert fine_text(Fine(min=10000, max=100000, may=True)).en == "may be CNY 10,000 to 100,000"


def test_exposures_group_gaps_under_each_provision(ecommerce_zh) -> None:  # type: ignore[no-untyped-def]
    rows = exposures(ecommerce_zh.doc.findings)
    unmet = [f for f in ecommerce_zh.doc.findings if f.status in ("gap", "waived") and f.penalties]
    assert rows and unmet
    assert {c.label("en") for f in unmet for c in f.penalties} == {e.citation.label("en") for e in rows}
    assert rows[0].citation.label("en") == "PIPL art. 66 para. 2"  # the heaviest fine first
    assert all(f.status in ("gap", "waived") for e in rows for f in e.findings)
