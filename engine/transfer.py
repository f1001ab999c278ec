"""The outbound-transfer decision without an assessment folder (`hegui transfer`).

Builds one transfer context from a few numbers, runs the same compiled rules as a full assessment and
reports the mechanism, its reasons and follow-up tasks, and the duties that remain in every case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.assess import Decided, Evaluator, compiled, manifest, purpose_not_in_force
from engine.assessment import MAINLAND, Transfer, TransferPurpose
from engine.errors import InputError
from engine.facts import Context, transfer_facts
from engine.finding import Finding
from engine.rulebook import holds_on
from engine.taxonomy import taxonomy


@dataclass(frozen=True)
class QuickTransfer:
    decided: Decided
    duties: list[Finding]  # obligations that apply (their status is unknown: nothing was answered)


def decide_transfer(
    *,
    non_sensitive: int,
    sensitive: int,
    ciio: bool,
    important_data: bool,
    purpose: TransferPurpose,
    destination: str,
    free_trade_zone: bool,
    ftz_outside_list: bool,
    domestic_data_added: bool,
    day: date,
) -> QuickTransfer:
    if why := purpose_not_in_force(purpose, day):
        raise InputError.one("--purpose", why)
    tr = Transfer.model_validate(
        {
            "id": "transfer",
            "recipient": "-",
            "destination": destination,
            "individuals_non_sensitive": non_sensitive,
            "individuals_sensitive": sensitive,
            "important_data": important_data,
            "purpose": purpose,
            "domestic_data_added": domestic_data_added,
            "ftz_negative_list": "outside" if ftz_outside_list else None,
        }
    )
    # a processor established in China, deciding its own processing: the reach and role gates hold
    org: dict[str, Any] = {
        "org.ciio": ciio,
        "org.free_trade_zone": free_trade_zone,
        "org.state_organ": False,
        "org.outside_china": False,
        "org.outside_china_basis": [],
        "org.processes_in_china": True,
        "org.networks_in_china": True,
        "org.roles": ["controller"],
    }
    # one transfer stands for the processor's whole outbound volume since 1 January (CBDF counts per processor)
    totals = (0, 0) if tr.destination == MAINLAND else (non_sensitive, sensitive)
    ctx = Context("transfer", tr.id, transfer_facts(org, tr, totals, {}, {}, taxonomy()))
    engine = compiled()
    fired = engine.run([Context("org", "org", dict(org)), ctx], day)
    evaluator = Evaluator(engine.books, fired, day)
    duties = []
    for oid in sorted(engine.books.obligations):
        ob = engine.books.obligations[oid]
        if ob.scope == "transfer" and holds_on(ob, day) and (f := evaluator.finding(ob, ctx)) is not None:
            duties.append(f)
    return QuickTransfer(evaluator.decide(manifest().mechanism_decision, ctx), duties)
