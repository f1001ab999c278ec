"""Penalty data (rulebooks/penalties.yaml): every amount and measure against the official texts."""

from __future__ import annotations

import json
import re

import pytest

from engine import citation
from engine.finding import CitationOut
from engine.render.penalty import Fine, PenaltyData, exposures, fine_text, penalty_data, tier_text, tiers
from engine.render.words import Words
from engine.rulebook import rulebooks
from engine.text import Text
from tests.conftest import SHARED_TEXTS

# A measure as the statute words it (a pattern that must occur in the cited text).
STATUTE_WORDS = {
    "correct": "责令改正",
    "warning": "警告",
    "confiscate": "没收违法所得",
    "suspend_app": "暂停或者终止提供服务",
    "suspend_business": "暂停相关业务",
    "rectification": "停业整顿",
    "report_revocation": "通报有关(主管)?部门(依法)?吊销",
    "revoke_permit": "吊销相关业务许可",
    "revoke_licence": "吊销营业执照",
    "close_website": "关闭网站",
    "discipline": "处分",
    "public_security": "治安管理处罚",
    "criminal": "追究刑事责任",
    "other_laws": "依照",
    "correct_by_deadline": "责令限期改正",
    "circulate_criticism": "通报批评",
    "suspend_updates": "责令暂停信息更新",
    "stop_production": "停产停业",
    "other_penalties": "法律、行政法规规定的其他行政处罚",
    "legal_liability": "追究(相应)?法律责任",
    "compensation": "承担赔偿责任",
    "civil": "承担民事责任",
    "post_ban": "5年内不得从事网络安全管理和网络运营关键岗位的工作；受到刑事处罚的人员，终身不得",
    "stop_use": "责令(限期改正、)?停止使用",
    "stop_selling": "责令停止销售或者提供",
    "remove_impact": "消除对国家安全的影响",
    "public_notice": "予以通报",
}
# The circumstance of a tier as the statute words it (pattern), where it is not simply "on a breach".
WHEN_WORDS = {
    "refuses": "拒不改正",
    "serious": "情节严重",
    "refuses_or_serious": "拒不改正或者情节严重",
    "refuses_or_harm": "拒不改正或者导致危害网络安全",
    "refuses_or_consequences": "拒不改正或者造成严重后果",
    "otherwise": "法律、行政法规没有规定的",
    "otherwise_refuses_or_serious": "法律、行政法规没有规定的.*拒不改正或者情节严重",
    "trade_under": "交易金额不足一万元",
    "trade_over": "交易金额一万元以上",
    "causes_loss": "造成损[失害]",
    "especially_severe": "造成特别严重影响、特别严重后果",
    "named_consequences": "造成本法第[一二三四五六七八九十]+条第[一二三四五六七八九十]+款规定的后果",
}
# How a provision says it is punished as others are (its `as_in`): the preceding paragraph(s), or "that
# paragraph" after naming it.
AS_IN_WORDS = ("依照前款规定处罚", "依照前两款规定处罚", "依照该款规定处罚")
# The laws a provision refers to, as it names them.
REFER_WORDS = {
    "PIPL": "《中华人民共和国个人信息保护法》",
    "DSL": "《中华人民共和国数据安全法》",
    "CSL": "《中华人民共和国网络安全法》",
    "NDSMR": "《网络数据安全管理条例》",
    "certification": "《中华人民共和国认证认可条例》",
    "others": "等法律法规",
    "pi_laws": "个人信息保护有关法律、法规",
    "data_security_laws": "数据安全有关法律、法规",
    "competition_laws": "反不正当竞争或者反垄断有关法律、法规",
    "laws_regs": "法律、行政法规",
    "laws_regs_rules": "有关法律、行政法规和部门规章",
}
BAN_WORDS = {"pi_officer": "个人信息保护负责人", "minors_officer": "未成年人保护负责人"}


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
    if fine.cap:
        out.append([f"最高不超过{x}" for x in _cn(fine.cap)])
    for what, multiple in (("违法所得", fine.gains), ("采购金额", fine.purchase)):
        if multiple:
            lo, hi = multiple
            numbers = [(citation.zh_number(lo), citation.zh_number(hi)), (str(lo), str(hi))]
            out.append([f"{what}{a}倍以上{b}倍以下" for a, b in numbers])
    if fine.below:
        out.append([f"不足{x}" for x in _cn(fine.below)])
    return out


