"""Synthetic column values for the discovery tests and benchmarks/scan.py.

Check digits are computed here from the published formulas, independently of
engine/discovery/validators.py, so a wrong validator cannot agree with a wrong generator.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Column, Date, Engine, Float, Integer, MetaData, Table, Text, insert

REGIONS = ("440305", "110101", "310115", "510104", "330106", "620102", "440106")
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def id_check(first17: str) -> str:
    total = sum(int(c) * (2 ** (17 - i) % 11) for i, c in enumerate(first17))
    return "10X98765432"[total % 11]


def resident_id(rng: random.Random) -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 60))
    body = f"{rng.choice(REGIONS)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + id_check(body)


def resident_id_15(rng: random.Random) -> str:
    """A first-generation 15-digit number: region, YYMMDD of a 20th-century birth date, sequence."""
    born = date(1930, 1, 1) + timedelta(days=rng.randrange(365 * 68))
    return f"{rng.choice(REGIONS)}{born:%y%m%d}{rng.randrange(1000):03d}"


def resident_id_bad_check(rng: random.Random) -> str:
    good = resident_id(rng)
    return good[:17] + next(c for c in "0123456789X" if c != good[17])


def resident_id_bad_date(rng: random.Random) -> str:
    month, day = rng.choice([("13", "01"), ("00", "10"), ("02", "30"), ("04", "31")])
    body = f"{rng.choice(REGIONS)}1990{month}{day}{rng.randrange(1000):03d}"
    return body + id_check(body)  # right check digit over an impossible date


def mobile(rng: random.Random) -> str:
    return rng.choice(["138", "139", "186", "150", "177", "199"]) + f"{rng.randrange(10**8):08d}"


def order_number(rng: random.Random) -> str:
    return f"2026{rng.randrange(1, 13):02d}{rng.randrange(10**10):010d}"


def luhn_digit(body: str) -> str:
    total = 0
    for i, c in enumerate(reversed(body)):
        n = int(c) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


def bank_card(rng: random.Random) -> str:
    body = "62" + "".join(str(rng.randrange(10)) for _ in range(rng.choice([13, 16])))
    return body + luhn_digit(body)


def bank_card_bad(rng: random.Random) -> str:
    good = bank_card(rng)
    return good[:-1] + str((int(good[-1]) + 1) % 10)


def email(rng: random.Random) -> str:
    return f"user{rng.randrange(10**6)}@{rng.choice(['example.com', 'qq.com', 'mail.example.cn'])}"


def passport(rng: random.Random) -> str:
    prefix = rng.choice(["E", "EA", "G"])
    return prefix + "".join(str(rng.randrange(10)) for _ in range(9 - len(prefix)))


def uscc(rng: random.Random) -> str:
    body = "91" + rng.choice(REGIONS) + "".join(rng.choice(USCC_CHARS) for _ in range(9))
    total = sum(USCC_CHARS.index(c) * (3**i % 31) for i, c in enumerate(body))
    return body + USCC_CHARS[(31 - total % 31) % 31]


def plate(rng: random.Random) -> str:
    tail = "".join(rng.choice("0123456789ABCDEFGHJK") for _ in range(5))
    return rng.choice("粤京沪川") + rng.choice("ABCDE") + tail


def ip(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return f"2001:db8::{rng.randrange(1, 0xFFFF):x}"
    return ".".join(str(rng.randrange(1, 255)) for _ in range(4))


def coordinates(rng: random.Random) -> str:
    return f"{22.5 + rng.random() / 10:.6f},{114.0 + rng.random() / 10:.6f}"


def birthday(rng: random.Random) -> date:
    return date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 60))


def person_name(rng: random.Random) -> str:
    return rng.choice("王李张刘陈杨") + rng.choice(["伟", "芳", "娜", "敏", "静", "磊"])


def text(rng: random.Random) -> str:
    return rng.choice(["请尽快发货", "周末送达", "无", "礼品包装", "Leave at the door"])


def mentions(make: Callable[[random.Random], str], share: float) -> Callable[[random.Random], str]:
    """Free text in which about `share` of the values mention one item made by `make`."""

    def note(rng: random.Random) -> str:
        if rng.random() >= share:
            return rng.choice(["客户来电咨询退货流程", "已回访，客户满意", "Customer asked about delivery time"])
        return rng.choice(["客户要求改为 {} 联系", "请致电{}确认地址", "contact: {} (after 6pm)"]).format(make(rng))

    return note


def order_note(rng: random.Random) -> str:
    return f"订单号{order_number(rng)}已退款 {amount(rng)} 元，工单 {serial(rng)}"


def tel_prefixed(rng: random.Random) -> str:
    return f"Tel: {mobile(rng)}"


@dataclass(frozen=True)
class Col:
    name: str
    make: Callable[[random.Random], Any]
    expect: str | None  # the category a correct scan proposes
    sql: type = Text
    comment: str | None = None


def serial(rng: random.Random) -> int:
    return rng.randrange(10**6)


def amount(rng: random.Random) -> float:
    return round(rng.random() * 1000, 2)


# Known columns, with misleading names both ways: `phone` holding order numbers, `remark` holding ID
# numbers, `cert_no` holding IDs with wrong check digits, `company_name` that is no person's name.
SHOP: dict[str, list[Col]] = {
    "customers": [
        Col("id", serial, None, Integer),
        Col("xingming", person_name, "name"),
        Col("sfzh", resident_id, "id_card_number"),
        Col("shouji", mobile, "phone"),
        Col("email", email, "email"),
        Col("birthday", birthday, "date_of_birth", Date),
        Col("收货地址", text, "postal_address"),
        Col("reg_ip", ip, "ip_address"),
        Col("created", birthday, None, Date),
        Col("note", text, None),
    ],
    "orders": [
        Col("order_no", order_number, None),
        Col("phone", order_number, None),
        Col("remark", resident_id, "id_card_number"),
        Col("amount", amount, None, Float),
        Col("card_no", bank_card, "bank_account"),
        Col("col_x", bank_card, "bank_account"),
        Col("plate", plate, "vehicle_plate"),
        Col("gps", coordinates, "precise_location"),
        Col("dest", plate, "vehicle_plate"),
        Col("col_y", resident_id_15, "id_card_number"),
    ],
    "suppliers": [
        Col("company_name", text, None),
        Col("uscc", uscc, None),
        Col("reg_code", uscc, None),
        Col("contact_mobile", mobile, "phone"),
        Col("c7", mobile, "phone"),
        Col("web", email, "email"),
    ],
    "tickets": [  # free text: items inside sentences, and numbers that only look like them
        Col("content", mentions(mobile, 0.3), "phone"),
        Col("memo", mentions(resident_id, 0.2), "id_card_number"),
        Col("kefu_beizhu", mentions(email, 0.5), "email"),
        Col("refund_note", order_note, None),
        Col("bad_id_note", mentions(resident_id_bad_check, 0.5), None),
        Col("tel", tel_prefixed, "phone"),
    ],
    "bad_values": [
        Col("cert_no", resident_id_bad_check, None),
        Col("col_a", resident_id_bad_check, None),
        Col("col_b", resident_id_bad_date, None),
        Col("col_c", bank_card_bad, None),
        Col("doc", passport, "passport_number"),
        Col("addr_ip", ip, "ip_address"),
        Col("c1", mobile, "phone", Text, "联系人手机号"),
        Col("c2", resident_id, "id_card_number", Text, "身份证号"),
    ],
}


def build(
    engine: Engine, spec: dict[str, list[Col]], rows: int, seed: int = 7, schema: str | None = None
) -> None:
    """Create the tables and fill them; about 3% of rows are all NULL."""
    rng = random.Random(seed)
    meta = MetaData(schema=schema)
    tables = [
        Table(name, meta, *(Column(c.name, c.sql, comment=c.comment) for c in cols))
        for name, cols in spec.items()
    ]
    meta.create_all(engine)
    with engine.begin() as conn:
        for t, cols in zip(tables, spec.values(), strict=True):
            data = []
            for _ in range(rows):
                roll = rng.random()
                data.append({c.name: None if roll < 0.03 else c.make(rng) for c in cols})
            conn.execute(insert(t), data)


def expected(spec: dict[str, list[Col]], schema: str | None = None) -> dict[tuple[str, str], str | None]:
    prefix = f"{schema}." if schema else ""
    return {(f"{prefix}{t}", c.name): c.expect for t, cols in spec.items() for c in cols}
