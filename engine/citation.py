"""Legal citations: parsing `PIPL art. 13 para. 1 item 2`, and checking them against the citation index.

The index (rulebooks/citation-index.json) holds only structure: which articles, paragraphs (款) and
items (项) exist in each instrument, and when each instrument version is in force.
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict

from engine.errors import BadValue
from engine.i18n import listed, message
from engine.resources import data_dir
from engine.text import Text

_CITE = re.compile(
    r"^(?P<inst>[A-Z][A-Z0-9-]*[A-Z0-9])"
    r"(?: art\. (?P<art>\d+)(?: para\. (?P<para>\d+)(?: item (?P<item>\d+))?)?)?$"
)

_ZH_DIGITS = "零一二三四五六七八九"


class Citation(BaseModel):
    """One legal reference, as in shared/legal-texts: article, paragraph (款), item (项)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    instrument: str
    article: int | None = None
    paragraph: int | None = None
    item: int | None = None

    @classmethod
    def parse(cls, text: str) -> Citation:
        return _parse(text)

    def _parts(self) -> list[tuple[int, str, str]]:
        levels = ((self.article, " art. ", "条"), (self.paragraph, " para. ", "款"), (self.item, " item ", "项"))
        return [(n, en, zh) for n, en, zh in levels if n is not None]

    def __str__(self) -> str:
        return self.instrument + "".join(f"{en}{n}" for n, en, _ in self._parts())

    def zh(self) -> str:
        """Chinese form, e.g. 《个人信息保护法》第十三条第一款第一项."""
        return _zh(self)

    def sort_key(self) -> tuple[str, int, int, int]:
        return (self.instrument, self.article or 0, self.paragraph or 0, self.item or 0)


@cache
def _parse(text: str) -> Citation:
    """Citations are immutable and rulebooks cite the same few hundred over and over: parse each once."""
    m = _CITE.match(text.strip())
    if not m:
        raise BadValue(message("citation.form", text=text))
    art, para, item = (int(g) if g else None for g in m.group("art", "para", "item"))
    return Citation(instrument=m.group("inst"), article=art, paragraph=para, item=item)


@cache
def _zh(c: Citation) -> str:
    inst = instrument(c.instrument)
    out = f"《{short_title_zh(inst['title_zh'])}》" if inst else c.instrument
    return out + "".join(f"第{zh_number(n)}{zh}" for n, _, zh in c._parts())


def short_title_zh(title: str) -> str:
    title = re.sub(r"[（(].*?[)）]", "", title)
    return title.removeprefix("中华人民共和国").split(" ")[0]


def zh_number(n: int) -> str:
    """Chinese numerals as used in article numbers (1-9999): 13 -> 十三, 1034 -> 一千零三十四."""
    if n < 10:
        return _ZH_DIGITS[n]
    units = [(1000, "千"), (100, "百"), (10, "十")]
    out, zero = "", False
    rest = n
    for value, name in units:
        d, rest = divmod(rest, value)
        if d:
            if zero:
                out += "零"
                zero = False
            out += ("" if (value == 10 and d == 1 and not out) else _ZH_DIGITS[d]) + name
        elif out:
            zero = True
    if rest:
        out += ("零" if zero else "") + _ZH_DIGITS[rest]
    return out


@cache
def _index() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((data_dir("rulebooks") / "citation-index.json").read_text(encoding="utf-8"))
    return data["instruments"]  # type: ignore[no-any-return]


def instrument(code: str) -> dict[str, Any] | None:
    return _index().get(code)


def instruments() -> dict[str, Any]:
    return _index()


@cache  # asked for every citation of every finding
def in_force_window(code: str) -> tuple[date, date | None]:
    inst = _index()[code]
    until = inst["in_force_until"]
    return date.fromisoformat(inst["effective"]), (date.fromisoformat(until) if until else None)


def in_force(code: str, on: date) -> bool:
    start, end = in_force_window(code)
    return start <= on and (end is None or on <= end)


def is_secondary(code: str) -> bool:
    inst = _index().get(code)
    return bool(inst and inst["confidence"] == "secondary")


def check(cite: Citation) -> Text | None:
    """Return why the citation does not resolve in the index, or None when it does."""
    code, article = cite.instrument, cite.article
    inst = _index().get(code)
    if inst is None:
        return message("citation.unknown_instrument", code=code, known=listed(sorted(_index())))
    if article is None:
        return None
    if article in inst["missing_articles"]:
        return message("citation.known_gap", code=code, article=article)
    paras = inst["articles"].get(str(article), "absent")
    if paras == "absent":
        return message("citation.no_article", code=code, article=article)
    if cite.paragraph is None:
        return None
    if paras is None:
        return message("citation.paragraphs_unknown", code=code, article=article)
    if not 1 <= cite.paragraph <= len(paras):
        return message("citation.no_paragraph", code=code, article=article, count=len(paras), paragraph=cite.paragraph)
    if cite.item is None:
        return None
    items = paras[cite.paragraph - 1]
    if not 1 <= cite.item <= items:
        return message("citation.no_item", cite=cite, count=items)
    return None