def _text(cite: citation.Citation, confidence: str = "official") -> str:
    """The cited paragraph (all of it, items included); for a secondary entry, the quotes of it."""
    if confidence == "secondary":
        facts = json.loads((SHARED_TEXTS / "secondary-facts.json").read_text(encoding="utf-8"))
        quotes = [
            f["quote"]
            for entries in facts.values()
            if isinstance(entries, dict)
            for f in entries.get("facts", [])
            if isinstance(f, dict) and (f.get("cite", "") + " ").startswith(f"{cite} ")
        ]
        assert quotes, f"{cite}: no quote in secondary-facts.json"
        return "".join(quotes)
    data = json.loads((SHARED_TEXTS / f"{cite.instrument}.json").read_text(encoding="utf-8"))
    art = next(a for a in data["articles"] if a["number"] == cite.article)
    paras = [p for p in art["paragraphs"] if cite.paragraph in (None, p["number"])]
    return "".join(p["text"] + "".join(i["text"] for i in p.get("items", [])) for p in paras)


@pytest.mark.skipif(not SHARED_TEXTS.is_dir(), reason="../shared/legal-texts is not present on this machine")
@pytest.mark.parametrize("key", sorted(penalty_data().provisions))
def test_every_amount_and_measure_is_in_the_cited_text(key: str) -> None:
    for tier in penalty_data().provisions[key]:
        text = re.sub(r"\s", "", _text(citation.Citation.parse(key), tier.confidence))
        for m in tier.measures:
            assert re.search(STATUTE_WORDS[m], text), (key, m)
        if tier.when in WHEN_WORDS:
            assert re.search(WHEN_WORDS[tier.when], text), (key, tier.when)
        for law in tier.refers:
            assert REFER_WORDS[law] in text, (key, law)
        for fine in (tier.organisation, tier.persons):
            for alternatives in _phrases(fine) if fine else []:
                assert any(a in text for a in alternatives), (key, alternatives)
        if tier.persons and tier.persons.ban:
            assert "禁止其在一定期限内担任" in text and BAN_WORDS[tier.persons.ban_role] in text, key
        if tier.persons and tier.persons.managers_only:  # the text fines the managers, not the other persons
            assert "对直接负责的主管人员处" in text and "其他直接责任人员处" not in text, key
        if tier.no_fine:  # said to state no amount: it really states none
            assert "罚款" not in text and not tier.organisation and not tier.persons, key
        if tier.as_in:
            _check_as_in(key, tier.as_in, text)


def _check_as_in(key: str, refs: list[str], text: str) -> None:
    """"As the preceding paragraph(s)" names exactly the paragraphs before it in the same article; "that
    paragraph" one the text names by article and paragraph."""
    own = citation.Citation.parse(key)
    cites = [citation.Citation.parse(r) for r in refs]
    words = [w for w in AS_IN_WORDS if w in text]
    assert len(words) == 1, (key, words)
    if words[0] == "依照该款规定处罚":
        (ref,) = cites
        assert f"第{citation.zh_number(ref.article or 0)}条第{citation.zh_number(ref.paragraph or 0)}款" in text, key
        return
    count = 1 if words[0] == "依照前款规定处罚" else 2
    assert own.paragraph is not None, key
    expected = [(own.instrument, own.article, own.paragraph - n) for n in range(count, 0, -1)]
    assert [(c.instrument, c.article, c.paragraph) for c in cites] == expected, key


def test_the_check_fails_on_a_wrong_amount() -> None:
    """The phrase builder really distinguishes amounts (so the check above can fail)."""
    wrong = Fine(min=50000, max=600000)
    assert not any(a in "处五万元以上五十万元以下罚款" for a in _phrases(wrong)[0])
    assert any(a in "处5万元以上50万元以下罚款" for a in _phrases(Fine(min=50000, max=500000))[0])


