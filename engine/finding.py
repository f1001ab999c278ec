"""findings.json: the one canonical result. Every other format renders from it.

The models here are the output contract; `hegui schema` exports their JSON Schema
(docs/findings.schema.json). Bump SCHEMA_VERSION on any incompatible change.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.citation import Citation
from engine.obligation import MechanismValue, Severity, Status
from engine.text import Text, TextList

SCHEMA_VERSION = "1.3"


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CitationOut(_Out):
    instrument: str
    article: int | None
    paragraph: int | None
    item: int | None
    text_zh: str = Field(description="Chinese form, e.g. 《个人信息保护法》第二十九条")
    confidence: Literal["official", "secondary"] = "official"

    def label(self, lang: str = "en") -> str:
        """`PIPL art. 29` in English, 《个人信息保护法》第二十九条 in Chinese."""
        if lang == "zh":
            return self.text_zh
        return str(Citation(instrument=self.instrument, article=self.article, paragraph=self.paragraph, item=self.item))


class TraceEntry(_Out):
    fact: str
    value: Any = Field(description="the fact's value; null when unknown (unanswered)")
    test: str = Field(description="the comparison of the rule that this fact decided")
    because: list[TraceEntry] = Field(default_factory=list, description="for derived facts: what derived them")


class Trace(_Out):
    applies: list[TraceEntry] = Field(description="facts that made the obligation apply")
    met: list[TraceEntry] = Field(description="facts and answers that made it met, a gap or unknown")
    unknown: list[str] = Field(description="facts whose absence leaves the result open")
    questions: list[str] = Field(description="question ids whose answers would settle it")


class WaiverOut(_Out):
    reason: str
    approver: str
    expires: str
    expired: bool


PlanStatus = Literal["open", "in_progress", "done", "accepted_risk"]
PLAN_STATUSES: tuple[PlanStatus, ...] = ("open", "in_progress", "done", "accepted_risk")


class PlanOut(_Out):
    """Who does an action, by when, and what must come first (added in 1.3; engine/remediation.py)."""

    owner: str | None = None
    due: str | None = Field(default=None, description="ISO date the owner committed to")
    status: PlanStatus = "open"
    priority: int = Field(ge=1, le=4, description="1 most urgent; from the plan, else from the severity")
    overdue: bool = Field(default=False, description="due before the as-of date, neither done nor an accepted risk")
    after: list[str] = Field(
        default_factory=list, description="actions (finding ids, transfer#task) to finish first, from the rulebooks"
    )


class Finding(_Out):
    id: str = Field(description="obligation id, with @subject for activity and transfer obligations")
    obligation: str
    scope: Literal["org", "activity", "transfer"]
    subject: str | None = Field(description="activity or transfer id; null for the organisation")
    status: Status
    severity: Severity
    confidence: Literal["official", "secondary"]
    title: Text
    summary: Text
    citations: list[CitationOut]
    penalties: list[CitationOut]
    trace: Trace
    remediation: TextList
    evidence: TextList
    waiver: WaiverOut | None = None
    plan: PlanOut | None = Field(default=None, description="open findings, and any finding remediation.yaml plans")


class Reason(_Out):
    text: Text
    citations: list[CitationOut]


class TaskOut(_Out):
    id: str | None = Field(None, description="added in 1.3: the task's id; plans name it as <transfer>#<id>")
    text: Text
    deadline: Text | None
    citations: list[CitationOut]
    plan: PlanOut | None = None


class TransferOut(_Out):
    id: str
    recipient: str
    destination: str
    individuals_non_sensitive: int
    individuals_sensitive: int
    # added in 1.1; None when read from a 1.0 document (hegui diff compares with last year's findings)
    processor_total_non_sensitive: int | None = Field(
        None,
        description="the processor's distinct people (non-sensitive PI) sent abroad since 1 January, which the "
        "CBDF thresholds test: as given for the organisation, else the sum of the assessment's transfers",
    )
    processor_total_sensitive: int | None = Field(None, description="the same for sensitive PI")
    important_data: bool
    mechanism: MechanismValue
    mechanism_in_place: str
    reasons: list[Reason]
    citations: list[CitationOut]
    tasks: list[TaskOut]
    trace: list[TraceEntry]


class PipiaRequired(_Out):
    required: bool
    citations: list[CitationOut]
    subjects: list[str] = Field(description="activities and transfers that trigger the assessment")


class ReachOut(_Out):
    """Whether a group of instruments reaches the organisation (their territorial articles), added in 1.2."""

    fact: str
    title: Text
    holds: bool
    instruments: list[str]
    citations: list[CitationOut]


class Summary(_Out):
    applicable: int
    by_status: dict[str, int]
    gaps_by_severity: dict[str, int]


class AssessmentOut(_Out):
    id: str
    title: Text
    as_of: str
    language: Literal["zh", "en"]
    organisation: Text
    assessor: str
    third_party: str | None


class EngineOut(_Out):
    name: Literal["hegui"] = "hegui"
    version: str
    rulebook_version: str


class FindingsDocument(_Out):
    schema_version: str = SCHEMA_VERSION
    assessment: AssessmentOut
    engine: EngineOut
    summary: Summary
    pipia_required: PipiaRequired
    reach: list[ReachOut] = Field(
        default_factory=list, description="which laws reach the organisation; an obligation applies only under them"
    )
    transfers: list[TransferOut]
    findings: list[Finding]

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"


def json_schema() -> dict[str, Any]:
    schema = FindingsDocument.model_json_schema()
    schema["$id"] = f"https://hegui.dev/schema/findings-{SCHEMA_VERSION}.json"
    schema["title"] = "hegui findings"
    return schema
