"""The documents a decision calls for (engine/render/documents.py), read back from the real PDFs:
the self-assessment report for a security assessment, the contract annex for a standard contract, none
for processing in China only; their sections, the narrative inputs, and "to be completed" where one is missing."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from weasyprint import HTML

from engine.assess import assess
from engine.inputs import load_assessment
from engine.narrative import SECURITY_ASSESSMENT, STANDARD_CONTRACT
from engine.render.documents import decision_documents, document_html
from engine.render.formats import ReportLang
from engine.render.pdf import PackagedOnly
from engine.render.view import build
from engine.render.words import messages
from engine.resources import data_dir
from tests.conftest import EXAMPLES
from tests.render.conftest import Rendered, render_example, require_poppler
from tests.render.layout import overflows

SA, SC = "sa-self-assessment.pdf", "sc-annex.pdf"
TODO = messages()["narr.todo"]
HOSTILE = "<b>粗体</b><script>alert(1)</script>{{ 7*7 }}\u202eevil.exe"


def _squash(text: str) -> str:
    return re.sub(r"[\s-]+", "", text)


@pytest.fixture(scope="session")
def hospital_zh(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return render_example(
        EXAMPLES / "guangzhou-hospital-research", "zh", ["json", "pdf"], tmp_path_factory.mktemp("hospital-zh")
    )


@pytest.fixture(scope="session")
def hospital_en(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return render_example(
        EXAMPLES / "guangzhou-hospital-research", "en", ["json", "pdf"], tmp_path_factory.mktemp("hospital-en")
    )


@pytest.fixture(scope="session")
def domestic_zh(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return render_example(
        EXAMPLES / "shenzhen-bureau-data-sharing", "zh", ["json", "pdf"], tmp_path_factory.mktemp("domestic-zh")
    )


def test_each_decision_gets_its_documents_and_no_other(
    hospital_zh: Rendered, ecommerce_zh: Rendered, domestic_zh: Rendered
) -> None:
    assert {t.mechanism for t in hospital_zh.doc.transfers} == {SECURITY_ASSESSMENT}
    assert {"pipia.pdf", SA} <= set(hospital_zh.files) and SC not in hospital_zh.files
    assert {t.mechanism for t in ecommerce_zh.doc.transfers} == {STANDARD_CONTRACT}
    assert {"pipia.pdf", SC} <= set(ecommerce_zh.files) and SA not in ecommerce_zh.files
    assert domestic_zh.doc.pipia_required.required
    assert "pipia.pdf" in domestic_zh.files and not {SA, SC} & set(domestic_zh.files)


def test_the_self_assessment_report_follows_its_template_with_the_narrative(hospital_zh: Rendered) -> None:
    require_poppler()
    text = _squash(hospital_zh.text(SA))
    m = messages()
    for key in (
        "narr.sa.kicker",
        "narr.sa.h1",
        "narr.sa.h2",
        "narr.sa.h2_1",
        "narr.sa.h2_2",
        "narr.sa.h2_3",
        "narr.sa.h2_4",
        "narr.sa.h2_5",
        "narr.sa.h2_6",
        "narr.sa.h3",
        "narr.sa.items",
    ):
        assert _squash(m[key].zh) in text, key
    a = hospital_zh.loaded.assessment
    t = a.transfers[0]
    for said in (
        a.assessment.team,
        a.organisation.shareholding,
        a.organisation.security_evidence,
        a.activities[1].safeguards,
        t.projection,
        t.recipient_capabilities,
        t.destination_law,
    ):
        assert said is not None and not isinstance(said, str)
        assert _squash(said.zh) in text
    assert "study_id" in text and "treatment_outcomes" in text  # the data items of the exported dataset
    # the one text the example leaves out (contract_measures) is marked, and the cover counts it
    note = _squash(m["narr.draft"].zh.format(count=1))
    assert note in text and text.replace(note, "").count(TODO.zh) == 1


def test_the_pipia_carries_the_narrative_in_its_template_sections(hospital_zh: Rendered) -> None:
    require_poppler()
    text = _squash(hospital_zh.text("pipia.pdf"))
    a = hospital_zh.loaded.assessment
    t = a.transfers[0]
    for said in (
        a.organisation.actual_controller,
        a.organisation.pi_protection_officer,
        t.route_link,
        t.recipient_details,
        a.activities[0].safeguards,
        a.assessment.third_party_role,
    ):
        assert said is not None and not isinstance(said, str)
        assert _squash(said.zh) in text
    assert text.count(TODO.zh) == 1  # contract_measures
    assert text.index(_squash(messages()["narr.pipia.org"].zh)) < text.index(_squash(t.recipient_details.zh))


def test_the_self_assessment_report_in_english(hospital_en: Rendered) -> None:
    require_poppler()
    text = " ".join(hospital_en.text(SA).split())
    for key in ("narr.sa.h1", "narr.sa.h2_2", "narr.sa.h3"):
        assert messages()[key].en in text, key
    t = hospital_en.loaded.assessment.transfers[0]
    assert t.overseas_storage is not None and not isinstance(t.overseas_storage, str)
    assert t.overseas_storage.en in text and TODO.en in text


def test_the_contract_annex_lists_the_particulars_and_marks_each_missing_one(ecommerce_zh: Rendered) -> None:
    require_poppler()
    text = _squash(ecommerce_zh.text(SC))
    m = messages()
    for key in (
        "narr.sc.kicker",
        "narr.sc.parties",
        "narr.sc.particulars",
        "narr.sc.signatures",
        *(f"narr.sc.p{i}" for i in range(1, 11)),
    ):
        assert _squash(m[key].zh) in text, key
    t = ecommerce_zh.loaded.assessment.transfers[0]
    assert _squash(f"{t.individuals_non_sensitive:,}") in text and t.recipient in ecommerce_zh.text(SC)
    # the example gives no narrative: the processor's contact and nine particulars are to be completed
    note = _squash(m["narr.draft"].zh.format(count=10))
    assert note in text and text.replace(note, "").count(TODO.zh) == 10
    assert TODO.zh in _squash(ecommerce_zh.text("pipia.pdf"))


def test_a_standard_contract_or_certification_says_certification_is_the_alternative(
    ecommerce_zh: Rendered, hospital_zh: Rendered
) -> None:
    """The decision is either mechanism: the annex serves the contract and says certification would do instead
    (PIPL art. 38 para. 1 items 2 and 3), and so does the PIPIA's transfer section; not for a security assessment."""
    require_poppler()
    m = messages()
    assert ecommerce_zh.doc.transfers[0].mechanism == "standard_contract_or_certification"
    assert _squash(m["narr.sc.alternative"].zh) in _squash(ecommerce_zh.text(SC))
    assert _squash(m["transfers.sc_or_cert"].zh) in _squash(ecommerce_zh.text("pipia.pdf"))
    assert "第三十八条第一款第二项" in m["narr.sc.alternative"].zh and "art. 38 para. 1 items 2 and 3" in (
        m["transfers.sc_or_cert"].en
    )
    assert hospital_zh.doc.transfers[0].mechanism == "security_assessment"
    assert _squash(m["transfers.sc_or_cert"].zh) not in _squash(hospital_zh.text("pipia.pdf"))


