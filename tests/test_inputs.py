"""Bad input: a located message (FILE:LINE:COL: path: message), exit 2, no traceback, no output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLES, assert_problem, data_paths, run_cli

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
    ("old", "new", "path", "zh", "en"),
    [
        (
            "  ciio: false\n  shenzhen",
            "  ciio: maybe\n  shenzhen",
            "organisation.ciio",
            "应为布尔值（true 或 false）",
            "valid boolean",
        ),
        (
            "legal_basis: consent\n    data_subjects: [customers]\n    datasets: [members, face",
            "legal_basis: consnet\n    data_subjects: [customers]\n    datasets: [members, face",
            "activities.0.legal_basis",
            "应为以下值之一：'consent'、'contract_or_hr'、",
            "'consent'",
        ),
        (
            "individuals_non_sensitive: 150000",
            "individuals_non_sensitive: -5",
            "transfers.0.individuals_non_sensitive",
            "应大于或等于 0",
            "greater than or equal to 0",
        ),
        (
            "datasets: [members, face-templates]",
            "datasets: [members, face-template]",
            "activities.0.datasets.1",
            "没有编号为 'face-template' 的数据集；是否为“face-templates”？",
            "no dataset with id 'face-template'; did you mean \"face-templates\"?",
        ),
        ("  ciio: false\n", "  ciio: false\n  cio: true\n", "organisation.cio", "不允许的键", "unknown key"),
        (
            "      separate_consent_sensitive: false",
            "      separate_consent_sensitve: false",
            "activities.0.answers.separate_consent_sensitve",
            "未知的问题",
            'did you mean "separate_consent_sensitive"',
        ),
        (
            "      sensitive_necessity: true",
            "      sensitive_necessity: 3",
            "activities.0.answers.sensitive_necessity",
            "应为 true 或 false，实为 3",
            "true or false",
        ),
        ("  as_of: 2026-11-20\n", "", "assessment.as_of", "缺少必填字段", "required field is missing"),
        (
            "activity: personalised-marketing",
            "activity: marketing",
            "transfers.0.activity",
            "没有编号为 'marketing' 的处理活动",
            "no activity",
        ),
        (
            "    approver: 王敏（首席合规官）\n",
            "    approver: 王敏（首席合规官）\n    expires_on: 2027-01-01\n",
            "waivers.0.expires_on",
            "不允许的键",
            "unknown key",
        ),
        (
            "data_subjects: [customers]",
            "data_subjects: customers",
            "activities.0.data_subjects",
            "应为列表",
            "valid list",
        ),
        ("important_data: false", "important_data: 0", "transfers.0.important_data", "应为布尔值", "valid boolean"),
        ("  - id: order-fulfilment", "  - id: face-login", "activities", "编号 'face-login' 重复", "duplicate id"),
        ("destination: HK", "destination: hk", "transfers.0.destination", "两位大写", "ISO 3166 two-letter"),
        ("purpose: general", "purpose: 1", "transfers.0.purpose", "应为以下值之一", "Input should be 'general'"),
    ],
)
def test_located_errors(example_copy, old: str, new: str, path: str, zh: str, en: str) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("shenzhen-ecommerce")
    _edit(folder, old, new)
    stderr = _assert_rejected(folder)
    assert LOCATED.match(stderr.splitlines()[0]), stderr
    assert_problem(stderr, rf"/assessment\.yaml:\d+:\d+: {re.escape(path)}", zh, en)


def test_unknown_pi_category_in_inventory(example_copy) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("shenzhen-ecommerce")
    _edit(folder, "category: phone}", "category: fone}", "datasets.yaml")
    stderr = _assert_rejected(folder)
    assert_problem(
        stderr,
        r"/datasets\.yaml:\d+:\d+: datasets\.0\.fields\.\d+\.category",
        "未知的个人信息类别“fone”；是否为“phone”？",
        'unknown PI category "fone"; did you mean "phone"?',
    )


def test_csv_inventory_errors_name_line_and_column(example_copy) -> None:  # type: ignore[no-untyped-def]
    folder = example_copy("offshore-saas")
    _edit(folder, "SG,240000,240000,general,mobile", "SG,24x000,240000,general,mobile", "datasets.csv")
    stderr = _assert_rejected(folder)
    assert_problem(
        stderr, r"/datasets\.csv:3:5: records", "records 须为整数，实为 '24x000'", "records must be a whole number"
    )


def test_yaml_alias_bomb_is_refused(tmp_path: Path) -> None:
    (tmp_path / "assessment.yaml").write_text(
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n",
        encoding="utf-8",
    )
    stderr = _assert_rejected(tmp_path)
    assert_problem(stderr, r"/assessment\.yaml:1:4", "不允许使用 YAML 别名", "YAML aliases (*name) are not allowed")


def test_malformed_yaml_is_located(tmp_path: Path) -> None:
    (tmp_path / "assessment.yaml").write_text("assessment:\n  id: x\n  title: [unclosed\n", encoding="utf-8")
    stderr = _assert_rejected(tmp_path)
    assert LOCATED.match(stderr.splitlines()[0])
    assert_problem(stderr, r"/assessment\.yaml:4:1", "不是有效的 YAML：", "invalid YAML: while parsing")


def test_duplicate_key_and_bad_encoding_are_refused(tmp_path: Path) -> None:
    (tmp_path / "assessment.yaml").write_text("assessment: {}\nassessment: {}\n", encoding="utf-8")
    assert_problem(_assert_rejected(tmp_path), r"/assessment\.yaml:2:1", "键 'assessment' 重复", "duplicate key")
    (tmp_path / "assessment.yaml").write_bytes("assessment: 评估\n".encode("gbk"))
    stderr = _assert_rejected(tmp_path)
    assert_problem(stderr, r"/assessment\.yaml:1:13", "不是 UTF-8 文本", "not UTF-8 text")


@pytest.mark.parametrize("bad", ["2026-13-01", "2026-02-30"])
def test_impossible_date_is_located(example_copy, bad: str) -> None:  # type: ignore[no-untyped-def]
    """YAML reads these as dates, which Python cannot build: a located input error, never a crash."""
    folder = example_copy("shenzhen-ecommerce")
    _edit(folder, "as_of: 2026-11-20", f"as_of: {bad}")
    stderr = _assert_rejected(folder)
    assert_problem(stderr, r"/assessment\.yaml:11:10", f"'{bad}' 不是有效的日期", "is not a valid date")


def test_missing_folder_and_bad_option(tmp_path: Path) -> None:
    assert_problem(
        _assert_rejected(tmp_path / "nope"), r"/nope", "此文件夹中没有 assessment.yaml", "no assessment.yaml"
    )
    result = run_cli("assess", EXAMPLES / "shenzhen-ecommerce", "--out", tmp_path / "o", "--as-of", "2026-13-01")
    assert result.exit_code == 2
    assert_problem(result.stderr, "^--as-of", "不是 YYYY-MM-DD 格式的日期：'2026-13-01'", "not a date in YYYY-MM-DD")
    result = run_cli("assess", EXAMPLES / "shenzhen-ecommerce", "--out", tmp_path / "o", "--format", "json,doc")
    assert result.exit_code == 2
    assert_problem(result.stderr, "^--format", "未知的输出格式 doc", "unknown format doc (known: json,")
    result = run_cli("transfer", "--destination", "usa")
    assert result.exit_code == 2
    assert_problem(result.stderr, "^--destination", "应为两位国家代码", "expected a two-letter country code")


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


PATHS = data_paths(BASE)


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
    if draw(st.booleans()):  # sometimes a date YAML resolves but no calendar has
        text = re.sub(r"\b\d{4}-\d{2}-\d{2}\b", draw(st.sampled_from(["2026-13-01", "2026-02-30"])), text, count=1)
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


def test_a_comma_that_cuts_a_flow_value_gets_a_hint_to_quote_it(example_copy) -> None:  # type: ignore[no-untyped-def]
    """`{en: Acme Co., Ltd.}` reads as en: "Acme Co." plus a key "Ltd.": say to quote the value."""
    folder = example_copy("shenzhen-ecommerce")
    _edit(
        folder,
        "  name:\n    zh: 深圳市鹏城优选电子商务有限公司\n    en: Shenzhen Pengcheng Select E-commerce Co., Ltd.\n",
        "  name: {zh: 深圳市鹏城优选电子商务有限公司, en: Shenzhen Pengcheng Select E-commerce Co., Ltd.}\n",
    )
    stderr = _assert_rejected(folder, "organisation.name.Ltd.: ", "含逗号的值须加引号", "put a value that contains")
    assert "Traceback" not in stderr
    _edit(folder, "en: Shenzhen Pengcheng Select E-commerce Co., Ltd.}", 'en: "Shenzhen Pengcheng Co., Ltd."}')
    assert run_cli("validate", folder).exit_code == 0
