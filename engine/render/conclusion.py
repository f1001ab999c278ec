"""The conclusion for each processing activity and each outbound transfer (docs/reports.md).

Lawfulness and necessity, risks, measures, residual risk and the decision, all derived from the
findings and the risk scores; the decision follows one documented rule (message
`conclusion.subjects_intro` states it in the report):

* `stop` (do not proceed): a critical gap, or a gap or waived finding whose residual risk is still high
  or very high once the remediation plan is carried out (the planned measures are not enough; a
  waived risk stays as it is);
* `after_measures` (proceed after the listed measures): any other gap, or an open (unknown) finding;
* `proceed`: every applicable duty met (waived ones accepted).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from engine.finding import Finding
from engine.render.risk import Risk

BAND_ORDER = ("low", "medium", "high", "critical")
STATUS_WORST = ("gap", "unknown", "waived", "met")


@dataclass(frozen=True)
class Verdict:
    subject: str  # activity or transfer id; "" for the organisation-wide duties
    lawfulness: str  # worst status of the lawfulness and necessity duties, or "none"
    risks: int
    inherent: str | None  # highest band
    residual: str | None
    actions: int
    decision: str  # proceed | after_measures | stop


def _highest(bands: list[str]) -> str | None:
    return max(bands, key=BAND_ORDER.index) if bands else None


def worst(statuses: list[str]) -> str:
    return min(statuses, key=STATUS_WORST.index) if statuses else "none"


def decide(findings: list[Finding], risks: list[Risk]) -> str:
    """The documented rule (module docstring)."""
    residual = {id(r.finding): r.residual.band for r in risks}
    gaps = [f for f in findings if f.status == "gap"]
    unmet = [f for f in findings if f.status in ("gap", "waived")]
    if any(f.severity == "critical" for f in gaps) or any(residual.get(id(f)) in ("high", "critical") for f in unmet):
        return "stop"
    if gaps or any(f.status == "unknown" for f in findings):
        return "after_measures"
    return "proceed"


def verdict(subject: str, findings: list[Finding], risks: list[Risk], lawful: Callable[[Finding], bool]) -> Verdict:
    ids = {id(f) for f in findings}
    mine = [r for r in risks if id(r.finding) in ids]
    return Verdict(
        subject=subject,
        lawfulness=worst([f.status for f in findings if lawful(f)]),
        risks=len(mine),
        inherent=_highest([r.inherent.band for r in mine]),
        residual=_highest([r.residual.band for r in mine]),
        actions=sum(1 for f in findings if f.status in ("gap", "unknown")),
        decision=decide(findings, mine),
    )
