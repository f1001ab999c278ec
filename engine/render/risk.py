"""Risks to individuals from the open findings: inherent and residual, likelihood x impact (docs/reports.md).

A finding that is not met (gap, unknown, waived) is a risk. What it threatens is read from the obligation
it comes from (`kind`, by the first rule of KINDS that matches the obligation id): an export without
safeguards, a provision to others, processing without a valid basis, automated decisions, a breach,
an incident badly handled, a right that cannot be exercised, or governance. Each kind names its risk
sources, the threat and the harm to individuals (messages `risk.kind.<kind>.*`).

* Impact (harm to individuals): the kind's base (governance 1 … export 3), +1 when the subject
  involves sensitive PI or children under 14, +1 when it concerns 1,000,000 or more individuals.
* Likelihood (exposure and controls): the kind's base, raised where the subject's data actually takes
  the path the risk is about (leaves the mainland, is provided or published, decides automatically;
  for breaches: past incidents, public-facing capture, a large population), +1 when the control is
  missing (gap or waived; unknown: not yet shown to be in place).
* Both from 1 to 4. Residual risk assumes the remediation plan is carried out: likelihood falls by 2
  for a gap, by 1 for an unknown (the confirmation may find the control in place); breach and incident
  impact falls by 1 (detection and containment); waived risks are accepted as they are.

Deterministic, from the findings and the input facts only. This orders the work; it is not a legal test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.finding import Finding
from engine.obligation import SEVERITIES

SCALE = (1, 2, 3, 4)
LARGE_POPULATION = 1_000_000

# (kind, pattern on the obligation id, base impact, base likelihood); the first match wins.
KINDS: tuple[tuple[str, str, int, int], ...] = (
    ("export", r"^CBDF-|^SA-|transfer|export|outbound|crossborder|localisation|PIPL-3[89]-", 3, 1),
    ("provision", r"provision|entrust|recipient|third-part|public-disclosure|sharing|PIPL-2[135]-", 3, 1),
    ("incident", r"incident|breach", 2, 1),
    ("automated", r"adm-|profil|recommend|ALGO-REC|automated-marketing", 2, 1),
    (
        "basis",
        r"consent|sensitive|minors-rules|biometric|collection|legal-basis|withdrawal|no-refusal|minimis|"
        r"minimum|necessary-pi|private-info|lawful-sourc|public-images|public-pi|fair-data",
        3,
        2,
    ),
    (
        "rights",
        r"notice|rights|delet|portab|explanation|deceased|retention|correct|access-copy|restrict-refuse|"
        r"processing-rules",
        2,
        1,
    ),
    (
        "security",
        r"secur|access|least-privilege|deidentif|encrypt|classif|backup|technical|confidential|mlps|logs",
        3,
        1,
    ),
)
GOVERNANCE = ("governance", "", 1, 1)


@dataclass(frozen=True)
class Exposure:
    """What the report knows about the subject (organisation, activity or transfer) of a finding."""

    sensitive: bool = False  # sensitive PI, or children under 14 among the data subjects
    individuals: int = 0
    outbound: bool = False  # data leaves the mainland (a transfer with a mechanism)
    provided: bool = False  # provided to, or entrusted with, another party, or made public
    automated: bool = False  # automated decisions or marketing
    public_capture: bool = False  # image capture or identification in public places
    incidents: int = 0  # incidents on record (organisation-wide)


@dataclass(frozen=True)
class Level:
    likelihood: int
    impact: int

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def band(self) -> str:
        return band(self.likelihood, self.impact)


@dataclass(frozen=True)
class Risk:
    finding: Finding
    kind: str
    inherent: Level
    residual: Level
    factors: tuple[str, ...]  # message keys `risk.factor.<name>`: why the levels are what they are

    @property
    def likelihood(self) -> int:
        return self.inherent.likelihood

    @property
    def impact(self) -> int:
        return self.inherent.impact

    @property
    def score(self) -> int:
        return self.inherent.score

    @property
    def band(self) -> str:
        return self.inherent.band


def band(likelihood: int, impact: int) -> str:
    score = likelihood * impact
    return "critical" if score >= 12 else "high" if score >= 8 else "medium" if score >= 4 else "low"


def kind_of(obligation: str) -> tuple[str, int, int]:
    """(kind, base impact, base likelihood) of an obligation id."""
    for kind, pattern, impact, likely in KINDS:
        if re.search(pattern, obligation, re.IGNORECASE):
            return kind, impact, likely
    return GOVERNANCE[0], GOVERNANCE[2], GOVERNANCE[3]


def _clamp(n: int) -> int:
    return max(1, min(4, n))


def score(finding: Finding, exposure: Exposure) -> Risk | None:
    """None for findings that carry no open risk (met)."""
    if finding.status not in ("gap", "unknown", "waived"):
        return None
    kind, impact, likely = kind_of(finding.obligation)
    factors: list[str] = []
    if exposure.sensitive:
        impact += 1
        factors.append("sensitive")
    if exposure.individuals >= LARGE_POPULATION:
        impact += 1
        factors.append("large")
    channel = {
        "export": exposure.outbound,
        "provision": exposure.provided or exposure.outbound,
        "automated": exposure.automated,
    }.get(kind)
    if channel:
        likely += 2 if kind == "export" else 1
        factors.append(f"path_{kind}")
    if kind in ("security", "incident"):
        for name, present in (
            ("incidents", exposure.incidents > 0),
            ("public", exposure.public_capture),
            ("large_target", exposure.individuals >= LARGE_POPULATION),
        ):
            if present:
                likely += 1
                factors.append(name)
    if finding.status in ("gap", "waived"):
        likely += 1
        factors.append(f"control_{finding.status}")
    inherent = Level(_clamp(likely), _clamp(impact))
    if finding.status == "waived":
        residual = inherent
    else:
        contained = 1 if kind in ("security", "incident") else 0
        residual = Level(
            _clamp(inherent.likelihood - (2 if finding.status == "gap" else 1)), _clamp(inherent.impact - contained)
        )
    return Risk(finding, kind, inherent, residual, tuple(factors))


def order(risks: list[Risk]) -> list[Risk]:
    """Highest inherent risk first; among equals the rulebook's severity (a lawyer's gravity), then impact."""

    def sev(r: Risk) -> int:
        return SEVERITIES.index(r.finding.severity) if r.finding.severity in SEVERITIES else len(SEVERITIES)

    return sorted(risks, key=lambda r: (-r.score, sev(r), -r.impact, -r.residual.score, r.finding.id))


@dataclass(frozen=True)
class Cell:
    likelihood: int
    impact: int
    count: int
    band: str


def matrix(levels: list[Level]) -> list[list[Cell]]:
    """Rows from the highest impact down, columns by rising likelihood (as drawn)."""
    return [
        [Cell(lk, im, sum(1 for r in levels if (r.likelihood, r.impact) == (lk, im)), band(lk, im)) for lk in SCALE]
        for im in reversed(SCALE)
    ]
