"""Likelihood x impact scoring of open findings, for the report's risk matrix.

Deterministic and derived only from the findings and the inputs (docs/reports.md explains it):
impact starts from the obligation's severity (low 1 … critical 4) and rises by one when the subject
involves sensitive PI; likelihood starts from the status (gap 3, unknown 2, waived 1) and rises by
one when the subject concerns 1,000,000 or more individuals or data leaving the mainland. Both are
capped at 4. This is a prioritisation aid, not a legal threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.finding import Finding

SCALE = (1, 2, 3, 4)
IMPACT_BY_SEVERITY = {"low": 1, "medium": 2, "high": 3, "critical": 4}
LIKELIHOOD_BY_STATUS = {"waived": 1, "unknown": 2, "gap": 3}
LARGE_POPULATION = 1_000_000


@dataclass(frozen=True)
class Exposure:
    """What the report knows about the subject (organisation, activity or transfer) of a finding."""

    sensitive: bool
    individuals: int
    outbound: bool


@dataclass(frozen=True)
class Risk:
    finding: Finding
    likelihood: int
    impact: int

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def band(self) -> str:
        return band(self.likelihood, self.impact)


def band(likelihood: int, impact: int) -> str:
    score = likelihood * impact
    return "critical" if score >= 12 else "high" if score >= 8 else "medium" if score >= 4 else "low"


def score(finding: Finding, exposure: Exposure) -> Risk | None:
    """None for findings that carry no open risk (met)."""
    base = LIKELIHOOD_BY_STATUS.get(finding.status)
    if base is None:
        return None
    likely = base + (1 if exposure.individuals >= LARGE_POPULATION or exposure.outbound else 0)
    impact = IMPACT_BY_SEVERITY.get(finding.severity, 2) + (1 if exposure.sensitive else 0)
    return Risk(finding, min(likely, 4), min(impact, 4))


@dataclass(frozen=True)
class Cell:
    likelihood: int
    impact: int
    count: int
    band: str


def matrix(risks: list[Risk]) -> list[list[Cell]]:
    """Rows from the highest impact down, columns by rising likelihood (as drawn)."""
    return [[Cell(lk, im, sum(1 for r in risks if (r.likelihood, r.impact) == (lk, im)), band(lk, im))
             for lk in SCALE] for im in reversed(SCALE)]
