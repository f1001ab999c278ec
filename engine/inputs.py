"""Load one assessment folder: assessment.yaml plus datasets.yaml and/or datasets.csv (and remediation.yaml).

Everything a user wrote is checked here, with FILE:LINE:COL: dotted.path: message for each problem:
syntax, types, unknown keys, dangling references, unknown PI categories and questionnaire answers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.assessment import MAINLAND, Assessment
from engine.dataset import Dataset, Inventory
from engine.errors import InputError, Problem
from engine.i18n import both, closest, message
from engine.narrative import check_narrative
from engine.questions import question_bank
from engine.remediation import PLAN_FILE, LoadedPlan, load_plan
from engine.taxonomy import taxonomy
from engine.text import Text
from engine.validation import pydantic_problems
from engine.yamlsafe import Located, parse, read_input

ASSESSMENT_FILE = "assessment.yaml"
DATASETS_YAML = "datasets.yaml"
DATASETS_CSV = "datasets.csv"
# every file of an assessment folder, in the order read and hashed (the registry stores the same files)
INPUT_FILES = (ASSESSMENT_FILE, DATASETS_YAML, DATASETS_CSV, PLAN_FILE)


@dataclass
class LoadedAssessment:
    folder: Path
    assessment: Assessment
    datasets: dict[str, Dataset]
    located: Located
    input_hash: str
    plan: LoadedPlan | None = None  # remediation.yaml, checked against the findings by engine/assess.py


@dataclass(frozen=True, eq=False)
class InputFiles:
    """An assessment folder's input files as read (and checked) where the folder is: each present file's
    bytes, or the problems reading it. What load_inputs validates, in this process or on another machine
    (a Dask worker), with the same messages naming the same paths."""

    folder: Path
    files: dict[str, bytes | tuple[Problem, ...]]


def read_inputs(folder: Path) -> InputFiles:
    """Read an assessment folder's input files; raises InputError when there is no assessment.yaml to read."""
    if folder.is_file() and folder.name == ASSESSMENT_FILE:
        folder = folder.parent
    main = folder / ASSESSMENT_FILE
    if not main.is_file():
        raise InputError.one(str(folder), both("input.no_assessment", file=ASSESSMENT_FILE))
    files: dict[str, bytes | tuple[Problem, ...]] = {ASSESSMENT_FILE: read_input(main, folder=folder)}
    for name in INPUT_FILES[1:]:
        path = folder / name
        if path.exists() or path.is_symlink():  # a pipe or a dangling link is refused, not skipped
            try:
                files[name] = read_input(path, folder=folder)
            except InputError as exc:
                files[name] = tuple(exc.problems)
    return InputFiles(folder, files)


def load_assessment(folder: Path) -> LoadedAssessment:
    """Validate an assessment folder; raises InputError listing every problem found."""
    return load_inputs(read_inputs(folder))


