"""Rulebook tools: coverage, generated docs, and the quick transfer decision."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from engine.coverage import InstrumentCoverage
from tests.conftest import ROOT, assert_problem, run_cli


def test_coverage_json_lists_every_instrument() -> None:
    result = run_cli("rulebooks", "coverage", "--json")
    assert result.exit_code == 0
    data = {row["instrument"]: row for row in json.loads(result.stdout)}
    assert {"PIPL", "DSL", "CSL2016", "CSL2025", "NDSMR", "CBDF-PROVISIONS"} <= set(data)
    for row in data.values():
        assert row["encoded"] <= row["obligation_articles"] <= row["obligation_paragraphs"]
        assert row["encoded_paragraphs"] + len(row["missing_paragraphs"]) == row["obligation_paragraphs"]
        assert len(row["missing"]) == row["obligation_articles"] - row["encoded"]


def test_coverage_table_is_bilingual() -> None:
    result = run_cli("rulebooks", "coverage")
    assert result.exit_code == 0, result.output
    header = " ".join(result.stdout.split("┡")[0].split())  # title and column headers, Chinese above English
    for zh, en in (
        ("规则库覆盖率", "Rulebook coverage"),
        ("法规", "instrument"),
        ("义务条文", "obligation"),
        ("义务款", "paragraphs"),
        ("已编码", "encoded"),
        ("未编码", "missing"),
    ):
        assert zh in header and en in header, (zh, en, header)
    body = result.stdout.split("┡")[1]
    assert "PIPL" in body
    assert "括号内为该条中尚无规则引用的款" in " ".join(body.split())


def _pipl_coverage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entries: str, whole: tuple[str, str] | None = None
) -> InstrumentCoverage:
    """PIPL's coverage under a map holding only `entries`, from the real rulebooks (with rule `whole[0]`
    citing the whole article `whole[1]` instead of its own citations, where given)."""
    from dataclasses import replace as copy_with

    import engine.coverage
    from engine.rulebook import rulebooks

    cmap = tmp_path / "PIPL.yaml"
    cmap.write_text("instrument: PIPL\narticles:\n" + entries, encoding="utf-8")
    monkeypatch.setattr(engine.coverage, "coverage_files", lambda: [cmap])
    books = rulebooks()
    if whole:
        rule, article = whole
        obligations = {**books.obligations, rule: books.obligations[rule].model_copy(update={"citations": [article]})}
        books = copy_with(books, obligations=obligations)
    coverage, _ = engine.coverage.compute(books)
    return next(c for c in coverage if c.instrument == "PIPL")


def _citing(cite: str) -> list[str]:
    from engine.rulebook import rulebooks

    return [oid for oid, ob in rulebooks().obligations.items() if cite in ob.citations]


def test_article_is_encoded_only_when_every_obligation_paragraph_is_cited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PIPL art. 50: rules cite para. 1, none para. 2 (the right to sue), so the article is not encoded."""
    assert _citing("PIPL art. 50 para. 1") and not _citing("PIPL art. 50 para. 2") and not _citing("PIPL art. 50")
    cov = _pipl_coverage(
        tmp_path, monkeypatch, "  - {article: 50, class: obligation, not_encoded: {zh: 未编码, en: not encoded}}\n"
    )
    assert cov.paragraphs == {50: [1, 2]}
    assert cov.encoded == [] and cov.missing == [50]
    assert (cov.obligation_paragraphs, cov.encoded_paragraphs) == (2, 1)
    assert cov.missing_citations() == ["PIPL art. 50 para. 2"]
    assert cov.missing_text() == "50(2)"
    assert (why := cov.missing_paragraphs[(50, 2)]) is not None and why.en == "not encoded"
    assert cov.rules[50] == sorted(_citing("PIPL art. 50 para. 1"))


def test_a_rule_citing_the_whole_article_covers_every_paragraph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = _citing("PIPL art. 50 para. 1")[0]
    cov = _pipl_coverage(tmp_path, monkeypatch, "  - {article: 50, class: obligation}\n", whole=(rule, "PIPL art. 50"))
    assert cov.encoded == [50] and cov.missing_paragraphs == {}
    assert rule in cov.rules[50]