def test_every_provision_is_cited_by_an_obligation_and_parses() -> None:
    cited = {p for ob in rulebooks().obligations.values() for p in ob.penalties}
    for key in penalty_data().provisions:
        assert str(citation.Citation.parse(key)) == key
        # a paragraph's entry also serves the citations of its items (CIIO-REG art. 39 para. 1 item 7)
        assert key in cited or any(c.startswith(f"{key} item ") for c in cited), f"{key}: no obligation cites it"


def test_every_cited_penalty_has_an_entry() -> None:
    """Issue 11: every penalty provision an obligation cites says what it provides (amounts, measures, the
    laws or provisions it punishes under, or that it states no amount) instead of a bare citation."""
    cited = {p for ob in rulebooks().obligations.values() for p in ob.penalties}
    assert len(cited) > 80
    for key in cited:
        cite = citation.Citation.parse(key)
        out = CitationOut(
            instrument=cite.instrument, article=cite.article, paragraph=cite.paragraph, item=cite.item, text_zh=""
        )
        assert tiers(out), key


def test_words_of_the_new_kinds_of_entries() -> None:
    """A turnover share with a ceiling, a multiple of the purchase amount, references and no amount stated."""
    assert fine_text(Fine(turnover_pct=5, cap=50000000)).zh == "上一年度营业额的5%以内，最高5000万元"
    assert fine_text(Fine(purchase=(1, 10))).en == "1 to 10 times the purchase amount"
    (tier,) = penalty_data().provisions["SA-MEASURES art. 18"]
    refer = {r: Text(zh=f"《{r}》", en=r) for r in tier.refers}
    text = tier_text(tier, {"criminal": Text(zh="刑责", en="crime")}, Text(zh="违法时", en="On a breach"), refer)
    assert text.en == (
        "On a breach: dealt with under CSL, DSL, PIPL, others; crime; the provision itself states no fine amount."
    )
    assert "本条本身未规定罚款数额" in text.zh


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


def test_every_circumstance_measure_and_law_has_words_in_both_languages() -> None:
    """The report words each tier by message keys; one missing would stop the render."""
    words = Words("bilingual")
    data = penalty_data().provisions.values()
    keys = {f"penalty.when.{t.when}" for ts in data for t in ts}
    keys |= {f"penalty.measure.{m}" for ts in data for t in ts for m in t.measures}
    keys |= {f"penalty.refer.{r}" for ts in data for t in ts for r in t.refers}
    for key in sorted(keys):
        text = words.text(key)
        assert text.zh and text.en and text.zh != text.en, key


def test_a_provision_punished_as_others_shows_their_amounts() -> None:
    """CSL2025 art. 69 para. 3 punishes as paras 1 and 2 do: its exposure carries their tiers, after its own."""
    cite = CitationOut(instrument="CSL2025", article=69, paragraph=3, item=None, text_zh="")
    own, *theirs = tiers(cite)
    assert own.as_in == ["CSL2025 art. 69 para. 1", "CSL2025 art. 69 para. 2"]
    assert [t.organisation.max for t in theirs if t.organisation] == [500000, 2000000, 10000000]
    names = {p: Text(zh=f"《{p}》", en=p) for p in own.as_in}
    text = tier_text(own, {}, Text(zh="违法时", en="On a breach"), {}, names)
    assert text.en == "On a breach: punished as CSL2025 art. 69 para. 1 and CSL2025 art. 69 para. 2 provide."
    assert text.zh == "违法时：依照《CSL2025 art. 69 para. 1》、《CSL2025 art. 69 para. 2》的规定处罚。"


def test_as_in_must_name_a_provision_with_its_own_tiers() -> None:
    raw = {"provisions": {"DSL art. 51": [{"when": "base", "as_in": ["DSL art. 99"]}]}}
    with pytest.raises(ValueError, match=r"DSL art\. 99"):
        PenaltyData.model_validate(raw)
