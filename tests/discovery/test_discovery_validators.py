"""Validators against published examples and generated valid / invalid values."""

from __future__ import annotations

import random

import discovery_synth as synth
import pytest

from engine.discovery import validators as v
from engine.discovery.classify import ColumnStats, propose
from engine.hints import hints

RNG_SEED = 11


@pytest.mark.parametrize(
    ("check", "good", "bad"),
    [
        (v.prc_resident_id, synth.resident_id, synth.resident_id_bad_check),
        (v.prc_resident_id, synth.resident_id, synth.resident_id_bad_date),
        (v.bank_card, synth.bank_card, synth.bank_card_bad),
        (v.mainland_mobile, synth.mobile, synth.order_number),
        (v.unified_social_credit_code, synth.uscc, synth.resident_id),
        (v.vehicle_plate, synth.plate, synth.text),
        (v.email_address, synth.email, synth.order_number),
        (v.ip_address, synth.ip, synth.amount),
        (v.coordinate_pair, synth.coordinates, synth.amount),
    ],
)
def test_generated_values(check, good, bad) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(RNG_SEED)
    assert all(check(good(rng)) for _ in range(300))
    assert not any(check(str(bad(rng))) for _ in range(300))


def test_legacy_15_digit_resident_ids() -> None:
    """The GB 11643 example in its 15-digit form (no century, no check digit); order numbers rarely pass."""
    assert v.prc_resident_id_legacy("110105491231002")
    assert not v.prc_resident_id_legacy("110105491331002")  # month 13
    assert not v.prc_resident_id_legacy("990105491231002")  # no such province
    assert not v.prc_resident_id_legacy("11010549123100")  # 14 digits
    rng = random.Random(RNG_SEED)
    numbers = [str(rng.randrange(10**14, 10**15)) for _ in range(2000)]
    assert sum(map(v.prc_resident_id_legacy, numbers)) / len(numbers) < 0.05  # far below any column threshold


def test_published_examples() -> None:
    assert v.prc_resident_id("11010519491231002X")  # GB 11643 example
    assert not v.prc_resident_id("110105194912310021")
    assert not v.prc_resident_id("99010519491231002X")  # no such province
    assert v.unified_social_credit_code("91350100M000100Y43")  # GB 32100 example
    assert not v.unified_social_credit_code("91350100M000100Y44")
    assert v.luhn("4111111111111111") and v.bank_card("4111 1111 1111 1111")
    assert not v.bank_card("1234567812345670")  # Luhn-valid, no issuer starts with 1
    assert v.mainland_mobile("+86 138-1234-5678") and not v.mainland_mobile("12012345678")
    assert v.mainland_landline("0755-86001234") and not v.mainland_landline("2026112700")
    assert v.vehicle_plate("粤B12345") and v.vehicle_plate("粤BD12345") and v.vehicle_plate("京A1234学")
    assert not v.vehicle_plate("粤I12345") and not v.vehicle_plate("AB12345")
    assert v.prc_passport("EA1234567") and not v.prc_passport("X12345678")
    assert (
        v.date_of_birth("1990-02-28")
        and not v.date_of_birth("1990-02-30")
        and not v.date_of_birth("2999-01-01")
    )
    assert not v.ip_address("1.2") and v.ip_address("::1")
    assert not v.email_address("a@@b.com") and not v.email_address("a@localhost")


def test_masks_hide_the_middle() -> None:
    assert v.BY_RULE["prc_resident_id"].mask("440305199001011234") == "4403**********1234"
    assert v.BY_RULE["mainland_mobile"].mask("13812345678") == "138****5678"
    assert v.BY_RULE["email"].mask("zhang.san@example.com") == "z***@example.com"
    assert v.BY_RULE["ip_address"].mask("203.0.113.9") == "203.0.*.*"
    assert v.BY_RULE["date_of_birth"].mask("1990-01-02") == "1990-**-**"


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("shouji", "phone"),
        ("sfzh", "id_card_number"),
        ("身份证号", "id_card_number"),
        ("id_no", "id_card_number"),
        ("IdNo", "id_card_number"),
        ("手机号", "phone"),
        ("mobile", "phone"),
        ("email_address", "email"),
        ("ip_address", "ip_address"),
        ("csrq", "date_of_birth"),
        ("联系人手机号", "phone"),
        ("user_id", None),
        ("product_name", None),
        ("order_no", None),
        ("page_count", None),
    ],
)
def test_name_hints(name: str, category: str | None) -> None:
    hint = hints().match(name)
    assert (hint.category if hint else None) == category


def test_organisation_code_is_not_pi() -> None:
    hint = hints().match("tyshxydm")
    assert hint is not None and hint.category is None and hint.not_pi is not None


def test_suggestion_uses_hints_then_spelling() -> None:
    assert hints().suggestion("shouji") == "phone"
    assert hints().suggestion("emial") == "email"
    assert hints().suggestion("zzzzzz") is None


def _stats(values: list[str]) -> ColumnStats:
    stats = ColumnStats()
    for value in values:
        stats.add(value)
    return stats


def test_free_text_mentions_need_a_share_of_the_values() -> None:
    rng = random.Random(RNG_SEED)
    plain = ["已回访，客户满意"] * 99
    one = _stats([*plain, f"请致电{synth.mobile(rng)}确认"])  # 1 in 100: noise, not a PI column
    assert propose("remark", None, one).category is None
    some = _stats([*plain[:90], *(f"请致电{synth.mobile(rng)}确认" for _ in range(10))])
    proposal = propose("remark", None, some)
    assert proposal.category == "phone" and 0.5 < proposal.confidence < 0.6
    assert "10% of 100 sampled non-empty values mention a valid mainland mobile" in proposal.evidence[0].en


def test_free_text_ignores_digits_inside_longer_codes() -> None:
    rng = random.Random(RNG_SEED)
    codes = _stats([f"SN{synth.mobile(rng)}X9 与 {synth.mobile(rng)}7 已入库" for _ in range(50)])
    assert codes.embedded == {}
    assert propose("remark", None, codes).category is None


def test_free_text_confirms_a_name_that_whole_values_contradict() -> None:
    rng = random.Random(RNG_SEED)
    prefixed = _stats([f"Tel: {synth.mobile(rng)}" for _ in range(40)])
    proposal = propose("tel", None, prefixed)
    assert proposal.category == "phone" and proposal.confidence == 0.9
