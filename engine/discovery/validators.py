"""Value validators for sampled column values: check digits, number plans and dates, not bare regexes.

Each validator says which taxonomy category a valid value belongs to (None: an organisation, not PI),
how to mask a value for evidence (never the raw value), and whether values alone may propose the
category (`standalone`) or may only confirm a name hint (dates of birth: every timestamp is a date).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from engine.text import Text

# GB/T 2260 province-level codes (first two digits of a resident ID); 81-83: HK/Macau/Taiwan residence
# permits (GB 11643 format); 91-93: foreigners' permanent residence ID cards (2023 format).
_PROVINCES = frozenset(str(n) for n in (
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54,
    61, 62, 63, 64, 65, 71, 81, 82, 83, 91, 92, 93,
))  # fmt: skip
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # 2^(17-i) mod 11
_ID_CHECK = "10X98765432"  # ISO 7064 MOD 11-2, indexed by the weighted sum mod 11

# GB 32100-2015: 31 characters (no I, O, Z, S, V), weights 3^i mod 31
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_CHARS)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_AUTHORITIES = frozenset("123456789ANY")

# Mainland mobile number segments in use (MIIT numbering plan), first three digits.
_MOBILE_SEGMENTS = frozenset(
    [f"13{d}" for d in range(10)]
    + ["145", "146", "147", "148", "149"]
    + [f"15{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)]
    + ["162", "165", "166", "167"]
    + [f"17{d}" for d in range(9)]
    + [f"18{d}" for d in range(10)]
    + [f"19{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)]
)
_PLATE_PROVINCES = frozenset("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼")
_PLATE_CHARS = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")  # no I, O
_PLATE_SUFFIX = frozenset("学警挂领港澳试超")
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}")
_DOMAIN_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
_SEPARATORS = str.maketrans("", "", " -")


def _digits(value: str) -> str:
    return value.translate(_SEPARATORS)


def prc_resident_id(v: str) -> bool:
    """18 characters, plausible region prefix, real birth date, ISO 7064 MOD 11-2 check character."""
    if len(v) != 18 or not v[:17].isdigit() or v[:2] not in _PROVINCES:
        return False
    if not _past_date(v[6:14], oldest=1880):
        return False
    total = sum(int(c) * w for c, w in zip(v[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == v[17].upper()


def prc_resident_id_legacy(v: str) -> bool:
    """15 digits, the first-generation card numbers (replaced from 1999 but still found in old systems):
    plausible region prefix and a real 19YYMMDD birth date; they have no check digit."""
    return len(v) == 15 and v.isdigit() and v[:2] in _PROVINCES and _past_date("19" + v[6:12])


def unified_social_credit_code(v: str) -> bool:
    """GB 32100: registration authority, 6-digit region, check character over the first 17."""
    v = v.upper()
    if len(v) != 18 or v[0] not in _USCC_AUTHORITIES or not v[2:8].isdigit() or v[2:4] not in _PROVINCES:
        return False
    try:
        total = sum(_USCC_VALUE[c] * w for c, w in zip(v[:17], _USCC_WEIGHTS, strict=True))
        return _USCC_CHARS[(31 - total % 31) % 31] == v[17]
    except KeyError:
        return False


def mainland_mobile(v: str) -> bool:
    d = _digits(v)
    for prefix in ("+86", "0086", "86"):
        if len(d) == 11 + len(prefix) and d.startswith(prefix):
            d = d[len(prefix) :]
    return len(d) == 11 and d.isdigit() and d[:3] in _MOBILE_SEGMENTS


def mainland_landline(v: str) -> bool:
    """0 + 2-3 digit area code + 7-8 digit number (0755-12345678); confirms a phone name only."""
    d = _digits(v.replace("(", "").replace(")", ""))
    return 10 <= len(d) <= 12 and d.isdigit() and d[0] == "0" and d[1] != "0"


def luhn(d: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(d)):
        n = int(c) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def bank_card(v: str) -> bool:
    """Luhn check plus a plausible issuer prefix and length (UnionPay 62, Visa, Mastercard, JCB, Amex)."""
    d = _digits(v)
    if not d.isdigit() or not 15 <= len(d) <= 19:
        return False
    if d[:2] in ("34", "37"):
        ok = len(d) == 15
    elif d[0] == "4":
        ok = len(d) in (16, 19)
    elif d[0] == "5":
        ok = len(d) == 16 and "51" <= d[:2] <= "55"
    elif d[0] in "369":
        ok = len(d) >= 16
    else:
        ok = False
    return ok and luhn(d)


def email_address(v: str) -> bool:
    local, at, domain = v.rpartition("@")
    if not at or not _EMAIL_LOCAL.fullmatch(local) or local.startswith(".") or ".." in local:
        return False
    labels = domain.split(".")
    tld = labels[-1]
    return (
        len(labels) >= 2
        and len(domain) <= 253
        and all(_DOMAIN_LABEL.fullmatch(x) for x in labels)
        and ((tld.isalpha() and len(tld) >= 2) or tld.startswith("xn--"))
    )


def prc_passport(v: str) -> bool:
    """PRC passport numbers (E12345678, EA1234567, G12345678, D/S/P diplomatic and service)."""
    v = v.upper()
    if len(v) != 9:
        return False
    if v[0] == "E" and v[1] not in "IO" and v[1].isalpha():
        return v[2:].isdigit()
    return v[0] in "EGDSP" and v[1:].isdigit()


def vehicle_plate(v: str) -> bool:
    """Province character, issuing-office letter, 5 characters (6 for new-energy D/F plates)."""
    v = v.replace(" ", "").replace("·", "").upper()
    if len(v) not in (7, 8) or v[0] not in _PLATE_PROVINCES or not ("A" <= v[1] <= "Z") or v[1] in "IO":
        return False
    rest = v[2:]
    if rest[-1] in _PLATE_SUFFIX and len(v) == 7:
        rest = rest[:-1]
        return len(rest) == 4 and all(c in _PLATE_CHARS for c in rest)
    if len(rest) == 6:  # new energy: D/F first (small cars) or last (large vehicles)
        return all(c in _PLATE_CHARS for c in rest) and (rest[0] in "DF" or rest[-1] in "DF")
    return len(rest) == 5 and all(c in _PLATE_CHARS for c in rest)


def ip_address(v: str) -> bool:
    if "." not in v and ":" not in v:
        return False
    try:
        ipaddress.ip_address(v)
    except ValueError:
        return False
    return True


def _decimal(v: str, lo: float, hi: float, places: int = 4) -> bool:
    """A decimal number in range with at least `places` decimals (metre-level, i.e. precise)."""
    whole, dot, frac = v.strip().partition(".")
    if not dot or len(frac) < places or not frac.isdigit() or not whole.lstrip("-").isdigit():
        return False
    return lo <= float(v) <= hi


def coordinate_pair(v: str) -> bool:
    """ "22.543099,114.057868" (either order): precise latitude and longitude together."""
    parts = re.split(r"[,\s;]+", v.strip())
    if len(parts) != 2:
        return False
    a, b = parts
    return (_decimal(a, -90, 90) and _decimal(b, -180, 180)) or (_decimal(a, -180, 180) and _decimal(b, -90, 90))


def coordinate(v: str) -> bool:
    return _decimal(v, -180, 180)


def _past_date(digits: str, oldest: int = 1900) -> bool:
    try:
        d = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return False
    return oldest <= d.year and d <= date.today()


def date_of_birth(v: str) -> bool:
    """A past calendar date (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD; a midnight time is allowed)."""
    v = v.removesuffix(" 00:00:00").removesuffix("T00:00:00")
    if len(v) == 10 and v[4] == v[7] and v[4] in "-/.":
        v = v[:4] + v[5:7] + v[8:]
    return len(v) == 8 and v.isdigit() and _past_date(v)


def keep(v: str, head: int, tail: int) -> str:
    """`4403**********1234`: only the ends survive; short values are starred whole."""
    if len(v) <= head + tail:
        return "*" * len(v)
    return v[:head] + "*" * (len(v) - head - tail) + v[len(v) - tail :]


def _mask_email(v: str) -> str:
    local, _, domain = v.rpartition("@")
    return f"{local[:1]}***@{domain}"


def _mask_ip(v: str) -> str:
    addr = ipaddress.ip_address(v)
    if addr.version == 4:
        return ".".join([*v.split(".")[:2], "*", "*"])
    return ":".join([*addr.exploded.split(":")[:2], "*"])


def _mask_coordinates(v: str) -> str:
    return re.sub(r"(\d+\.\d)\d+", r"\1*", v)


# Masked values (de-identified, still PI): the visible ends of a value must fit its number plan.
_STARS = re.compile(r"[*＊●×]+")
_MASKED_MOBILE = re.compile(r"(?:\+?86[ -]?)?(1\d\d)[*＊●×]{4}\d{4}")
_MASKED_ID = re.compile(r"(\d{1,6})[*＊●×]{8,16}[0-9Xx]{0,4}")
_MASKED_CARD = re.compile(r"([3-6]\d{3,5})[*＊● ]{4,}\d{4}")


def masked_mobile(v: str) -> bool:
    """`138****1234`: a mobile number with its middle four digits starred (segment still checked)."""
    m = _MASKED_MOBILE.fullmatch(v)
    return m is not None and m[1] in _MOBILE_SEGMENTS


def masked_resident_id(v: str) -> bool:
    """`4403**********1234`: 15 or 18 characters, a province prefix, the rest starred."""
    m = _MASKED_ID.fullmatch(v)
    return m is not None and len(v) in (15, 18) and (len(m[1]) < 2 or m[1][:2] in _PROVINCES)


def masked_bank_card(v: str) -> bool:
    """`6222 **** **** 1234` or `622202*********1234`: issuer prefix and last four digits."""
    return _MASKED_CARD.fullmatch(v) is not None and 15 <= len(v.replace(" ", "")) <= 19


def masked_email(v: str) -> bool:
    """`z***@example.com`: a starred local part before a valid domain."""
    local, at, _domain = v.rpartition("@")
    return bool(at) and _STARS.search(local) is not None and email_address(_STARS.sub("x", v))


# Loose value rules for categories with no check digit: they propose a category only for a column whose
# name says nothing (a cryptic `c07`, an unfamiliar `xbdm`), and never overrule a name hint.
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_COMPOUND_SURNAMES = frozenset({"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "司徒", "夏侯"})
_ETHNIC_GROUPS = frozenset((
    "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白",
    "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇",
    "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒",
    "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲",
    "门巴", "珞巴", "基诺",
))  # fmt: skip
_GENDERS = frozenset({"男", "女", "男性", "女性", "male", "female"})
_EDUCATION = frozenset((
    "小学", "初中", "高中", "中专", "中技", "职高", "技校", "大专", "专科", "本科", "大学本科", "学士",
    "硕士", "硕士研究生", "研究生", "博士", "博士研究生", "博士后",
))  # fmt: skip
_ADMIN = re.compile(r"[省市区县州旗盟镇乡]")
_STREET = re.compile(r"路|街|大道|巷|弄|胡同|村|组|号|栋|幢|单元|室|楼|小区|苑")


def chinese_person_name(v: str) -> bool:
    """2–4 Han characters starting with a common surname (张伟, 欧阳娜娜), or a masked one (张*)."""
    if not 2 <= len(v) <= 4 or not all("\u4e00" <= c <= "\u9fff" or c in "*＊" for c in v):
        return False
    return v[0] in _SURNAMES or v[:2] in _COMPOUND_SURNAMES


def chinese_address(v: str) -> bool:
    """A Chinese postal address: an administrative level (省/市/区/县 …) and a street-level part."""
    return 6 <= len(v) <= 120 and _ADMIN.search(v) is not None and _STREET.search(v) is not None


def ethnic_group(v: str) -> bool:
    return v.removesuffix("族") in _ETHNIC_GROUPS and (v.endswith("族") or len(v) == 1)


@dataclass(frozen=True)
class Validator:
    rule: str
    category: str | None  # taxonomy key; None: not PI (organisation)
    label: Text
    check: Callable[[str], bool]
    mask: Callable[[str], str]
    lengths: tuple[int, int]  # shortest and longest text that can be valid: a cheap first filter
    standalone: bool = True
    masked: Callable[[str], bool] | None = None  # the same item with part of it starred
    nameless: bool = False  # a loose rule (a vocabulary, a pattern): speaks only when no name hint does


def _t(zh: str, en: str) -> Text:
    return Text(zh=zh, en=en)


VALIDATORS: tuple[Validator, ...] = (
    Validator("prc_resident_id", "id_card_number",
              _t("居民身份证号码（GB 11643 校验位）", "PRC resident ID (GB 11643 check digit)"),
              prc_resident_id, lambda v: keep(v, 4, 4), (18, 18), masked=masked_resident_id),
    Validator("prc_resident_id_15", "id_card_number",
              _t("15 位旧版居民身份证号码（地区码、出生日期；无校验位）",
                 "15-digit legacy resident ID (region prefix, birth date; no check digit)"),
              prc_resident_id_legacy, lambda v: keep(v, 4, 3), (15, 15)),
    Validator("uscc", None, _t("统一社会信用代码（GB 32100 校验位；组织，非个人信息）",
                               "unified social credit code (GB 32100 check digit; an organisation, not PI)"),
              unified_social_credit_code, lambda v: keep(v, 2, 4), (18, 18)),
    Validator("mainland_mobile", "phone",
              _t("大陆手机号码（号段）", "mainland mobile number (allocated segment)"),
              mainland_mobile, lambda v: keep(_digits(v)[-11:], 3, 4), (11, 17), masked=masked_mobile),
    Validator("mainland_landline", "phone", _t("固定电话号码", "landline number"),
              mainland_landline, lambda v: keep(_digits(v), 4, 2), (10, 16), standalone=False),
    Validator("bank_card", "bank_account",
              _t("银行卡号（Luhn 校验、发卡行前缀）", "bank card number (Luhn, issuer prefix)"),
              bank_card, lambda v: keep(_digits(v), 4, 4), (15, 23), masked=masked_bank_card),
    Validator("email", "email", _t("电子邮箱地址", "email address"), email_address, _mask_email, (6, 254),
              masked=masked_email),
    Validator("prc_passport", "passport_number", _t("中国护照号码格式", "PRC passport number format"),
              prc_passport, lambda v: keep(v, 1, 2), (9, 9)),
    Validator("vehicle_plate", "vehicle_plate", _t("机动车号牌", "vehicle licence plate"),
              vehicle_plate, lambda v: keep(v, 2, 1), (7, 10)),
    Validator("ip_address", "ip_address", _t("IP 地址", "IP address"), ip_address, _mask_ip, (2, 45)),
    Validator("coordinate_pair", "precise_location",
              _t("经纬度坐标（≥4 位小数）", "latitude/longitude pair (≥4 decimals)"),
              coordinate_pair, _mask_coordinates, (13, 48)),
    Validator("coordinate", "precise_location",
              _t("经度或纬度（≥4 位小数）", "latitude or longitude (≥4 decimals)"),
              coordinate, _mask_coordinates, (6, 24), standalone=False),
    Validator("date_of_birth", "date_of_birth", _t("过去的日期", "past calendar date"),
              date_of_birth, lambda v: v[:4] + "-**-**", (8, 19), standalone=False),
    Validator("cn_person_name", "name", _t("中文姓名（常见姓氏）", "Chinese personal name (common surname)"),
              chinese_person_name, lambda v: v[:1] + "*" * (len(v) - 1), (2, 4), nameless=True),
    Validator("cn_address", "postal_address", _t("中国地址（行政区划与街道门牌）",
                                                 "Chinese postal address (administrative area and street)"),
              chinese_address, lambda v: v[:3] + "…", (6, 120), nameless=True),
    Validator("gender", "gender", _t("性别取值", "gender value"), lambda v: v.lower() in _GENDERS,
              lambda _v: "*", (1, 6), nameless=True),
    Validator("ethnic_group", "ethnicity", _t("民族名称", "ethnic group name"), ethnic_group,
              lambda _v: "*族", (1, 6), nameless=True),
    Validator("education_level", "education", _t("学历名称", "education level"), lambda v: v in _EDUCATION,
              lambda _v: "*", (2, 6), nameless=True),
)  # fmt: skip
BY_RULE = {v.rule: v for v in VALIDATORS}


# Value shapes a category may require of its values (hints.yaml `shape`): a name hint whose values
# mostly lack the shape is dropped (xm_bh holding project codes is no person's name). Loose on
# purpose: they only rule out what cannot be the category, they never propose one.
_HAN_NAME = re.compile(
    r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{2,}·[\u4e00-\u9fff]{2,}|[\u4e00-\u9fff][*＊]{1,2}[\u4e00-\u9fff]?"
)
_LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z'.-]*(?: [A-Za-z][A-Za-z'.-]*){0,3}")
_TEMPLATE = re.compile(r"[A-Za-z0-9+/=_-]{32,}|\\x[0-9a-fA-F]{32,}")
_DEVICE = re.compile(
    r"\d{14,16}"  # IMEI / MEID
    r"|[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}"  # UUID, IDFA, OAID
    r"|(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}"  # MAC
    r"|[0-9A-Fa-f]{16}"  # Android ID
    r"|[A-Za-z0-9_-]{20,}"  # push tokens and the like
)
FLAGS = frozenset({"0", "1", "y", "n", "yes", "no", "true", "false", "t", "f", "是", "否", "有", "无", "on", "off"})


def person_name(v: str) -> bool:
    return bool(_HAN_NAME.fullmatch(v)) or (len(v) <= 40 and bool(_LATIN_NAME.fullmatch(v)))


def credential(v: str) -> bool:
    """A user name, password or hash: anything but a yes/no flag or a bare small number."""
    return v.lower() not in FLAGS and not (v.isdigit() and len(v) < 4)


SHAPES: dict[str, Callable[[str], bool]] = {
    "person_name": person_name,
    "credential": credential,
    "template": lambda v: bool(_TEMPLATE.fullmatch(v)),
    "device_id": lambda v: bool(_DEVICE.fullmatch(v)),
}
