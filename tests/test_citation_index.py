"""The committed structural citation index must match ../shared/legal-texts, and rules must cite it."""

from __future__ import annotations

import json

import pytest

from engine import citation
from engine.citation_index_build import build
from engine.resources import data_dir
from tests.conftest import SHARED_TEXTS


@pytest.mark.skipif(not SHARED_TEXTS.is_dir(), reason="../shared/legal-texts is not present on this machine")
def test_index_matches_shared_texts() -> None:
    committed = json.loads((data_dir("rulebooks") / "citation-index.json").read_text(encoding="utf-8"))
    assert committed == build(SHARED_TEXTS), "run: python engine/citation_index_build.py"


def test_index_holds_structure_only() -> None:
    raw = (data_dir("rulebooks") / "citation-index.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    for inst in data["instruments"].values():
        for paras in inst["articles"].values():
            assert paras is None or all(isinstance(n, int) for n in paras)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("PIPL art. 13 para. 1 item 7", None),
        ("PIPL art. 13 para. 1 item 8", "has 7 item(s)"),
        ("PIPL art. 75", "has no article 75"),
        ("PIPL art. 13 para. 3", "2 paragraph(s)"),
        ("SC-MEASURES art. 10", "known gap"),
        ("INCIDENT-MEASURES art. 4", None),
        ("INCIDENT-MEASURES art. 4 para. 1", "secondary"),
        ("GDPR art. 6", "unknown instrument"),
    ],
)
def test_check(text: str, problem: str | None) -> None:
    why = citation.check(citation.Citation.parse(text))
    assert (why is None) if problem is None else (why is not None and problem in why.en)


def test_version_windows() -> None:
    from datetime import date

    assert citation.in_force("CSL2016", date(2025, 12, 31))
    assert not citation.in_force("CSL2016", date(2026, 1, 1))
    assert citation.in_force("CSL2025", date(2026, 1, 1))
    assert not citation.in_force("CBDF-PROVISIONS", date(2024, 3, 21))


def test_chinese_form() -> None:
    assert citation.Citation.parse("PIPL art. 13 para. 1 item 1").zh() == "《个人信息保护法》第十三条第一款第一项"
    assert citation.Citation.parse("CIVIL-CODE-PI art. 1034 para. 2").zh() == "《民法典》第一千零三十四条第二款"
    assert citation.zh_number(110) == "一百一十"
