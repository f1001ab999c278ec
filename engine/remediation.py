"""The remediation plan: who does each action, by when, how urgently, and what has to come first.

The plan is an optional `remediation.yaml` beside assessment.yaml, a file of its own because it changes
every week while the facts of the assessment do not (and so that assessment.yaml stays short). Each entry
names an action as the checklist does: a finding id (`PIPL-17-notice@crm`), an obligation id (then it
plans every finding of that obligation not planned by its own id) or a transfer task (`xfer-us#sa-apply`).
A name that matches nothing in this assessment is an error with a did-you-mean hint, like a waiver's.

The order comes from the rulebooks: an obligation's `after` lists the obligations whose open findings on
the same subject (or on the organisation) come first, a transfer task's `after` the tasks of its decision
and obligations. `hegui rulebooks lint` refuses unknown names and cycles. findings.json carries each
action's plan (with the `after` resolved to action ids); the checklists order actions from it.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.errors import InputError, Problem
from engine.finding import Finding, PlanOut, PlanStatus, TransferOut
from engine.i18n import both, closest, message
from engine.obligation import SEVERITIES, Task
from engine.resources import data_dir
from engine.text import Text
from engine.validation import pydantic_problems
from engine.yamlsafe import Located, parse

if TYPE_CHECKING:
    from engine.rulebook import Rulebooks

PLAN_FILE = "remediation.yaml"
OPEN = ("gap", "unknown")  # findings that are actions
CLOSED: tuple[PlanStatus, ...] = ("done", "accepted_risk")  # plan statuses that are never overdue


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class PlanEntry(_Model):
    """One planned action (descriptions are the editor's hover help: `hegui schema --of remediation`)."""

    action: str = Field(
        min_length=1,
        description="发现编号（义务@对象）、义务编号（其全部发现）或出境事项（出境编号#事项编号），即清单最后一列"
        " / finding id (OBLIGATION@subject), obligation id (all its findings) or transfer#task, as in the "
        "checklist's last column",
    )
    owner: str | None = Field(None, min_length=1, description="责任人（个人或团队） / who does it (person or team)")
    due: date | None = Field(None, description="承诺完成日期 / date the owner committed to")
    status: PlanStatus = Field(
        "open", description="open 未开始、in_progress 进行中、done 已完成、accepted_risk 接受风险 / the action's status"
    )
    priority: int | None = Field(
        None, ge=1, le=4, description="1（最紧急）至4；默认按严重程度 / 1 (most urgent) to 4; default from the severity"
    )


class Plan(_Model):
    """remediation.yaml: the plan of the assessment's actions."""

    actions: list[PlanEntry] = Field(default_factory=list, description="整改安排 / planned actions")


@dataclass(frozen=True)
class LoadedPlan:
    plan: Plan
    located: Located


def load_plan(path: Path, content: bytes | tuple[Problem, ...] | None) -> tuple[LoadedPlan | None, list[Problem]]:
    """remediation.yaml from its bytes as read (engine/inputs.py), if the folder has one: (plan, problems)."""
    if content is None:
        return None, []
    if not isinstance(content, bytes):
        return None, list(content)
    try:
        located = parse(content, str(path), defer_values=True)  # a bad date must not hide the other problems
    except InputError as exc:
        return None, exc.problems
    if located.data is not None and not isinstance(located.data, dict):
        return None, located.error("", both("input.plan_not_mapping")).problems
    noted = {p.path for p in located.deferred}
    try:
        plan = Plan.model_validate(located.data or {})
    except ValidationError as exc:
        problems = [p for p in pydantic_problems(exc, located, model=Plan) if p.path not in noted]
        return None, [*located.deferred, *problems]
    return (None if located.deferred else LoadedPlan(plan, located)), list(located.deferred)


def default_priority(severity: str) -> int:
    """critical 1, high 2, medium 3, low 4."""
    return SEVERITIES.index(severity) + 1 if severity in SEVERITIES else len(SEVERITIES)


def task_severity(transfer: TransferOut, findings: list[Finding]) -> str:
    """A transfer task is as severe as the transfer's most severe open finding (low when none is open)."""
    open_sev = [f.severity for f in findings if f.subject == transfer.id and f.status in OPEN]
    return min(open_sev, key=SEVERITIES.index) if open_sev else "low"


def task_id(task: Task, position: int) -> str:
    return task.id or f"task{position}"


def task_ref(transfer_id: str, task: str) -> str:
    return f"{transfer_id}#{task}"


def attach(
    plan: LoadedPlan | None,
    books: Rulebooks,
    decision: str,
    findings: list[Finding],
    transfers: list[TransferOut],
    day: date,
) -> tuple[list[Finding], list[TransferOut]]:
    """Findings and transfers with the plan of every action; InputError for entries that name nothing."""
    specific, general = _entries(plan, findings, transfers)
    open_findings = [f for f in findings if f.status in OPEN]
    task_after = {
        task_id(t, k): t.after for o in books.decisions[decision].outcomes for k, t in enumerate(o.tasks, start=1)
    }

    def prerequisites(obligations: list[str], subject: str | None) -> list[str]:
        return [g.id for g in open_findings if g.obligation in obligations and g.subject in (subject, None)]

    def planned(entry: PlanEntry | None, severity: str, after: list[str]) -> PlanOut:
        if entry is None:
            return PlanOut(priority=default_priority(severity), after=after)
        overdue = entry.due is not None and entry.due < day and entry.status not in CLOSED
        return PlanOut(
            owner=entry.owner,
            due=entry.due.isoformat() if entry.due else None,
            status=entry.status,
            priority=entry.priority or default_priority(severity),
            overdue=overdue,
            after=after,
        )

    out_findings = []
    for f in findings:
        entry = specific.get(f.id) or general.get(f.obligation)
        if f.status in OPEN or entry is not None:
            after = prerequisites(books.obligations[f.obligation].after, f.subject) if f.status in OPEN else []
            f = f.model_copy(update={"plan": planned(entry, f.severity, after)})
        out_findings.append(f)
    out_transfers = []
    for t in transfers:
        severity = task_severity(t, findings)
        ids = {task.id for task in t.tasks}
        tasks = []
        for task in t.tasks:
            deps = task_after.get(task.id or "", [])
            after = [task_ref(t.id, d) for d in deps if d in ids] + prerequisites(deps, t.id)
            ref = task_ref(t.id, task.id or "")
            tasks.append(task.model_copy(update={"plan": planned(specific.get(ref), severity, after)}))
        out_transfers.append(t.model_copy(update={"tasks": tasks}))
    return out_findings, out_transfers


def plannable(findings: list[Finding], transfers: list[TransferOut]) -> tuple[set[str], set[str]]:
    """What a plan entry may name: finding ids and transfer task refs (exact), and obligation ids; the web
    workspace lists the entries that name neither (after a rulebook update, or a removed activity)."""
    exact = {f.id for f in findings} | {task_ref(t.id, task.id or "") for t in transfers for task in t.tasks}
    return exact, {f.obligation for f in findings}


def _entries(
    plan: LoadedPlan | None, findings: list[Finding], transfers: list[TransferOut]
) -> tuple[dict[str, PlanEntry], dict[str, PlanEntry]]:
    """Plan entries by finding id or task ref (specific) and by obligation id (general)."""
    if plan is None:
        return {}, {}
    exact, obligations = plannable(findings, transfers)
    specific: dict[str, PlanEntry] = {}
    general: dict[str, PlanEntry] = {}
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    for i, entry in enumerate(plan.plan.actions):
        path = f"actions.{i}.action"
        name = entry.action
        if name in seen:
            why = both("input.plan_twice", action=name, other=seen[name])
        elif name in exact or name in obligations:
            seen[name] = i
            (specific if name in exact else general)[name] = entry
            continue
        else:
            why = both("input.plan_no_action", action=name, hint=closest(name, sorted(exact | obligations)))
        problems += plan.located.error(path, why).problems
    if problems:
        raise InputError(problems)
    return specific, general


def ordered(keys: Mapping[str, tuple[Any, ...]], after: Mapping[str, list[str]]) -> list[str]:
    """Action ids in dependency order, the most urgent ready action first (smallest key, then id).

    A prerequisite is as urgent as the most urgent action waiting for it, so a critical action does not
    wait behind unrelated medium ones for its low-severity first step.
    """
    dependents: dict[str, list[str]] = defaultdict(list)
    waiting: dict[str, int] = {}
    for ref in keys:
        deps = [d for d in after.get(ref, []) if d in keys]
        waiting[ref] = len(deps)
        for d in deps:
            dependents[d].append(ref)
    urgency: dict[str, tuple[Any, ...]] = {}

    def inherited(ref: str) -> tuple[Any, ...]:
        if ref not in urgency:
            urgency[ref] = min([keys[ref], *(inherited(d) for d in dependents[ref])])
        return urgency[ref]

    ready = [(inherited(r), keys[r], r) for r, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    out: list[str] = []
    while ready:
        _, _, ref = heapq.heappop(ready)
        out.append(ref)
        for d in dependents[ref]:
            waiting[d] -= 1
            if waiting[d] == 0:
                heapq.heappush(ready, (inherited(d), keys[d], d))
    if len(out) != len(keys):  # the rulebooks are linted for cycles; an assessment cannot add one
        raise ValueError("remediation actions depend on each other in a cycle")
    return out


def lint_order(books: Rulebooks) -> Iterator[Problem]:
    """`after` names known obligations (same scope or the organisation's) or tasks, and has no cycle."""
    graph: dict[str, list[str]] = {}

    def at(rule: str, path: str, text: Text) -> Problem:
        file, base = books.origin[rule]
        located = books.files[file]
        where = f"{base}.{path}"
        return Problem(located.file, text.both(), where, *located.where(where))

    def check(rule: str, path: str, name: str, scope: str, tasks: list[str]) -> Iterator[Problem]:
        target = books.obligations.get(name)
        if target is None and name not in tasks:
            hint = closest(name, [*tasks, *books.obligations])
            yield at(rule, path, message("rulebook.after_unknown", rule=rule, name=name, hint=hint))
        elif target is not None and target.scope not in (scope, "org"):
            yield at(rule, path, message("rulebook.after_scope", rule=rule, name=name, scope=target.scope))

    for oid in sorted(books.obligations):
        ob = books.obligations[oid]
        for j, name in enumerate(ob.after):
            yield from check(oid, f"after.{j}", name, ob.scope, [])
        graph[oid] = [n for n in ob.after if n in books.obligations]
    for did in sorted(books.decisions):
        dec = books.decisions[did]
        afters: dict[str, list[str]] = {}
        for j, outcome in enumerate(dec.outcomes):
            ids = [task_id(t, k) for k, t in enumerate(outcome.tasks, start=1)]
            for k, (t, tid) in enumerate(zip(outcome.tasks, ids, strict=True)):
                base = f"outcomes.{j}.tasks.{k}"
                if ids.index(tid) != k:
                    yield at(did, f"{base}.id", message("rulebook.task_id_twice", id=tid))
                if afters.setdefault(tid, t.after) != t.after:
                    yield at(did, f"{base}.after", message("rulebook.task_after_differs", id=tid))
                for m, name in enumerate(t.after):
                    yield from check(did, f"{base}.after.{m}", name, dec.scope, ids)
                graph[f"{did}#{tid}"] = [f"{did}#{n}" if n in ids else n for n in t.after]
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as exc:
        cycle = " -> ".join(exc.args[1])
        first = exc.args[1][0]
        if first in books.obligations:
            yield at(first, "after", message("rulebook.after_cycle", cycle=cycle))
        else:
            yield Problem(str(data_dir("rulebooks")), both("rulebook.after_cycle", cycle=cycle))
