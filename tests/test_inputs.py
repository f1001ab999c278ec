"""Bad input: a located message (FILE:LINE:COL: path: message), exit 2, no traceback, no output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLES, run_cli

LOCATED = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<rest>.+)$")


def _assert_rejected(folder: Path, *expect: str) -> str:
    out = folder / "out"
    result = run_cli("assess", folder, "--out", out, "-q")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not out.exists(), "no output may be written for bad input"
    for text in expect:
        assert text in result.stderr, result.stderr
    return result.stderr


def _edit(folder: Path, old: str, new: str, name: str = "assessment.yaml") -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "expect"),
    [
        ("  ciio: false\n  shenzhen", "  ciio: maybe\n  shenzhen", ["organisation.ciio", "valid boolean"]),
        (
            "legal_basis: consent\n    data_subjects: [customers]\n    datasets: [members, face",
            "legal_basis: consnet\n    data_subjects: [customers]\n    datasets: [members, face",
            ["activities.0.legal_basis", "'consent'"],
        ),
        (
            "individuals_non_sensitive: 150000",
            "individuals_non_sensitive: -5",
            ["transfers.0.individuals_non_sensitive", "greater than or equal to 0"],
        ),
        (
            "datasets: [members, face-templates]",
            "datasets: [members, face-template]",
            ['did you mean "face-templates"'],
        ),
        ("  ciio: false\n", "  ciio: false\n  cio: true\n", ["organisation.cio", "unknown key"]),
        (
            "      separate_consent_sensitive: false",
            "      separate_consent_sensitve: false",
            ['did you mean "separate_consent_sensitive"'],
        ),
        ("      sensitive_necessity: true", "      sensitive_necessity: 3", ["sensitive_necessity", "true or false"]),
        ("  as_of: 2026-11-20\n", "", ["assessment.as_of", "required field is missing"]),
        ("activity: personalised-marketing", "activity: marketing", ["transfers.0.activity", "no activity"]),
        (
            "    approver: 王敏（首席合规官）\n",
            "    approver: 王敏（首席合规官）\n    expires_on: 2027-01-01\n",
            ["waivers.0.expires_on"],
        ),
    ],
)
def test_located_errors(example_copy, old: str, new: str, expect: list[str]) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("shenzhen-ecommerce")
    _edit(folder, old, new)
    stderr = _assert_rejected(folder, *expect)
    assert LOCATED.match(stderr.splitlines()[0]), stderr


def test_unknown_pi_category_in_inventory(example_copy) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("shenzhen-ecommerce")
    _edit(folder, "category: phone}", "category: fone}", "datasets.yaml")
    _assert_rejected(folder, "datasets.yaml:", 'unknown PI category "fone"; did you mean "phone"?')


def test_csv_inventory_errors_name_line_and_column(example_copy) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("offshore-saas")
    _edit(folder, "SG,240000,240000,general,mobile", "SG,24x000,240000,general,mobile", "datasets.csv")
    stderr = _assert_rejected(folder, "datasets.csv:3:5: records: records must be a whole number")
    assert "Traceback" not in stderr


def test_yaml_alias_bomb_is_refused(tmp_path: Path) -> None:
    (tmp_path / "assessment.yaml").write_text(
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n",
        encoding="utf-8",
    )
    _assert_rejected(tmp_path, "aliases")


def test_malformed_yaml_is_located(tmp_path: Path) -> None:
    (tmp_path / "assessment.yaml").write_text("assessment:\n  id: x\n  title: [unclosed\n", encoding="utf-8")
    stderr = _assert_rejected(tmp_path, "invalid YAML")
    assert LOCATED.match(stderr.splitlines()[0])


def test_missing_folder_and_bad_option(tmp_path: Path) -> None:
    _assert_rejected(tmp_path / "nope", "no assessment.yaml")
    result = run_cli("assess", EXAMPLES / "shenzhen-ecommerce", "--out", tmp_path / "o", "--as-of", "2026-13-01")
    assert result.exit_code == 2 and "--as-of" in result.stderr


def test_waiver_naming_no_finding_is_an_error(example_copy) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("shenzhen-ecommerce")
    _edit(folder, "finding: PIPL-51-access-training", "finding: PIPL-99-nothing")
    _assert_rejected(folder, "waivers.0.finding", "names no finding")


# ---------------------------------------------------------------- property: mutated assessments

BASE = yaml.safe_load((EXAMPLES / "shenzhen-ecommerce" / "assessment.yaml").read_text(encoding="utf-8"))
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


def _paths(node: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


PATHS = _paths(BASE)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    import copy

    doc = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        parent: object = doc
        try:
            for key in path[:-1]:
                parent = parent[key]  # type: ignore[index]
            action = draw(st.sampled_from(["replace", "delete", "add"]))
            if action == "replace":
                parent[path[-1]] = draw(JUNK)  # type: ignore[index]
            elif action == "delete":
                del parent[path[-1]]  # type: ignore[attr-defined]
            elif isinstance(parent, dict):
                parent[draw(st.text(min_size=1, max_size=6))] = draw(JUNK)
        except (KeyError, IndexError, TypeError):
            continue
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    if draw(st.booleans()):  # sometimes break the syntax too
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(st.sampled_from(["\t", ": [", "{", "- - -", "'", "&x *x"])) + text[cut:]
    return text


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=mutated())
def test_mutated_assessments_fail_cleanly(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    folder = tmp_path_factory.mktemp("mut")
    for name in ("datasets.yaml",):
        (folder / name).write_text(
            (EXAMPLES / "shenzhen-ecommerce" / name).read_text(encoding="utf-8"), encoding="utf-8"
        )
    (folder / "assessment.yaml").write_text(text, encoding="utf-8")
    out = folder / "out"
    result = run_cli("assess", folder, "--out", out, "-q", "--fail-on", "none")
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert not out.exists()
        for line in result.stderr.strip().splitlines():
            assert line.startswith(str(folder)), line
            assert LOCATED.match(line) or line.count(":") >= 2, line
    else:
        assert (out / "findings.json").is_file()


def test_validate_checks_waivers_too(example_copy) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("shenzhen-ecommerce")
    _edit(folder, "finding: PIPL-51-access-training", "finding: PIPL-99-nothing")
    result = run_cli("validate", folder)
    assert result.exit_code == 2 and "waivers.0.finding" in result.stderr