def test_hostile_narrative_is_printed_not_obeyed(tmp_path: Path) -> None:
    require_poppler()
    folder = tmp_path / "hostile"
    shutil.copytree(EXAMPLES / "shenzhen-ecommerce", folder)
    data = yaml.safe_load((folder / "assessment.yaml").read_text(encoding="utf-8"))
    data["organisation"]["contact"] = HOSTILE
    data["transfers"][0]["route_link"] = {"zh": HOSTILE, "en": HOSTILE}
    (folder / "assessment.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = render_example(folder, "bilingual", ["json", "pdf"], tmp_path / "out")
    for name in (SC, "pipia.pdf"):
        text = _squash(out.text(name))
        assert _squash("<b>粗体</b><script>alert(1)</script>{{7*7}}[U+202E]evil.exe") in text, name
        assert "49evil" not in text


def _document(name: str, lang: ReportLang, mechanism: str):  # type: ignore[no-untyped-def]
    loaded = load_assessment(EXAMPLES / name)
    report = build(assess(loaded), loaded, lang, reproducible=True)
    base = (data_dir("templates") / "report").resolve().as_uri() + "/"
    return HTML(string=document_html(report, mechanism), base_url=base, url_fetcher=PackagedOnly()).render()


@pytest.mark.parametrize(
    ("name", "mechanism"),
    [("guangzhou-hospital-research", SECURITY_ASSESSMENT), ("shenzhen-ecommerce", STANDARD_CONTRACT)],
)
@pytest.mark.parametrize("lang", ["zh", "en", "bilingual"])
def test_no_box_of_the_filing_documents_leaves_the_page(name: str, mechanism: str, lang: ReportLang) -> None:
    found = overflows(_document(name, lang, mechanism))
    assert not found, "\n".join(map(str, found[:20]))


def test_reproducible_runs_give_the_same_filing_documents() -> None:
    loaded = load_assessment(EXAMPLES / "shenzhen-ecommerce")
    doc = assess(loaded)
    first, second = (decision_documents(build(doc, loaded, "zh", reproducible=True)) for _ in range(2))
    assert set(first) == {SC} and first == second