def test_a_paragraph_classified_apart_leaves_the_article_encoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PIPL art. 50 para. 2 (the right to sue) classified not_applicable: para. 1 alone decides."""
    cov = _pipl_coverage(
        tmp_path,
        monkeypatch,
        "  - {article: 50, class: obligation, paragraphs: [{paragraph: 2, class: not_applicable, "
        "reason: {zh: 起诉权, en: right to sue}}]}\n"
        "  - {article: 51, class: state_duty, reason: {zh: 职责, en: duty}, "
        "paragraphs: [{paragraph: 1, class: obligation}]}\n",
    )
    assert cov.paragraphs == {50: [1], 51: [1]}
    assert cov.encoded == [50, 51] and cov.missing_paragraphs == {}
    assert cov.as_json()["paragraph_percent"] == 100.0


def _map_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, articles: str) -> tuple[Path, str]:
    """The lint problems of a PIPL coverage map with these article entries, one per line."""
    import engine.coverage
    from engine.rulebook import rulebooks

    cmap = tmp_path / "PIPL.yaml"
    cmap.write_text("instrument: PIPL\narticles:\n" + articles, encoding="utf-8")
    monkeypatch.setattr(engine.coverage, "coverage_files", lambda: [cmap])
    _, problems = engine.coverage.compute(rulebooks())
    return cmap, "\n".join(map(str, problems))


def test_coverage_map_problems_in_both_languages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A coverage map that classifies an article twice, names one PIPL lacks, and leaves the rest out."""
    cmap, output = _map_problems(
        tmp_path,
        monkeypatch,
        "  - {article: 1, class: definition}\n"
        "  - {article: 1, class: state_duty}\n"
        "  - {article: 999, class: definition}\n",
    )
    here = re.escape(str(cmap))
    assert_problem(output, rf"{here}:5:5: articles\.2", "PIPL 没有第 999 条", "PIPL has no article 999")
    assert_problem(output, rf"{here}: articles", "以下条文尚未分类：2、3、", "articles not classified: 2, 3, ")
    first = f"{cmap}:4:5: articles.1: "
    twice = first + "第 1 条被重复分类 / article 1 is classified twice"
    reason = first + "第 1 条：state_duty 类条目须写明 reason / article 1: a state_duty entry needs a reason"
    assert {twice, reason} <= set(output.splitlines()), output


def test_paragraph_entries_are_checked_in_both_languages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A paragraph PIPL art. 50 lacks, one classified twice, a state duty without a reason."""
    cmap, output = _map_problems(
        tmp_path,
        monkeypatch,
        "  - article: 50\n"
        "    class: obligation\n"
        "    paragraphs:\n"
        "      - {paragraph: 3, class: definition}\n"
        "      - {paragraph: 2, class: state_duty}\n"
        "      - {paragraph: 2, class: definition}\n",
    )
    lines = set(output.splitlines())
    base = f"{cmap}:{{}}:9: articles.0.paragraphs.{{}}: "
    assert base.format(6, 0) + "PIPL 第 50 条只有 2 款，没有第 3 款 / PIPL art. 50 has 2 paragraph(s), not 3" in lines
    assert (
        base.format(7, 1) + "第 50 条第 2 款：state_duty 类条目须写明 reason / "
        "article 50 paragraph 2: a state_duty entry needs a reason"
    ) in lines
    assert (base.format(8, 2) + "第 50 条第 2 款被重复分类 / article 50 paragraph 2 is classified twice") in lines, (
        lines
    )


def test_rulebooks_test_reports_a_failing_fixture_in_both_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    """A real fixture run with the opposite expectation: the real engine's outcome is reported as a failure."""
    import engine.fixtures

    case = next(c for c in engine.fixtures.cases() if c.kind == "obligation" and c.fixture.expect == "met")
    wrong = replace(case, fixture=case.fixture.model_copy(update={"expect": "gap"}))
    monkeypatch.setattr(engine.fixtures, "cases", lambda: iter([wrong]))
    result = run_cli("rulebooks", "test")
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [
        f"{case.file}: 用例 {case.id} 未通过：预期 gap，实际 met / FAIL {case.id}: expected gap, got met",
        "0 个用例通过，1 个未通过 / 0 passed, 1 failed",
    ]