def load_inputs(inputs: InputFiles) -> LoadedAssessment:
    """Validate an assessment from its files' bytes; raises InputError listing every problem found."""
    folder = inputs.folder
    main = folder / ASSESSMENT_FILE
    digest = hashlib.sha256()
    raw = inputs.files[ASSESSMENT_FILE]
    assert isinstance(raw, bytes)  # read_inputs raises rather than record a problem for this one
    digest.update(raw)
    located = parse(raw, str(main), defer_values=True)  # a bad date must not hide the other problems
    problems: list[Problem] = list(located.deferred)
    if not isinstance(located.data, dict):
        raise located.error("", both("input.not_mapping"))
    try:
        assessment = Assessment.model_validate(located.data)
    except ValidationError as exc:
        noted = {p.path for p in located.deferred}
        problems.extend(p for p in pydantic_problems(exc, located, model=Assessment) if p.path not in noted)
        assessment = None

    datasets: dict[str, Dataset] = {}
    for name, reader in ((DATASETS_YAML, _datasets_yaml), (DATASETS_CSV, _datasets_csv)):
        path = folder / name
        content = inputs.files.get(name)
        if content is None:
            continue
        if not isinstance(content, bytes):
            problems.extend(content)
            continue
        try:
            digest.update(content)
            for ds, where in reader(path, content):
                if ds.id in datasets:
                    twice = both("input.dataset_twice", id=ds.id)
                    problems.append(Problem(str(path), twice, where[0], where[1], where[2]))
                datasets[ds.id] = ds
                problems.extend(_check_categories(ds, str(path), where))
        except InputError as exc:
            problems.extend(exc.problems)
    plan_file = inputs.files.get(PLAN_FILE)
    if isinstance(plan_file, bytes):
        digest.update(plan_file)  # a changed plan re-renders the checklist in a batch
    plan, plan_problems = load_plan(folder / PLAN_FILE, plan_file)
    problems.extend(plan_problems)
    if assessment is not None:
        problems.extend(_check_references(assessment, datasets, located))
        problems.extend(_check_answers(assessment, located))
        problems.extend(_check_outbound_totals(assessment, located))
        problems.extend(_check_reach_and_roles(assessment, located))
        problems.extend(check_narrative(assessment, located))
    if problems:
        raise InputError(problems)
    assert assessment is not None
    return LoadedAssessment(folder, assessment, datasets, located, digest.hexdigest(), plan)


Where = tuple[str, int | None, int | None]  # dotted path (YAML) or column (CSV), line, column


def _datasets_yaml(path: Path, raw: bytes) -> list[tuple[Dataset, Where]]:
    located = parse(raw, str(path))
    try:
        inv = Inventory.model_validate(located.data if located.data is not None else {})
    except ValidationError as exc:
        raise InputError(pydantic_problems(exc, located, model=Inventory)) from None
    out = []
    for i, ds in enumerate(inv.datasets):
        line, col = located.where(f"datasets.{i}")
        out.append((ds, (f"datasets.{i}", line, col)))
    return out


def read_datasets_yaml(path: Path, raw: bytes) -> list[tuple[Dataset, Where]]:
    """A datasets.yaml on its own (a scan's proposals uploaded to the web workspace), read as a folder's
    is: the model and the taxonomy, every problem located."""
    found = _datasets_yaml(path, raw)
    if problems := [p for ds, where in found for p in _check_categories(ds, str(path), where)]:
        raise InputError(problems)
    return found


def _datasets_csv(path: Path, raw: bytes) -> list[tuple[Dataset, Where]]:
    """One row per field; dataset columns repeat and agree between rows (parser shared with imports)."""
    from engine import tabular  # imports openpyxl: only for folders that have a datasets.csv

    return [(p.dataset, p.where) for p in tabular.parse(tabular.csv_grid(raw, str(path)))]


def _unknown_category(key: str) -> str:
    """The unknown-category message with its did-you-mean; engine.hints (word lists and their models,
    ~20 ms to import) is loaded only when a category is unknown, not by every valid assessment."""
    from engine.hints import unknown_category

    return unknown_category(key)


def _check_categories(ds: Dataset, file: str, where: Where) -> list[Problem]:
    tax = taxonomy()
    problems = []
    for j, field in enumerate(ds.fields):
        if field.category and tax.resolve(field.category) is None:
            path = f"{where[0]}.fields.{j}.category" if where[0].startswith("datasets.") else "category"
            problems.append(Problem(file, _unknown_category(field.category), path, where[1], where[2]))
    return problems


