"""Shared fixtures: each example is assessed and rendered once per session (real WeasyPrint PDFs)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from engine.assess import assess
from engine.finding import FindingsDocument
from engine.inputs import LoadedAssessment, load_assessment
from engine.render.formats import RenderJob, ReportLang, render
from tests.conftest import EXAMPLES

# A small valid assessment without datasets or transfers, with one waived gap and hostile text.
SMALL = """\
assessment:
  id: small-test
  title: {{zh: 小型测试评估, en: Small test assessment}}
  assessor: {{name: "测试员 <b>Tester</b>"}}
  as_of: 2026-06-30
  language: zh
organisation:
  name: {org}
  ciio: false
  individuals_total: 1200
activities:
  - id: hr
    name: {{zh: 员工管理, en: Staff administration}}
    purpose: {purpose}
    legal_basis: contract_or_hr
    data_subjects: [employees]
    pi_categories: [name, phone]
"""


@dataclass(frozen=True)
class Rendered:
    doc: FindingsDocument
    loaded: LoadedAssessment
    files: dict[str, bytes]
    folder: Path

    def text(self, name: str) -> str:
        """pdftotext -raw: content-stream order, so the lines of a table cell stay together."""
        path = self.folder / name
        return subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True,
                              text=True).stdout


def render_example(folder: Path, lang: ReportLang, formats: list[str], out: Path) -> Rendered:
    loaded = load_assessment(folder)
    doc = assess(loaded)
    files = render(RenderJob(doc, loaded, lang), formats)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / name).write_bytes(data)
    return Rendered(doc, loaded, files, out)


def write_small(folder: Path, org: str = "小型测试公司", purpose: str = "发放工资和考勤管理") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    quote = lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'  # noqa: E731
    (folder / "assessment.yaml").write_text(SMALL.format(org=quote(org), purpose=quote(purpose)), encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def ecommerce_zh(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The largest example with an outbound transfer, in Chinese, every format."""
    return render_example(EXAMPLES / "shenzhen-ecommerce", "zh", ["json", "pdf", "csv", "xlsx"],
                          tmp_path_factory.mktemp("ecommerce-zh"))


@pytest.fixture(scope="session")
def offshore_en(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """A second example in English (checklist formats too)."""
    return render_example(EXAMPLES / "offshore-saas", "en", ["json", "pdf", "csv", "xlsx"],
                          tmp_path_factory.mktemp("offshore-en"))


@pytest.fixture(scope="session")
def small_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_small(tmp_path_factory.mktemp("small"))


def require_poppler() -> None:
    for tool in ("pdftotext", "pdffonts", "pdftoppm"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} missing: run tools/setup-system.sh (poppler-utils)")
