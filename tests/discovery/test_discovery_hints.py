"""The hint vocabulary (engine/hints.yaml) and the value evidence that may overrule it."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from pathlib import Path

import discovery_synth as synth
import hard_synth as hs
import pytest
import yaml

from engine import hints as hints_module
from engine.discovery.classify import ColumnStats, Proposal, column_stats, propose
from engine.hints import hints
from engine.taxonomy import taxonomy

RNG = random.Random(11)
VOCABULARY = yaml.safe_load(Path(hints_module.__file__).with_name("hints.yaml").read_text(encoding="utf-8"))


def scanned(name: str, values: Iterable[object], comment: str | None = None, table: str = "t") -> Proposal:
    """What the scanner proposes for a column of `table` holding `values` (in key order)."""
    stats = column_stats(name, comment)
    for v in values:
        stats.add(v)
    return propose(name, comment, stats, hints().table_kind(table, None))


def evidence(p: Proposal) -> str:
    return " | ".join(t.en for t in p.evidence)


def test_every_word_points_to_its_category() -> None:
    h = hints()
    for key, words in VOCABULARY["categories"].items():
        assert key in taxonomy().categories
        for group in ("zh", "pinyin", "initials", "en"):
            for w in words.get(group, []):
                assert key in [c.category for c in h.candidates(w)], (key, group, w)


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("jtzz", "postal_address"),  # 家庭住址
        ("sjh", "phone"),
        ("lxdh", "phone"),
        ("zjhm", "id_card_number"),
        ("yhkh", "bank_account"),
        ("csrq", "date_of_birth"),
        ("shrdh", "phone"),  # 收货人电话: the tail of a vowelless compound names what it is
        ("khxm", "name"),
        ("jjlxrxm", "family_members"),  # 紧急联系人姓名: the longer word wins
        ("user_jtzz", "postal_address"),
        ("IdNo", "id_card_number"),
        ("联系人手机号", "phone"),
    ],
)
def test_names_and_initials(name: str, category: str) -> None:
    assert hints().match(name) is not None
    assert hints().candidates(name)[0].category == category


def test_english_words_do_not_match_as_compound_tails() -> None:
    # "handh" has a vowel: an English-looking word is not split into initials
    assert hints().candidates("handh") == []
    assert hints().candidates("cjsj")[0].weak  # 创建时间: "sj" only as a tail, so a weak hint


def test_ambiguous_initials_are_settled_by_values() -> None:
    titles = [RNG.choice(["经理", "主管", "专员"]) for _ in range(50)]
    templates = [hs.fingerprint(RNG) for _ in range(50)]
    assert scanned("zw", titles).category == "employment"  # 职务
    assert "name hint not used" in evidence(scanned("zw", titles))
    assert scanned("zw", templates).category == "fingerprint"  # 指纹
    assert scanned("zw", []).category == "fingerprint"  # no values: the first reading, for review


@pytest.mark.parametrize(
    ("name", "values", "category"),
    [
        ("xm_bh", [f"XM2024-{i:04d}" for i in range(50)], None),  # 项目编号, not 姓名
        ("xm", [f"XM2024-{i:04d}" for i in range(50)], None),
        ("xm", [hs.person(RNG) for _ in range(50)], "name"),
        ("xm", ["张*", "李**", "王*明"] * 10, "name"),  # masked names are still names
        ("mm", ["0", "1"] * 25, None),  # a yes/no flag, not a password
        ("mm", [hs.sha256(RNG) for _ in range(50)], "account_credentials"),
        ("sbh", [synth.uscc(RNG) for _ in range(50)], None),  # 纳税人识别号: an organisation
        ("sbh", [hs.imei(RNG) for _ in range(50)], "device_identifier"),
        ("sbh", [hs.social_security_no(RNG) for _ in range(50)], "social_security"),
    ],
)
def test_values_contradict_name_hints(name: str, values: list[str], category: str | None) -> None:
    assert scanned(name, values).category == category


def test_masked_values_are_still_pi() -> None:
    masked = [hs.masked_mobile(RNG) for _ in range(80)]
    p = scanned("mobile", masked)
    assert p.category == "phone" and p.confidence >= 0.9
    assert "are masked" in evidence(p) and "still personal information" in evidence(p)
    assert scanned("c07", masked).category == "phone"  # no name needed
    assert scanned("c08", [hs.masked_id(RNG) for _ in range(80)]).category == "id_card_number"
    assert scanned("c09", [f"6222 **** **** {i:04d}" for i in range(80)]).category == "bank_account"
    assert scanned("c10", [f"u{i}***@example.com" for i in range(80)]).category == "email"
    assert scanned("c11", [f"123****{i:04d}" for i in range(80)]).category is None  # no 123 segment


@pytest.mark.parametrize(
    "numbers",
    [
        [str(13800000000 + 3 * i) for i in range(300)],  # sequential, in a mobile segment
        [hs.ts_order(RNG, i) for i in range(300)],  # Unix seconds + node digit: 17…
        [str(17012345000 + i) for i in RNG.sample(range(1000), 300)],  # dense, in any order
    ],
)
def test_order_numbers_in_mobile_ranges_are_not_phones(numbers: list[str]) -> None:
    p = scanned("ddh", numbers)  # 订单号: "dh" is only the tail of the name
    assert p.category is None
    assert "sequence of identifiers" in evidence(p)
    assert scanned("col_x", numbers).category is None


def test_phone_numbers_are_not_a_sequence() -> None:
    assert scanned("col_x", [synth.mobile(RNG) for _ in range(300)]).category == "phone"
    sorted_block = sorted(f"1391234{RNG.randrange(10**4):04d}" for _ in range(300))  # a company's block
    assert scanned("mobile", sorted_block).category == "phone"  # a whole-word name keeps its category


def test_reference_numbers_in_free_text_are_not_phone_mentions() -> None:
    notes = [f"订单{hs.ts_order(RNG, i)}已发货" for i in range(100)] + [
        f"order no. {synth.mobile(RNG)}" for _ in range(50)
    ]
    assert scanned("beizhu", notes).category is None
    calls = [f"请致电{synth.mobile(RNG)}确认" for _ in range(100)]
    assert scanned("beizhu", calls).category == "phone"
    english = [f"Mobile No: {synth.mobile(RNG)}" for _ in range(100)]  # "No" after a phone word is no reference
    assert scanned("beizhu", english).category == "phone"


def test_server_ip_in_a_configuration_table_is_not_pi() -> None:
    ips = [hs.server_ip(RNG) for _ in range(50)]
    p = scanned("ip", ips, table="sys_config")
    assert p.category is None and "a configuration table" in evidence(p)
    assert scanned("ip", ips, table="t_xtpz").category is None  # 系统配置 in initials
    assert scanned("ip", ips, table="login_log").category == "ip_address"
    assert scanned("login_ip", ips, table="sys_config").category == "ip_address"  # a user's address
    assert scanned("server_ip", ips, table="hosts").category is None  # the name says it


def test_json_and_arrays_are_searched_inside() -> None:
    docs = [{"source": "app", "sj": synth.mobile(RNG)} for _ in range(40)]
    p = scanned("ext", docs)
    assert p.category == "phone" and "JSON or arrays" in evidence(p)
    assert scanned("ext", [json.dumps(d) for d in docs]).category == "phone"  # JSON in TEXT
    assert scanned("contacts", [[synth.email(RNG), synth.email(RNG)] for _ in range(40)]).category == "email"


def test_stats_without_values_keep_name_hints() -> None:
    assert propose("sjh", None, ColumnStats()).category == "phone"


@pytest.mark.parametrize(
    ("values", "category"),
    [
        ([hs.person(RNG) for _ in range(60)], "name"),
        ([hs.address(RNG) for _ in range(60)], "postal_address"),
        (["男", "女"] * 30, "gender"),
        (["汉族", "回族", "满族"] * 20, "ethnicity"),
        (["本科", "硕士", "大专"] * 20, "education"),
        (["苹果手机", "华为平板", "小米电视", "联想电脑"] * 15, None),  # products, not people
        (["经理", "主管", "专员"] * 20, None),
    ],
)
def test_loose_value_rules_speak_for_cryptic_names(values: list[str], category: str | None) -> None:
    assert scanned("c07", values).category == category


def test_loose_value_rules_never_overrule_a_name() -> None:
    names = [hs.person(RNG) for _ in range(60)]
    assert scanned("jjlxr", names).category == "family_members"  # 紧急联系人: a person's name, but family
    assert scanned("fzr", names).category == "name"


def test_a_not_pi_name_outranks_only_the_values_it_names() -> None:
    ips = [hs.server_ip(RNG) for _ in range(50)]
    assert scanned("gateway", ips).category is None  # server_address overrides ip_address
    mobiles = [synth.mobile(RNG) for _ in range(50)]
    assert scanned("tax_no", mobiles).category == "phone"  # an organisation's name, a person's values
