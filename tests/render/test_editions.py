"""The two editions of the PIPIA (issue 11 §3): the filing edition shows no engine internals, the working
paper keeps them. Every example is rendered in both; pdftotext reads them back.

The forbidden list is built from the real data: every rule id and derived-fact id of the rulebooks, every
condition expression (the rules' own and every comparison recorded in the examples' traces), every fact
name, the file names and the software's name, and the disclaimer and method sentences of the working paper.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from engine.assess import assess
from engine.facts import input_specs
from engine.finding import FindingsDocument, TraceEntry
from engine.inputs import load_assessment
from engine.render.conclusion import decide
from engine.render.pdf import report_pdf
from engine.render.risk import Exposure, score
from engine.render.view import build
from engine.render.words import messages
from engine.rulebook import rulebooks
from engine.taxonomy import taxonomy
from tests.conftest import EXAMPLES, run_cli
from tests.render.conftest import require_poppler

NAMES = sorted(p.name for p in EXAMPLES.iterdir() if (p / "assessment.yaml").is_file())
FILES = (
    "findings.json",
    "assessment.yaml",
    "datasets.yaml",
    "datasets.csv",
    "hegui",
    ".yaml",
    ".json",
    ".pdf",
    ".xlsx",
    ".csv",
)


def _squash(text: str) -> str:
    """Without whitespace and hyphens: pdftotext breaks long ids and expressions at line ends."""
    return re.sub(r"[\s\-‐]+", "", text)


def _tests(entries: list[TraceEntry]) -> list[str]:
    return [x for e in entries for x in (e.test, *_tests(e.because))]


def forbidden(doc: FindingsDocument) -> set[str]:
    books = rulebooks()
    out: set[str] = set(books.obligations) | set(books.derived) | set(FILES)
    for ob in books.obligations.values():
        out |= {c for c in (ob.applies_when, ob.met_when) if isinstance(c, str)}
    out |= {d.when for d in books.derived.values()}
    out |= set(input_specs(taxonomy())) | {f"q.{q}" for q in books.questions}
    for f in doc.findings:
        out |= set(_tests(f.trace.applies + f.trace.met)) | set(f.trace.unknown) | {f.id}
    for t in doc.transfers:
        out |= set(_tests(t.trace))
    m = messages()
    for key in ("scope.disclaimer", "scope.method", "cover.note"):
        out |= {m[key].zh, m[key].en}
    return {s for s in out if len(_squash(s)) >= 4}


@pytest.fixture(scope="module", params=NAMES)
def editions(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[FindingsDocument, str, str]:
    require_poppler()
    loaded = load_assessment(EXAMPLES / request.param)
    doc = assess(loaded)
    folder = tmp_path_factory.mktemp(f"editions-{request.param}")
    texts = []
    for edition in ("filing", "working"):
        report = build(doc, loaded, "zh", True, edition)
        path = folder / f"{edition}.pdf"
        path.write_bytes(report_pdf(report, "report/pipia.html", attach=report.working))
        texts.append(
            subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True, text=True).stdout
        )
    return doc, texts[0], texts[1]


def test_filing_edition_has_no_engine_internals(editions: tuple[FindingsDocument, str, str]) -> None:
    doc, filing, _ = editions
    text = _squash(filing)
    found = sorted(s for s in forbidden(doc) if _squash(s) in text)
    assert not found, found[:20]
    assert "独立意见" not in text  # no third party's opinion is claimed (the inputs record none)


def test_working_edition_keeps_the_trace_and_rule_ids(editions: tuple[FindingsDocument, str, str]) -> None:
    doc, _, working = editions
    text = _squash(working)
    unmet = [f for f in doc.findings if f.status in ("gap", "waived")]
    assert unmet
    for f in unmet:
        assert _squash(f.obligation) in text, f.obligation
    comparisons = {t for f in unmet for t in _tests(f.trace.applies + f.trace.met) if " " in t}
    assert any(_squash(t) in text for t in comparisons), "a condition expression of the trace"
    assert "findings.json" in text and _squash(messages()["scope.disclaimer"].zh) in text
    assert doc.engine.rulebook_version in text


def test_filing_edition_states_reasons_in_words(editions: tuple[FindingsDocument, str, str]) -> None:
    doc, filing, working = editions
    text = _squash(filing)
    gaps = [f for f in doc.findings if f.status == "gap"]
    found = _squash(messages()["reason.found"].zh)
    assert text.count(found) >= len({f.obligation for f in gaps})
    assert found not in _squash(working)


def test_the_forbidden_list_catches_the_working_edition(editions: tuple[FindingsDocument, str, str]) -> None:
    """The check above can fail: the same list finds internals in the working paper."""
    doc, _, working = editions
    assert any(_squash(s) in _squash(working) for s in forbidden(doc))


def test_decision_rule() -> None:
    loaded = load_assessment(EXAMPLES / "shenzhen-ecommerce")
    doc = assess(loaded)
    base = next(f for f in doc.findings if f.status == "gap" and f.severity == "medium")
    exposure = Exposure()

    def run(*fs):  # type: ignore[no-untyped-def]
        risks = [r for f in fs if (r := score(f, exposure)) is not None]
        return decide(list(fs), risks)

    met = base.model_copy(update={"status": "met"})
    assert run(met) == "proceed"
    assert run(met, base.model_copy(update={"status": "waived"})) == "proceed"  # low residual: accepted
    assert run(met, base) == "after_measures"
    assert run(met, base.model_copy(update={"status": "unknown"})) == "after_measures"
    assert run(met, base.model_copy(update={"severity": "critical"})) == "stop"
    high = Exposure(sensitive=True, individuals=2_000_000, outbound=True, provided=True)
    export = next(f for f in doc.findings if f.status == "gap" and f.obligation.startswith("CBDF"))
    waived = export.model_copy(update={"status": "waived"})
    risk = score(waived, high)
    assert risk is not None and risk.residual.band in ("high", "critical")
    assert decide([waived], [risk]) == "stop"  # an accepted risk that stays high is not a go


def test_every_input_fact_a_rule_tests_has_words() -> None:
    """A filing-edition reason never falls back to a fact's name: each input fact a rule tests has a label."""
    from engine.condition import facts_used

    books = rulebooks()
    used = {f for (rid, _), node in books.conditions.items() if rid in books.obligations for f in facts_used(node)}
    inputs = {f for f in used if f not in books.derived and not f.startswith("q.")}
    missing = sorted(f for f in inputs if f"fact.{f}" not in messages())
    assert not missing, missing


def test_cli_edition_option_is_checked() -> None:
    assert "--edition" in run_cli("assess", "--help").output
    bad = run_cli("assess", str(EXAMPLES / "shenzhen-ecommerce"), "--edition", "draft", "--format", "json")
    assert bad.exit_code == 2 and "draft" in bad.output
