"""The rendered pages, as WeasyPrint lays them out: nothing leaves the page's content area or its table cell,
no line starts with a separator, a TOC leader never sits alone, running headers keep to one line, the
bilingual cover keeps to its page. Every example in every report language, plus hostile input.

Each (example, language) is laid out once (HTML(...).render(), no PDF written) and reused by every test.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from weasyprint.document import Document

from engine.assess import assess
from engine.inputs import load_assessment
from engine.render.formats import ReportLang
from engine.render.view import Report, build
from engine.render.words import messages
from tests.conftest import EXAMPLES
from tests.render.layout import header_lines, lines, overflows, render

LANGS: tuple[ReportLang, ...] = ("zh", "en", "bilingual")
NAMES = sorted(p.name for p in EXAMPLES.iterdir() if (p / "assessment.yaml").is_file())
HOSTILE_NAME = "\u202e" + "超长活动名称Activity" * 20  # 300 characters, no space, opening with an RTL override
HOSTILE_PURPOSE = ("为了发放工资" * 200 + "and payroll " * 70)[:2000]
HOSTILE = f"""\
assessment:
  id: hostile
  title: {{zh: "敌意输入\u202e测试评估", en: "Hostile input test"}}
  assessor: {{name: "测试员"}}
  as_of: 2026-06-30
  language: zh
organisation:
  name: "敌意测试公司"
  ciio: false
  individuals_total: 1200
activities:
  - id: hr
    name: "{HOSTILE_NAME}"
    purpose: "{HOSTILE_PURPOSE}"
    legal_basis: contract_or_hr
    data_subjects: [employees]
    pi_categories: [name, phone, id_card_number]
    provides_to_other_processor: true
"""


@cache
def _hostile_folder() -> Path:
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="hegui-hostile-"))
    (folder / "assessment.yaml").write_text(HOSTILE, encoding="utf-8")
    return folder


@cache
def report(name: str, lang: ReportLang) -> Report:
    folder = _hostile_folder() if name == "hostile" else EXAMPLES / name
    loaded = load_assessment(folder)
    return build(assess(loaded), loaded, lang, reproducible=True)


@cache
def laid_out(name: str, lang: ReportLang, template: str = "report/pipia.html") -> Document:
    return render(report(name, lang), template)


CASES = [(n, lang) for n in [*NAMES, "hostile"] for lang in LANGS]


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_no_box_leaves_the_page_or_its_cell(name: str, lang: ReportLang) -> None:
    for template in ("report/pipia.html", "report/checklist.html"):
        found = overflows(laid_out(name, lang, template))
        assert not found, f"{template}: " + "\n".join(map(str, found[:20]))


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_lines_never_start_with_a_separator_and_leaders_stay_with_their_entry(name: str, lang: ReportLang) -> None:
    for page, text in lines(laid_out(name, lang)):
        assert not re.match(r"\s*[、，,；;]", text), f"page {page}: line starts with a separator: {text[:60]!r}"
        assert not re.fullmatch(r"[\s.·]*\d*", text) or not re.search(r"\.{4,}", text), (
            f"page {page}: a TOC leader on a line of its own: {text!r}"
        )


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_running_headers_keep_to_one_line_and_the_cover_to_one_page(name: str, lang: ReportLang) -> None:
    doc = laid_out(name, lang)
    assert all(count <= 1 for _, count in header_lines(doc)), list(header_lines(doc))[:6]
    second = "".join(text for page, text in lines(doc) if page == 2)
    assert second.startswith(messages()["toc"].zh if lang != "en" else messages()["toc"].en), second[:80]


def test_hostile_text_is_neither_cut_nor_reversed() -> None:
    doc = laid_out("hostile", "zh")
    text = "".join(t for _, t in lines(doc))
    assert "\u202e" not in text
    assert "[U+202E]" in text
    squashed = re.sub(r"\s", "", text)
    assert re.sub(r"\s", "", HOSTILE_PURPOSE) in squashed, "the whole purpose is printed"
    assert HOSTILE_NAME[1:] in squashed, "the whole activity name is printed, in order"
