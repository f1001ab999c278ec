"""The narrative a filing needs: which documents a decision calls for, and which texts are still missing.

The CAC templates (TPL-PIPIA-SC, TPL-SA-SELF) and the standard contract's appendix 1 ask the filer to
describe the organisation, each transfer and its recipient: hegui takes these as optional texts (the
`Narrative` fields of engine/assessment.py). A filing is due for each transfer decided as a security
assessment or a standard contract; `hegui validate --for-filing` lists what those filings still lack,
and the reports mark the same texts "to be completed" — one list, so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from engine.assessment import Activity, Assessment, Meta, Organisation, Transfer, narrative_fields
from engine.errors import Problem
from engine.finding import FindingsDocument
from engine.i18n import both, message
from engine.text import Text
from engine.yamlsafe import Located

SECURITY_ASSESSMENT = "security_assessment"
STANDARD_CONTRACT = "standard_contract_or_certification"
# the document each filed decision adds to the PIPIA (engine/render/documents.py renders them)
FILING_DOCUMENTS = {SECURITY_ASSESSMENT: "sa-self-assessment.pdf", STANDARD_CONTRACT: "sc-annex.pdf"}
# texts only one kind of filing asks for: the evidence and the 3-year projection of TPL-SA-SELF part 2
# (3) 3 and (2) 6, the parties' contact details of the contract's preamble; every other text both need
ONLY_FOR = {
    "Organisation.security_evidence": SECURITY_ASSESSMENT,
    "Transfer.projection": SECURITY_ASSESSMENT,
    "Organisation.contact": STANDARD_CONTRACT,
}
MODELS: tuple[type[BaseModel], ...] = (Meta, Organisation, Activity, Transfer)
# zh/en help of each narrative field (the editor schema and `hegui init` take theirs from the same place)
NARRATIVE_HELP: dict[str, Text] = {
    f"{model.__name__}.{name}": message(f"narrative.help.{model.__name__}.{name}")
    for model in MODELS
    for name in [*narrative_fields(model), *(["independent_opinion"] if model is Meta else [])]
}


@dataclass(frozen=True)
class Missing:
    path: str  # dotted path in assessment.yaml
    key: str  # Model.field
    what: Text


def filed(doc: FindingsDocument, only: str | None = None) -> dict[str, str]:
    """Transfer id -> the filed mechanism, for each transfer whose decision needs a filing (of kind `only`)."""
    return {t.id: t.mechanism for t in doc.transfers if t.mechanism in FILING_DOCUMENTS and only in (None, t.mechanism)}


def documents(doc: FindingsDocument) -> list[str]:
    """The filing documents the decisions call for, beside the PIPIA (none for domestic processing only)."""
    wanted = set(filed(doc).values())
    return [name for mechanism, name in FILING_DOCUMENTS.items() if mechanism in wanted]


def _needed(key: str, mechanisms: set[str]) -> bool:
    return key not in ONLY_FOR or ONLY_FOR[key] in mechanisms


def missing(a: Assessment, doc: FindingsDocument, only: str | None = None) -> list[Missing]:
    """Every narrative text the filings of `doc` (of kind `only`) need that `a` does not give, in document order."""
    decided = filed(doc, only)
    every = set(decided.values())
    if not decided:
        return []
    out: list[Missing] = []

    def check(model: type[BaseModel], item: BaseModel, path: str, mechanisms: set[str]) -> None:
        for name in narrative_fields(model):
            key = f"{model.__name__}.{name}"
            if getattr(item, name) is None and _needed(key, mechanisms):
                out.append(Missing(f"{path}.{name}", key, NARRATIVE_HELP[key]))

    check(Meta, a.assessment, "assessment", every)
    if a.assessment.assessor.third_party is None:  # no third party took part: nothing to say about its role
        out = [m for m in out if m.path != "assessment.third_party_role"]
    check(Organisation, a.organisation, "organisation", every)
    served = {t.activity for t in a.transfers if t.id in decided}
    for i, act in enumerate(a.activities):
        if act.id in served:
            check(Activity, act, f"activities.{i}", every)
    for i, t in enumerate(a.transfers):
        if t.id in decided:
            check(Transfer, t, f"transfers.{i}", {decided[t.id]})
    return out


def filing_report(a: Assessment, doc: FindingsDocument, located: Located) -> tuple[list[Problem], str]:
    """`validate --for-filing`: each missing text located in assessment.yaml, then a one-line verdict."""
    names = ", ".join(["pipia.pdf", *documents(doc)])
    lacks = missing(a, doc)
    listed = []
    for m in lacks:
        line, col = located.where(m.path)  # a missing key points at the object that should hold it
        listed.append(Problem(located.file, both("narrative.filing_missing", what=m.what), m.path, line, col))
    if not filed(doc):
        return listed, both("narrative.filing_none", path=located.file)
    if lacks:
        return listed, both("narrative.filing_lacks", path=located.file, documents=names, count=len(lacks))
    return listed, both("narrative.filing_complete", path=located.file, documents=names)


def check_narrative(a: Assessment, located: Located) -> list[Problem]:
    """A third party's role or independent opinion needs the third party it is about named."""
    if a.assessment.assessor.third_party is not None:
        return []
    given = [name for name in ("third_party_role", "independent_opinion") if getattr(a.assessment, name)]
    return [
        p
        for name in given
        for p in located.error(f"assessment.{name}", both("narrative.third_party_unnamed", field=name)).problems
    ]