def test_generated_docs_are_current(tmp_path: Path) -> None:
    """docs/rules is generated from the rulebooks; regenerate with `hegui rulebooks docs`."""
    result = run_cli("rulebooks", "docs", "--out", tmp_path)
    assert result.exit_code == 0
    committed = ROOT / "docs" / "rules"
    names = sorted(p.name for p in tmp_path.iterdir())
    assert f"已写入 {len(names)} 个文件到 {tmp_path} / wrote {len(names)} files to {tmp_path}" in result.output
    assert names == sorted(p.name for p in committed.iterdir())
    for name in names:
        assert (tmp_path / name).read_text(encoding="utf-8") == (committed / name).read_text(encoding="utf-8"), name


@pytest.mark.parametrize(
    ("args", "mechanism"),
    [
        (["--non-sensitive", "99999"], "exempt"),
        (["--non-sensitive", "100000"], "standard_contract_or_certification"),
        (["--non-sensitive", "999999"], "standard_contract_or_certification"),
        (["--non-sensitive", "1000000"], "security_assessment"),
        (["--sensitive", "9999"], "standard_contract_or_certification"),
        (["--sensitive", "10000"], "security_assessment"),
        (["--ciio", "--non-sensitive", "1"], "security_assessment"),
        (["--important-data", "--purpose", "cross_border_hr", "--non-sensitive", "5"], "security_assessment"),
        (["--purpose", "contract_with_individual", "--non-sensitive", "5000000"], "exempt"),
        (["--free-trade-zone", "--ftz-outside-list", "--non-sensitive", "5000000"], "exempt"),
        (["--destination", "CN", "--non-sensitive", "5000000"], "not_a_transfer"),
        # before CBDF: SA-MEASURES art. 4 (100,000 people since 1 January of the previous year)
        (["--non-sensitive", "500000", "--as-of", "2024-03-21"], "security_assessment"),
        (["--non-sensitive", "50000", "--as-of", "2024-03-21"], "undetermined"),
        (["--non-sensitive", "500000", "--as-of", "2022-08-31"], "undetermined"),
        (["--ciio", "--purpose", "legal_duty", "--non-sensitive", "5000000"], "exempt"),  # NDSMR art. 35(1)(6)
        (["--important-data", "--purpose", "legal_duty", "--non-sensitive", "5"], "security_assessment"),
    ],
)
def test_transfer_command(args: list[str], mechanism: str) -> None:
    result = run_cli("transfer", "--json", *args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["mechanism"] == mechanism
    if mechanism not in ("not_a_transfer", "undetermined"):
        assert data["reasons"][0]["citations"], data


def test_legal_duty_case_is_refused_before_ndsmr() -> None:
    result = run_cli("transfer", "--json", "--purpose", "legal_duty", "--non-sensitive", "5", "--as-of", "2024-12-31")
    assert result.exit_code == 2
    assert_problem(result.stderr, "--purpose", "自 2025-01-01 起施行", "in force from 2025-01-01")


def test_transfer_exempt_still_lists_duties() -> None:
    data = json.loads(run_cli("transfer", "--json", "--non-sensitive", "10").stdout)
    duties = {d["id"] for d in data["duties"]}
    assert {"PIPL-39-transfer-notice", "PIPL-55-pipia-transfer"} <= duties


def test_transfer_bad_destination() -> None:
    result = run_cli("transfer", "--destination", "Hong Kong")
    assert result.exit_code == 2 and "--destination" in result.stderr


def test_transfer_command_offers_every_transfer_purpose() -> None:
    """`hegui transfer --purpose` (a typer choice) and the input model's TransferPurpose stay one list."""
    from engine.assessment import TransferPurpose
    from engine.cli import Purpose

    assert [p.value for p in Purpose] == list(TransferPurpose.__args__)
