"""Report size grows with the activities only where it must (issue 11 §8): a finding block per obligation
and status, not per activity; per-activity detail in Annex 2. Checked on the HTML (pages and time are
measured by `make bench BENCH=report`)."""

from __future__ import annotations

import re

import pytest

from benchmarks.report import synthetic
from engine.assess import assess
from engine.inputs import load_assessment
from engine.render.documents import report_htmls
from engine.render.pdf import render_html
from engine.render.view import NAMES_SHOWN, build
from engine.render.words import messages


@pytest.fixture(scope="module")
def htmls(tmp_path_factory: pytest.TempPathFactory) -> dict[int, str]:
    out = {}
    for n in (3, 40):
        loaded = load_assessment(synthetic(tmp_path_factory.mktemp(f"a{n}"), n))
        out[n] = render_html("report/pipia.html", build(assess(loaded), loaded, "zh", True))
    return out


def _section(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def test_finding_blocks_do_not_grow_with_activities(htmls: dict[int, str]) -> None:
    blocks = {n: len(re.findall(r'<div class="finding (gap|waived)">', h)) for n, h in htmls.items()}
    assert blocks[3] > 0
    assert blocks[40] == blocks[3], blocks


def test_grouped_block_names_at_most_a_dozen_subjects(htmls: dict[int, str]) -> None:
    more = messages()["f.more"].zh.split("{n}")[0]
    assert more not in htmls[3]
    assert more in htmls[40]
    assert NAMES_SHOWN < 40 // 3  # each of the example's activities is copied about 13 times


def test_annex_lists_each_activity_once(htmls: dict[int, str]) -> None:
    annex2 = htmls[40][htmls[40].index(messages()["annex.by_activity"].zh) :]
    rows = annex2.count("<tr>") - 1  # the header row
    assert rows == 40 + 1  # 40 activities and the example's transfer


def test_risk_rows_are_grouped(htmls: dict[int, str]) -> None:
    def rows(html: str) -> int:
        table = _section(html, '<table class="risks">', "</table>")
        return table.count("<tr>") - 1

    assert rows(htmls[40]) == rows(htmls[3])


def test_the_figures_word_tables_are_only_in_the_docx_html(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The tables that stand in for the SVG figures in Word are not in the PDF's HTML (WeasyPrint would parse
    and style them only to hide them: a 200-row table at 200 activities); the DOCX's HTML has them."""
    loaded = load_assessment(synthetic(tmp_path_factory.mktemp("docx-only"), 3))
    report = build(assess(loaded), loaded, "zh", True)
    pdf_html = render_html("report/pipia.html", report)
    docx_html = report_htmls(report)["pipia.pdf"]
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in pdf_html
    assert 'class="docx-only' not in pdf_html
    assert docx_html.count('class="docx-only') == 3  # the data-flow diagram and the two heat maps
