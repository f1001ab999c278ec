"""The documents a decision calls for beside the PIPIA, for `hegui assess --format pdf`.

- a security assessment: the data-export risk self-assessment report, in the structure of TPL-SA-SELF
  (`sa-self-assessment.pdf`, templates/report/sa-self.html);
- a standard contract: the contract's appendix 1 (the transfer particulars of SC-CONTRACT-OUTLINE), filled
  from the inputs (`sc-annex.pdf`, templates/report/sc-annex.html); with the PIPIA it is the filing pack;
- processing in China only: the PIPIA alone.

Both render from the same report view as the PIPIA plus the transfers they are about; a narrative text
not given shows "to be completed" and the cover counts them (the same list `validate --for-filing` prints).
They go to the regulator, so findings.json is not attached to them. `--format docx` writes the same documents
as editable Word files from the same HTML (engine/render/docx.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.assessment import Activity, Transfer
from engine.dataset import Dataset
from engine.finding import Finding, TransferOut
from engine.narrative import FILING_DOCUMENTS, SECURITY_ASSESSMENT, STANDARD_CONTRACT, filed, missing
from engine.render.pdf import html_to_pdf, render_html
from engine.render.view import Report, activity_categories, category_name
from engine.taxonomy import taxonomy
from engine.text import Text

TEMPLATES = {SECURITY_ASSESSMENT: "report/sa-self.html", STANDARD_CONTRACT: "report/sc-annex.html"}
# the narrative texts each document shows (Model.field); the self-assessment report shows every one its
# filing needs, the annex only the contract's particulars (the rest is in the PIPIA filed with it)
SHOWN: dict[str, set[str] | None] = {
    SECURITY_ASSESSMENT: None,
    STANDARD_CONTRACT: {
        "Organisation.contact",
        "Transfer.necessity",
        "Transfer.recipient_processing",
        "Transfer.onward_transfer",
        "Transfer.route_link",
        "Transfer.retention",
        "Transfer.overseas_storage",
        "Transfer.contract_measures",
        "Transfer.recipient_details",
        "Transfer.destination_law",
    },
}


@dataclass(frozen=True)
class DataItem:
    """One field of an exported dataset: the data-item list of TPL-SA-SELF part 2 (2) 3."""

    name: str
    category: Text | None
    sensitive: bool
    dataset: Text


@dataclass(frozen=True)
class Filed:
    """One transfer a filing is about, with what the documents say of it."""

    transfer: Transfer
    out: TransferOut
    activity: Activity | None
    datasets: list[Dataset]
    items: list[DataItem]
    categories: list[tuple[Text, bool]]
    findings: list[Finding]

    def category_names(self, sensitive: bool) -> list[Text]:
        return [name for name, sens in self.categories if sens == sensitive]


@dataclass(frozen=True)
class Filing:
    mechanism: str
    transfers: list[Filed]
    activities: list[Activity]  # the activities the transfers serve
    todo: int  # narrative texts still to be completed in this document


def filing(report: Report, mechanism: str) -> Filing:
    """What one filing document shows: its transfers, their data and findings, the texts still missing."""
    a = report.loaded.assessment
    ids = filed(report.doc, mechanism)
    outs = {t.id: t for t in report.doc.transfers}
    acts = {act.id: act for act in a.activities}
    transfers = [_filed(report, t, outs[t.id], acts.get(t.activity or "")) for t in a.transfers if t.id in ids]
    served = {f.activity.id for f in transfers if f.activity is not None}
    shown = SHOWN[mechanism]
    todo = [m for m in missing(a, report.doc, mechanism) if shown is None or m.key in shown]
    return Filing(mechanism, transfers, [act for act in a.activities if act.id in served], len(todo))


def _filed(report: Report, t: Transfer, out: TransferOut, activity: Activity | None) -> Filed:
    datasets = [report.loaded.datasets[d] for d in t.datasets if d in report.loaded.datasets]
    tax = taxonomy()
    items = []
    for ds in datasets:
        for f in ds.fields:
            key = tax.resolve(f.category) if f.category else None
            items.append(
                DataItem(
                    f.name,
                    category_name(key) if key else None,
                    bool(key and tax.categories[key].sensitive),
                    report.text(ds.name),
                )
            )
    keys = {k for ds in datasets for c in ds.categories() if (k := tax.resolve(c)) is not None}
    if not datasets and activity is not None:  # no dataset named: the categories of the activity it serves
        keys = set(activity_categories(report.loaded, activity.id))
    categories = [(category_name(k), tax.categories[k].sensitive) for k in sorted(keys)]
    findings = [f for f in report.doc.findings if f.subject == t.id]
    return Filed(t, out, activity, datasets, items, categories, findings)


def document_html(report: Report, mechanism: str, docx: bool = False) -> str:
    """The HTML of the filing document for `mechanism` (a key of FILING_DOCUMENTS)."""
    return render_html(TEMPLATES[mechanism], report, docx=docx, n=filing(report, mechanism))


def decision_htmls(report: Report, docx: bool = False) -> dict[str, str]:
    """PDF file name -> HTML of each document the transfers' decisions call for (none for domestic processing);
    the PDF and the DOCX of a document are made from the same HTML (`docx`: plus the figures' tables)."""
    decided = set(filed(report.doc).values())
    return {
        name: document_html(report, mechanism, docx)
        for mechanism, name in FILING_DOCUMENTS.items()
        if mechanism in decided
    }


def report_htmls(report: Report) -> dict[str, str]:
    """PDF file name -> the HTML `--format docx` converts: that of every document `--format pdf` writes, plus the
    tables that stand in for its SVG figures (engine/render/pdf.py render_html)."""
    return {
        "pipia.pdf": render_html("report/pipia.html", report, docx=True),
        "checklist.pdf": render_html("report/checklist.html", report, docx=True),
        **decision_htmls(report, docx=True),
    }


def decision_documents(report: Report) -> dict[str, bytes]:
    """File name -> PDF of each document the transfers' decisions call for."""
    return {name: html_to_pdf(html, {}, report.created) for name, html in decision_htmls(report).items()}
