"""Rulebook content models: obligations, derived facts, decisions and their fixtures.

These are the data a legal author writes in rulebooks/obligations/*.yaml; engine/rulebook.py loads
and lints them, engine/compiler.py turns them into durable-rules rulesets.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.citation import Citation
from engine.questions import Scope
from engine.text import Text, TextList

Severity = Literal["critical", "high", "medium", "low"]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low")
Status = Literal["gap", "met", "unknown", "waived"]
Expect = Literal["gap", "met", "unknown", "not_applicable"]
MechanismValue = Literal[
    "security_assessment", "standard_contract_or_certification", "exempt", "not_a_transfer", "undetermined"
]
RuleId = str


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, defer_build=True)


class Window(_Model):
    """Dates an obligation claims to be in force, narrowing what its citations imply."""

    start: date | None = Field(None, alias="from")
    end: date | None = Field(None, alias="to")

    def contains(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


class Fixture(_Model):
    """A test case beside the rule: facts of one context and the expected outcome."""

    name: str
    facts: dict[str, Any]
    expect: str
    as_of: date | None = None


class Derived(_Model):
    """An inference rule: a yes/no fact computed from other facts (chains forward)."""

    id: str = Field(pattern=r"^(org|activity|transfer)\.[a-z][a-z0-9_]*$")
    title: Text
    when: str
    citations: list[str] = Field(default_factory=list)
    # like an obligation's: false on days when none of its cited instruments is in force (or outside this)
    in_force: Window | None = None
    note: Text | None = None
    fixtures: list[Fixture] = Field(default_factory=list)

    @property
    def scope(self) -> Scope:
        return self.id.split(".", 1)[0]  # type: ignore[return-value]


class Obligation(_Model):
    id: RuleId = Field(pattern=r"^[A-Z][A-Z0-9-]*-[0-9]+[a-z0-9-]*$")
    scope: Scope
    title: Text
    summary: Text
    citations: list[str] = Field(min_length=1)
    applies_when: str | bool = True
    met_when: str | bool
    severity: Severity
    remediation: TextList
    evidence: TextList
    penalties: list[str] = Field(default_factory=list)
    # who the duty binds, where the law names a role: the processor that decides purposes and means
    # (PIPL art. 73 item 1; joint controllers too, art. 20) or the entrusted party (arts 21, 59).
    # Absent: every organisation the cited instruments reach, whatever its role.
    binds: Literal["controller", "entrusted_party"] | None = None
    # the conduct the duty judges happened on the recorded incidents' dates: its citations and penalties
    # are those of the versions in force then (CSL2016 or CSL2025), not on the as-of date
    conduct: Literal["incidents"] | None = None
    in_force: Window | None = None
    confidence: Literal["official", "secondary"] = "official"
    # remediation order: obligations whose open findings (same subject, or the organisation's) come first
    after: list[RuleId] = Field(default_factory=list)
    note: Text | None = None
    fixtures: list[Fixture] = Field(min_length=1)

    def parsed_citations(self) -> list[Citation]:
        return [Citation.parse(c) for c in self.citations]

    def parsed_penalties(self) -> list[Citation]:
        return [Citation.parse(c) for c in self.penalties]


class Task(_Model):
    """A follow-up the outcome brings (filing, renewal), with its legal deadline where one exists.

    `id` names it in remediation plans (`<transfer>#<id>`; `task<n>` by position when absent); `after`
    lists the tasks of the same decision and the obligations whose actions come first.
    """

    id: str | None = Field(None, pattern=r"^[a-z][a-z0-9-]*$")
    after: list[str] = Field(default_factory=list)
    text: Text
    citations: list[str] = Field(default_factory=list)
    deadline: Text | None = None


class Outcome(_Model):
    value: MechanismValue
    when: str | bool
    reason: Text
    citations: list[str] = Field(default_factory=list)
    in_force: Window | None = None
    tasks: list[Task] = Field(default_factory=list)


class Decision(_Model):
    """An ordered decision table: the first outcome whose condition holds wins."""

    id: str = Field(pattern=r"^transfer\.[a-z_]+$")
    title: Text
    outcomes: list[Outcome] = Field(min_length=1)
    fixtures: list[Fixture] = Field(default_factory=list)

    @property
    def scope(self) -> Scope:
        return "transfer"


class RulebookFile(_Model):
    instrument: str
    title: Text
    derived: list[Derived] = Field(default_factory=list)
    obligations: list[Obligation] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