def _check_references(a: Assessment, datasets: dict[str, Dataset], located: Located) -> list[Problem]:
    problems: list[Problem] = []
    tax = taxonomy()
    activity_ids = {act.id for act in a.activities}
    for i, act in enumerate(a.activities):
        for j, ds in enumerate(act.datasets):
            if ds not in datasets:
                problems += located.error(f"activities.{i}.datasets.{j}", _no_such("dataset", ds, datasets)).problems
        for j, cat in enumerate(act.pi_categories):
            if tax.resolve(cat) is None:
                problems += located.error(f"activities.{i}.pi_categories.{j}", _unknown_category(cat)).problems
    for i, tr in enumerate(a.transfers):
        if tr.activity is not None and tr.activity not in activity_ids:
            problems += located.error(
                f"transfers.{i}.activity", _no_such("activity", tr.activity, activity_ids)
            ).problems
        for j, ds in enumerate(tr.datasets):
            if ds not in datasets:
                problems += located.error(f"transfers.{i}.datasets.{j}", _no_such("dataset", ds, datasets)).problems
    return problems


def _check_outbound_totals(a: Assessment, located: Located) -> list[Problem]:
    """The processor-wide counts since 1 January cannot be below what one transfer alone sent."""
    problems: list[Problem] = []
    org = a.organisation
    for field, total in (
        ("individuals_non_sensitive", org.outbound_individuals_non_sensitive),
        ("individuals_sensitive", org.outbound_individuals_sensitive),
    ):
        largest = max((getattr(t, field) for t in a.transfers if t.destination != MAINLAND), default=0)
        if total is not None and total < largest:
            message = both("input.total_below_transfer", total=total, largest=largest)
            problems += located.error(f"organisation.outbound_{field}", message).problems
    return problems


def _check_reach_and_roles(a: Assessment, located: Located) -> list[Problem]:
    """The facts the reach and role gates of the rulebooks need: an offshore organisation says whether it
    processes data and uses networks in China; a joint controller names its co-controllers."""
    problems: list[Problem] = []
    org = a.organisation
    fields = (
        ("processes_in_china", Text(zh="处理数据", en="process data")),
        ("networks_in_china", Text(zh="建设、运营、维护或使用网络", en="build, operate, maintain or use networks")),
    )
    for field, what in fields:
        value = getattr(org, field)
        if org.outside_china and value is None:
            why = both("input.reach_required", what=what)
        elif not org.outside_china and value is not None:
            why = both("input.reach_domestic")
        else:
            continue
        problems += located.error(f"organisation.{field}", why).problems
    for i, act in enumerate(a.activities):
        if act.role == "joint_controller" and not act.joint_with:
            problems += located.error(f"activities.{i}.role", both("input.joint_with_missing")).problems
        for field, role, present in (
            ("joint_with", "joint_controller", bool(act.joint_with)),
            ("on_behalf_of", "entrusted_party", act.on_behalf_of is not None),
        ):
            if present and act.role != role:
                why = both("input.role_field_unused", field=field, role=role, actual=act.role)
                problems += located.error(f"activities.{i}.{field}", why).problems
    return problems


def _no_such(kind: str, name: str, known: Iterable[str]) -> str:
    return both(f"input.no_{kind}", id=name, hint=closest(name, known))


def _check_answers(a: Assessment, located: Located) -> list[Problem]:
    bank = question_bank().by_id()
    groups: list[tuple[str, str, dict[str, Any]]] = [("org", "answers", a.answers)]
    groups += [("activity", f"activities.{i}.answers", act.answers) for i, act in enumerate(a.activities)]
    groups += [("transfer", f"transfers.{i}.answers", tr.answers) for i, tr in enumerate(a.transfers)]
    problems: list[Problem] = []
    for scope, base, answers in groups:
        for qid, value in answers.items():
            path = f"{base}.{qid}"
            q = bank.get(qid)
            if q is None:
                hint = closest(str(qid), bank)
                problems += located.error(path, both("input.unknown_question", id=qid, hint=hint)).problems
            elif q.scope != scope:
                where = message(f"scope.{q.scope}")
                problems += located.error(path, both("input.wrong_scope", id=qid, scope=where)).problems
            elif value is not None and (why := q.check(value)):
                problems += located.error(path, why.both()).problems
    return problems
