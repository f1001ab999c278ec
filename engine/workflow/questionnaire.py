"""`hegui questionnaire`: ask the question bank's questions that matter for this assessment.

Which questions matter is decided by each question's `show_if`, evaluated three-valued over the
facts of its context after the real engine has filled in the derived facts; an unknown `show_if`
still asks. Every answer is validated (Question.check) and saved at once, so a stopped session
resumes where it left off.
"""

from __future__ import annotations

import contextlib
import re
import types
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from rich.console import Console
from rich.prompt import Prompt
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from engine.assessment import Activity, Assessment, Assessor, Meta, Organisation, Transfer, narrative_fields
from engine.condition import evaluate
from engine.console import safe
from engine.dataset import Dataset
from engine.errors import CONTROL, InputError, Problem
from engine.facts import Context
from engine.i18n import MESSAGES, both, message, tr, value_text
from engine.inputs import ASSESSMENT_FILE, DATASETS_CSV, DATASETS_YAML, LoadedAssessment, load_assessment
from engine.questions import Option, Question, Scope, question_bank
from engine.remediation import PLAN_FILE, PlanEntry
from engine.text import Text
from engine.validation import error_text
from engine.workflow.answers import Answer, write_answers
from engine.yamlsafe import control_text

TRUE_WORDS = {"y", "yes", "true", "t", "1", "是", "是的", "对"}
FALSE_WORDS = {"n", "no", "false", "f", "0", "否", "不是", "不"}
EMPTY_LIST = "[]"


@dataclass(frozen=True)
class Slot:
    """One question for one context (the organisation, an activity or a transfer)."""

    scope: Scope
    subject: str
    label: Text
    question: Question
    shown: bool | None  # show_if: True, False or unknown (None)
    value: Any
    facts: Mapping[str, Any] = field(default_factory=dict, compare=False)  # its context's, derived ones included

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.scope, self.subject, self.question.id)

    def answer(self, value: Any) -> Answer:
        return Answer(self.scope, self.subject, self.question.id, value)


def _label(value: str | Text) -> Text:
    return value if isinstance(value, Text) else Text(zh=value, en=value)


def _owners(a: Assessment) -> dict[str, tuple[Text, dict[str, Any]]]:
    """Context key -> (its name, its answers) as written in assessment.yaml."""
    out = {"org:org": (_label(a.organisation.name), a.answers)}
    out.update({f"activity:{x.id}": (_label(x.name), x.answers) for x in a.activities})
    out.update({f"transfer:{t.id}": (Text(zh=t.recipient, en=t.recipient), t.answers) for t in a.transfers})
    return out


def contexts(loaded: LoadedAssessment) -> list[Context]:
    """The assessment's contexts with derived facts filled in by the real engine."""
    from engine.assess import compiled
    from engine.facts import build_contexts
    from engine.taxonomy import taxonomy

    ctxs = build_contexts(loaded.assessment, loaded.datasets, taxonomy())
    compiled().run(ctxs)
    return ctxs


def slots(loaded: LoadedAssessment) -> list[Slot]:
    """Every question of the bank for every context, with its show_if result and current answer."""
    from engine.rulebook import rulebooks

    books = rulebooks()
    owners = _owners(loaded.assessment)
    out = []
    for ctx in contexts(loaded):
        label, answers = owners[ctx.key]
        for q in question_bank().in_scope(ctx.scope):
            shown = True if not q.show_if else evaluate(books.cond(q.id, "show_if"), ctx.facts)
            out.append(Slot(ctx.scope, ctx.id, label, q, shown, answers.get(q.id), ctx.facts))
    return out


# --------------------------------------------------------------------------- answers


def coerce(q: Question, raw: Any) -> tuple[Any, Text | None]:
    """A typed answer from what a person entered (text or a spreadsheet cell), or why it is not one."""
    if isinstance(raw, str) and q.type != "text":
        raw = raw.strip()
    if isinstance(raw, str) and (found := CONTROL.search(raw)):  # assessment.yaml would refuse it
        return None, control_text(found.group())
    value: Any = raw
    if q.type == "bool" and isinstance(raw, str):
        word = raw.lower()
        value = True if word in TRUE_WORDS else False if word in FALSE_WORDS else None
        if value is None:
            return None, message("answer.yes_no", value=raw)
    elif q.type == "int" and isinstance(raw, str | float) and not isinstance(raw, bool):
        try:
            value = int(raw) if isinstance(raw, str) else raw
        except ValueError:
            return None, message("answer.int", value=raw)
        if isinstance(value, float):
            if not value.is_integer():
                return None, message("answer.int", value=raw)
            value = int(value)
    elif q.type == "choice" and isinstance(raw, str):
        value = _option(q, raw)
    elif q.type == "multi" and isinstance(raw, str):
        value = [] if raw == EMPTY_LIST else [_option(q, part) for part in _choices_in(q, raw)]
    elif q.type == "text" and isinstance(raw, int | float) and not isinstance(raw, bool):
        value = str(raw)
    elif q.type == "date" and isinstance(raw, datetime):
        value = raw.date()
    elif q.type == "date" and isinstance(raw, str):
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            return None, message("answer.date", value=raw)
    why = q.check(value)
    return (None, why) if why else (value, None)


def _parts(raw: str) -> list[str]:
    """What a multi-choice answer lists: separated by commas (also full-width), 、 or spaces; `1-3` is 1, 2, 3."""
    out: list[str] = []
    for part in re.split(r"[\s,，、]+", re.sub(r"(?<=\d)\s*[-–]\s*(?=\d)", "-", raw.strip())):
        if m := re.fullmatch(r"(\d+)-(\d+)", part):
            low, high = int(m.group(1)), int(m.group(2))
            out += [str(n) for n in range(low, high + 1)] if low <= high else [part]
        elif part:
            out.append(part)
    return out


def _option(q: Question, text: str) -> str:
    """An option by its value, its 1-based number or its zh or en label."""
    text = text.strip()
    if text.isdigit() and 1 <= int(text) <= len(q.options):
        return q.options[int(text) - 1].value
    return next((o.value for o in q.options if text in (o.zh, o.en) or text.casefold() == o.en.casefold()), text)


def _choices_in(q: Question, raw: str) -> list[str]:
    """The options a multi-choice answer lists. Labels may hold spaces, commas or 、, so the coarsest
    separation whose every part is an option wins: one per line (as the workbook writes them), then
    、 or semicolons, then commas too; else numbers and values separated by spaces as well (_parts)."""
    values = {o.value for o in q.options}
    for separators in (r"\n", r"[、;；\n]", r"[,，、;；\n]"):
        parts = [p.strip() for p in re.split(separators, raw) if p.strip()]
        if parts and all(_option(q, p) in values for p in parts):
            return parts
    return _parts(raw)


def answer_text(q: Question, value: Any) -> str:
    """How an answer is written back for a person (the inverse of coerce for text input)."""
    if q.type == "multi":
        return ", ".join(value) if value else EMPTY_LIST
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --------------------------------------------------------------------------- why we ask


def reasons(qid: str, lang: str, facts: Mapping[str, Any] | None = None) -> Iterator[str]:
    """Each obligation the answer evidences: its title and citations; given a context's facts, only those
    that can apply to it (an obligation whose `applies` is false there, say a Shenzhen rule outside
    Shenzhen, is no reason to ask)."""
    from engine.assess import cites
    from engine.rulebook import rulebooks

    books = rulebooks()
    for oid in books.evidenced_by.get(qid, []):
        if facts is not None and evaluate(books.cond(oid, "applies"), facts) is False:
            continue
        ob = books.obligations[oid]
        labels = ("、" if lang == "zh" else "; ").join(c.label(lang) for c in cites(ob.citations, None))
        yield f"{ob.title.get(lang)} ({oid}) — {labels}"


# --------------------------------------------------------------------------- the assessment's own fields

Kind = Literal["assessment", "assessor", "organisation", "activity", "dataset", "transfer", "plan"]
MODELS: dict[Kind, type[BaseModel]] = {
    "assessment": Meta,
    "assessor": Assessor,
    "organisation": Organisation,
    "activity": Activity,
    "dataset": Dataset,
    "transfer": Transfer,
    "plan": PlanEntry,  # an entry of remediation.yaml (the workbook's plan sheet)
}
FIELDS: dict[Kind, tuple[str, ...]] = {  # what the questionnaire and the workbook ask, in this order
    "assessment": ("id", "title", "as_of"),
    "assessor": ("name", "organisation"),
    "organisation": (
        "name",
        "ciio",
        "state_organ",
        "public_service_body",
        "outside_china",
        "outside_china_basis",
        "processes_in_china",
        "networks_in_china",
        "shenzhen",
        "free_trade_zone",
        "network_operator",
        "individuals_total",
        "important_data_processor",
    ),
    "activity": (
        "id",
        "name",
        "purpose",
        "legal_basis",
        "data_subjects",
        "datasets",
        "role",
        "joint_with",
        "on_behalf_of",
        "automated_decision",
        "automated_marketing",
        "entrusted_processing",
        "provides_to_other_processor",
        "public_disclosure",
        "public_image_capture",
        "publicly_available_pi",
    ),
    "dataset": ("id", "name", "system", "storage_location", "records", "individuals", "grade", "categories"),
    "transfer": (
        "id",
        "recipient",
        "destination",
        "activity",
        "datasets",
        "individuals_non_sensitive",
        "individuals_sensitive",
        "important_data",
        "purpose",
        "mechanism_in_place",
    ),
    "plan": ("action", "owner", "due", "status", "priority"),
}
# the narrative a filing needs (engine/narrative.py): in the workbook with the fields above; the terminal asks
# only the texts the assessment's filings still lack, after the questions (ask_narrative)
NARRATIVE: dict[Kind, tuple[str, ...]] = {
    "assessment": (*narrative_fields(Meta), "independent_opinion"),
    "organisation": tuple(narrative_fields(Organisation)),
    "activity": tuple(narrative_fields(Activity)),
    "transfer": tuple(narrative_fields(Transfer)),
}
ONLY_IF: dict[tuple[Kind, str], tuple[str, Any]] = {  # asked only when another field has this value
    ("organisation", "outside_china_basis"): ("outside_china", True),
    ("organisation", "processes_in_china"): ("outside_china", True),
    ("organisation", "networks_in_china"): ("outside_china", True),
    ("activity", "joint_with"): ("role", "joint_controller"),
    ("activity", "on_behalf_of"): ("role", "entrusted_party"),
}
NAME_FIELD: dict[Kind, str] = {"activity": "name", "dataset": "name", "transfer": "recipient"}
KEY_FIELD: dict[Kind, str] = {"plan": "action"}  # what names an entry when it is not its id
REPORT_WORDS = {"legal_basis": "basis", "data_subjects": "subject", "grade": "grade", "mechanism_in_place": "inplace"}
CATEGORIES = "categories"  # a dataset's PI categories: one field entry per category in datasets.yaml


@dataclass(frozen=True)
class Refs:
    """What a field may refer to: the dataset and activity ids as they stand."""

    datasets: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Spec:
    """One field of the assessment asked like a question (the same prompts, parsing and drop-downs)."""

    kind: Kind
    name: str
    question: Question
    required: bool
    default: Any
    listed: bool = False  # free text split into a list (joint_with)

    def check(self, value: Any) -> Text | None:
        """The input model's own verdict on `value` (patterns, bounds, the country-code check)."""
        if self.name == CATEGORIES or value is None:
            return None
        model = MODELS[self.kind]
        try:
            model.__pydantic_validator__.validate_assignment(model.model_construct(), self.name, value)
        except ValidationError as exc:
            return error_text(exc.errors(include_url=False)[0])
        return None

    def parse(self, raw: Any) -> tuple[Any, Text | None]:
        """A typed value from what a person typed or a cell held, or why it is not one."""
        if self.listed and isinstance(raw, str):
            return [p.strip() for p in re.split(r"[,，、;；\n]+", raw) if p.strip()], None
        value, why = coerce(self.question, raw)
        return (value, why) if why else (value, self.check(value))


def _option_label(name: str, value: str) -> Text:
    from engine.render.words import messages

    if name in REPORT_WORDS and (text := messages().get(f"{REPORT_WORDS[name]}.{value}")):
        return text
    key = f"qb.opt.{name}.{value}"
    return message(key) if key in MESSAGES else Text(zh=value, en=value)


def _kind_of(annotation: Any) -> tuple[str, list[str], bool]:
    """(question type, allowed values, free-text list) of a field's annotation; optionals are unwrapped."""
    args = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) in (Union, types.UnionType) and len(args) == 1:
        return _kind_of(args[0])
    if get_origin(annotation) is Literal:
        return "choice", [str(a) for a in get_args(annotation)], False
    if get_origin(annotation) is list:
        inner, values, _ = _kind_of(get_args(annotation)[0])
        return ("multi", values, False) if inner == "choice" else ("text", [], True)
    if get_origin(annotation) is Annotated:
        return _kind_of(get_args(annotation)[0])
    if annotation is bool:
        return "bool", [], False
    if annotation is int:
        return "int", [], False
    if annotation is date:
        return "date", [], False
    return "text", [], False


def _described(name: str, description: str | None) -> Text:
    """A field's `zh / en` description as its prompt (the field's name without one)."""
    zh, _, en = (description or "").partition(" / ")
    return Text(zh=zh, en=en) if zh and en else Text(zh=name, en=name)


def _bounds(info: FieldInfo | None) -> dict[str, int]:
    """A whole number's bounds: the model's own (ge/le, as a plan's priority 1-4), else 0 to ten billion."""
    found: dict[str, int] = {"min": 0, "max": 10_000_000_000}
    for rule in info.metadata if info is not None else []:
        if isinstance(getattr(rule, "ge", None), int):
            found["min"] = rule.ge
        if isinstance(getattr(rule, "le", None), int):
            found["max"] = rule.le
    return found


def specs(kind: Kind, refs: Refs = Refs(), narrative: bool = False) -> list[Spec]:
    """The fields of `kind` asked, as questions (options: allowed values with their zh/en labels); with
    `narrative`, its narrative texts too."""
    from engine.taxonomy import taxonomy
    from engine.workflow.scaffold import FIELD_HELP

    model = MODELS[kind]
    out = []
    for name in (*FIELDS[kind], *(NARRATIVE.get(kind, ()) if narrative else ())):
        if name == CATEGORIES:
            info, qtype, listed = None, "multi", False
            options = [Option(value=k, zh=c.zh, en=c.en) for k, c in taxonomy().categories.items()]
            text = message("qb.categories")
        else:
            info = model.model_fields[name]
            qtype, values, listed = _kind_of(info.annotation)
            if name == "datasets":
                qtype, values, listed = "multi", list(refs.datasets), False
            elif kind == "transfer" and name == "activity":
                qtype, values = "choice", list(refs.activities)
            elif name == "pi_categories":
                qtype, values, listed = "multi", list(taxonomy().categories), False
            labels = {v: _option_label(name, v) for v in values}
            options = [Option(value=v, zh=labels[v].zh, en=labels[v].en) for v in values]
            text = FIELD_HELP.get(f"{model.__name__}.{name}") or _described(name, info.description)
        question = Question.model_validate(
            {
                "id": name,
                "scope": "org",
                "type": qtype,
                "text": text,
                "help": Text(zh="", en=""),
                "options": options,
                **(_bounds(info) if qtype == "int" else {}),
            }
        )
        required = info is not None and info.is_required()
        default = None if info is None or required else info.get_default(call_default_factory=True)
        out.append(Spec(kind, name, question, required, default if default != [] else None, listed))
    return out


def current(spec: Spec, item: Mapping[str, Any]) -> Any:
    """The field's value in a document entry (a dataset's categories read from its fields)."""
    if spec.name == CATEGORIES:
        fields = item.get("fields") or []
        found = [str(f["category"]) for f in fields if isinstance(f, Mapping) and f.get("category")]
        return list(dict.fromkeys(found)) or None
    return item.get(spec.name)


def store(spec: Spec, item: Any, value: Any) -> None:
    """Write one field into a document entry: unset optional fields are removed, required ones left null."""
    from engine.workflow.answers import block_list, put, yaml_value

    if spec.name == CATEGORIES:
        wanted = list(value or [])
        fields = block_list(item, "fields")
        keep = [f for f in fields if not (isinstance(f, Mapping) and f.get("category") not in (None, *wanted))]
        have = {f.get("category") for f in keep if isinstance(f, Mapping)}
        fields[:] = keep + [yaml_value({"name": c, "category": c}) for c in wanted if c not in have]
        return
    if value is None and not spec.required:
        item.pop(spec.name, None)
    elif isinstance(value, str) and "\n" in value:  # a narrative of several lines: a literal block, as written
        put(item, spec.name, LiteralScalarString(value))
    else:
        put(item, spec.name, yaml_value(value))


def asked(spec: Spec, item: Mapping[str, Any]) -> bool:
    """Whether the field matters given the entry's other values (joint_with only for a joint controller…)."""
    condition = ONLY_IF.get((spec.kind, spec.name))
    return condition is None or item.get(condition[0]) == condition[1]


def unfilled(kind: Kind, item: Mapping[str, Any]) -> bool:
    """A required field of the entry is missing or null."""
    return any(s.required and current(s, item) is None for s in specs(kind) if asked(s, item))


def label_of(item: Mapping[str, Any], kind: Kind) -> str:
    """`id — name` of a document entry, for menus and headings."""
    name = item.get(NAME_FIELD[kind])
    if isinstance(name, Mapping):
        name = " / ".join(str(v) for v in name.values())
    return f"{item.get('id')} — {name}" if name else str(item.get("id"))


# --------------------------------------------------------------------------- interactive

LIST_KEYS: dict[Kind, str] = {
    "activity": "activities",
    "dataset": "datasets",
    "transfer": "transfers",
    "plan": "actions",
}
ITEM_KINDS: tuple[Kind, ...] = ("activity", "dataset", "transfer")
ORG: Kind = "organisation"
ACTIONS: list[tuple[str, Kind]] = [("edit", ORG)] + [
    (action, kind) for kind in ITEM_KINDS for action in ("add", "edit", "rename", "remove")
]


class Stop(Exception):
    """The user asked to stop (q, end of input or Ctrl-C); everything answered is saved."""


@dataclass
class Ask:
    """Prompts in one language, read with rich's Prompt; `q`, Ctrl-D and Ctrl-C stop."""

    console: Console
    lang: str

    def say(self, key: str, **values: Any) -> str:
        return safe(tr(key, self.lang, **values))

    def line(self, prompt: str, default: str | None = None, choices: list[str] | None = None) -> str:
        allowed = [*choices, "q", "Q"] if choices else None  # q stops wherever it is typed
        asking = Prompt(prompt, console=self.console, choices=allowed, show_choices=False, show_default=bool(default))
        asking.illegal_choice_message = f"[red]{self.say('qb.pick')}[/red]"
        try:
            raw = str(asking() if default is None else asking(default=default))
        except (EOFError, KeyboardInterrupt):
            raise Stop from None
        if raw.strip().lower() == "q":
            raise Stop
        return raw

    def pick(self, items: list[str]) -> int | None:
        """The index of one of `items` (listed by number), or None when Enter is pressed."""
        for i, text in enumerate(items, start=1):
            self.console.print(f"  {i}. {safe(text)}")
        numbers = [str(i) for i in range(1, len(items) + 1)]
        raw = self.line(f"  → {safe('[' + tr('qb.which', self.lang) + ']')}", "", numbers)
        return int(raw) - 1 if raw else None


def _shown_value(spec: Spec, value: Any, lang: str) -> str:
    if isinstance(value, Mapping):  # a {zh: …, en: …} label
        return " / ".join(str(v) for v in value.values())
    if isinstance(value, bool):
        return value_text(value, lang)
    return answer_text(spec.question, list(value) if isinstance(value, list) else value)


def ask_field(ask: Ask, spec: Spec, value: Any, taken: Iterable[str] = ()) -> Any:
    """Ask one field until its value is valid; Enter keeps the current value (or the default)."""
    q, lang = spec.question, ask.lang
    mark = " *" if spec.required else ""
    ask.console.print(f"[bold]{safe(q.text.get(lang))}[/bold]{mark} [dim]({spec.name})[/dim]")
    for i, opt in enumerate(q.options, start=1):
        ask.console.print(f"  {i}. {safe(getattr(opt, lang))} [dim]({opt.value})[/dim]")
    shown = value if value is not None else spec.default
    default = None if shown is None else _shown_value(spec, shown, lang)
    while True:
        raw = ask.line(f"  → {safe('[' + tr('q.' + q.type, lang) + ']')}", default)
        if value is not None and raw == default:
            return value  # kept as it is (a {zh, en} label stays one)
        why: Text | None
        if not raw.strip():
            if not spec.required:
                return None
            why = message("pydantic.not_filled")
        else:
            parsed, why = spec.parse(raw if q.type == "text" else raw.strip())
            if why is None and spec.name == "id" and parsed in taken:
                why = message("input.duplicate_id", id=parsed)
            if why is None:
                return parsed
        ask.console.print(f"  [red]{safe(tr('q.invalid', lang, why=why))}[/red]")


class Editor:
    """assessment.yaml, datasets.yaml and remediation.yaml as editable documents, each written after every
    change (the plan's only editor is the workbook)."""

    def __init__(self, folder: Path) -> None:
        from engine.workflow.answers import read_document

        self.folder = folder
        self.main = read_document(folder / ASSESSMENT_FILE, folder)
        self.inventory = read_document(folder / DATASETS_YAML, folder)
        self.plan = read_document(folder / PLAN_FILE, folder)

    def document(self, kind: Kind) -> CommentedMap:
        """The document that holds `kind`."""
        return self.inventory if kind == "dataset" else self.plan if kind == "plan" else self.main

    def save(self, kind: Kind) -> None:
        from engine.workflow.answers import write_document

        write_document(self.path(kind), self.document(kind))

    def section(self, kind: Kind) -> Any:
        """The mapping of `assessment`, `assessment.assessor` or `organisation` (created when missing)."""
        parent, key = (self.section("assessment"), "assessor") if kind == "assessor" else (self.main, kind)
        if not isinstance(parent.get(key), Mapping):
            parent[key] = CommentedMap()
        return parent[key]

    def items(self, kind: Kind, create: bool = False) -> Any:
        """The entries of `kind`; a missing list reads as empty and is added to the file only to `create` it."""
        from engine.workflow.answers import block_list

        parent = self.document(kind)
        if create:
            return block_list(parent, LIST_KEYS[kind])
        found = parent.get(LIST_KEYS[kind])
        return found if isinstance(found, CommentedSeq) else CommentedSeq()

    def csv_datasets(self) -> list[str]:
        """The dataset ids of datasets.csv (read-only here: its rows are edited as a spreadsheet)."""
        if not (self.folder / DATASETS_CSV).is_file():
            return []
        from engine import tabular

        with contextlib.suppress(InputError):  # validate reports a broken CSV with its cells
            return [p.dataset.id for p in tabular.parse(tabular.read_csv(self.folder / DATASETS_CSV))]
        return []

    def refs(self, datasets: Iterable[str] | None = None, activities: Iterable[str] | None = None) -> Refs:
        """Dataset ids (datasets.yaml, or those given, and datasets.csv) and activity ids, as they stand."""
        if datasets is None:
            datasets = [str(d.get("id")) for d in self.items("dataset") if isinstance(d, Mapping) and d.get("id")]
        if activities is None:
            activities = [str(a.get("id")) for a in self.items("activity") if isinstance(a, Mapping) and a.get("id")]
        return Refs(tuple(dict.fromkeys([*datasets, *self.csv_datasets()])), tuple(activities))

    def fill(self, ask: Ask, kind: Kind, item: Any, everything: bool) -> None:
        """Ask the entry's fields (only those missing or null unless `everything`), saving after each."""
        for spec in specs(kind, self.refs()):
            if not asked(spec, item):
                if spec.name in item:  # no longer applies (outside_china turned false…): the model refuses it
                    del item[spec.name]
                    self.save(kind)
                continue
            if spec.question.type in ("multi", "choice") and not spec.question.options:
                continue  # nothing to choose from yet (no datasets, no activities)
            value = current(spec, item)
            if value is not None and not everything:
                continue
            taken = [str(x.get("id")) for x in self.items(kind) if x is not item] if kind in LIST_KEYS else []
            new = ask_field(ask, spec, value, taken)
            if new != value or (new is not None and spec.name not in item):
                store(spec, item, new)
                self.save(kind)
                ask.console.print(f"  [green]✓[/green] [dim]{ask.say('q.saved', path=self.path(kind))}[/dim]")

    def path(self, kind: Kind) -> Path:
        return self.folder / (DATASETS_YAML if kind == "dataset" else PLAN_FILE if kind == "plan" else ASSESSMENT_FILE)

    def remove(self, kind: Kind, index: int) -> None:
        """Remove an entry and every reference to it (an activity's or transfer's datasets, a transfer's activity)."""
        gone = str(self.items(kind)[index].get("id"))
        del self.items(kind)[index]
        for other in ("activity", "transfer"):
            for item in self.items(other):
                if not isinstance(item, CommentedMap):
                    continue
                refs = item.get("datasets")
                if kind == "dataset" and isinstance(refs, list) and gone in refs:
                    refs.remove(gone)
                if kind == "activity" and item.get("activity") == gone:
                    del item["activity"]
        self.save(kind)
        if kind == "dataset":
            self.save("activity")


def _heading(ask: Ask, kind: Kind, item: Mapping[str, Any] | None = None) -> None:
    title = tr(f"qb.kind.{kind}", ask.lang)
    ask.console.rule(safe(f"{title}: {label_of(item, kind)}" if item and item.get("id") else title))


def _overview(ask: Ask, editor: Editor) -> None:
    for kind in ITEM_KINDS:
        items = [x for x in editor.items(kind) if isinstance(x, Mapping)]
        ask.console.print(f"[bold]{ask.say('qb.list.' + kind, n=len(items))}[/bold]")
        for item in items:
            ask.console.print(f"  • {safe(label_of(item, kind))}")


def _menu(ask: Ask, editor: Editor) -> bool:
    """One round of the menu; True when the user goes on to the questions."""
    ask.console.rule(ask.say("qb.menu"))
    _overview(ask, editor)
    for i, (action, kind) in enumerate(ACTIONS, start=1):
        what = tr(f"qb.kind.{kind}", ask.lang)
        ask.console.print(
            f"  {i}. {ask.say('qb.edit_org') if kind == 'organisation' else ask.say(f'qb.{action}', what=what)}"
        )
    ask.console.print(f"  [dim]{ask.say('qb.menu_keys')}[/dim]")
    raw = ask.line(f"→ {safe('[' + tr('qb.which', ask.lang) + ']')}", "", [str(i) for i in range(1, len(ACTIONS) + 1)])
    if not raw:
        return True
    action, kind = ACTIONS[int(raw) - 1]
    if action == "edit" and kind == "organisation":
        for part in ("assessment", "assessor", "organisation"):
            _heading(ask, part)
            editor.fill(ask, part, editor.section(part), everything=True)
        return False
    items = editor.items(kind, create=action == "add")
    if action == "add":
        from engine.workflow.answers import insert

        _heading(ask, kind)
        ident = next(s for s in specs(kind) if s.name == "id")
        item = CommentedMap(id=ask_field(ask, ident, None, [str(x.get("id")) for x in items]))
        insert(items, None, item)
        editor.save(kind)
        editor.fill(ask, kind, item, everything=False)
        return False
    if not items:
        ask.console.print(ask.say("qb.none"))
        return False
    index = ask.pick([label_of(x, kind) for x in items])
    if index is None:
        return False
    if action == "edit":
        _heading(ask, kind, items[index])
        editor.fill(ask, kind, items[index], everything=True)
    elif action == "rename":
        spec = next(s for s in specs(kind) if s.name == NAME_FIELD[kind])
        store(spec, items[index], ask_field(ask, spec, items[index].get(spec.name)))
        editor.save(kind)
    else:
        gone = label_of(items[index], kind)
        editor.remove(kind, index)
        ask.console.print(ask.say("qb.removed", what=gone))
    return False


def _fillable(problem: Problem) -> bool:
    """A problem the questionnaire itself settles: a required field of the assessment left out or null."""
    unfilled_texts = {both("pydantic.not_filled"), both("pydantic.missing")}
    top = problem.path.split(".")[0]
    return problem.message in unfilled_texts and top in ("assessment", "organisation", *LIST_KEYS.values())


def open_for_editing(folder: Path) -> tuple[Editor, LoadedAssessment | None]:
    """The folder's documents, and its inputs when they validate already (None while fields are unfilled).

    Anything wrong other than a field not yet filled in (a bad date, an unknown key) is an input
    error, as for `hegui validate`: neither the questionnaire nor the workbook overwrites what a person wrote."""
    try:
        loaded: LoadedAssessment | None = load_assessment(folder)
    except InputError as exc:
        if rest := [p for p in exc.problems if not _fillable(p)]:
            raise InputError(rest) from None
        loaded = None
    return Editor(folder), loaded


def build(folder: Path, ask: Ask) -> LoadedAssessment:
    """Fill in what the assessment still lacks, then the menu until it validates and the user goes on."""
    editor, _ = open_for_editing(folder)
    for kind in ("assessment", "assessor", "organisation"):
        if unfilled(kind, editor.section(kind)):
            _heading(ask, kind)
            editor.fill(ask, kind, editor.section(kind), everything=False)
    for kind in ITEM_KINDS:
        for item in editor.items(kind):
            if isinstance(item, Mapping) and unfilled(kind, item):
                _heading(ask, kind, item)
                editor.fill(ask, kind, item, everything=False)
    while True:
        if _menu(ask, editor):
            try:
                return load_assessment(folder)
            except InputError as exc:
                ask.console.print(f"[red]{ask.say('qb.not_valid')}[/red]")
                for problem in exc.problems:
                    ask.console.print(safe(problem), soft_wrap=True)


def _ask(slot: Slot, left: int, ask: Ask) -> Any:
    """Ask until the answer is valid; None when skipped."""
    q, lang, console = slot.question, ask.lang, ask.console
    left_text = tr("q.left", lang, n=left)
    console.print(f"\n[bold]{safe(q.text.get(lang))}[/bold]  [dim]({q.id} · {left_text})[/dim]")
    console.print(f"  {tr('q.help', lang)}: {safe(q.help.get(lang))}", markup=True)
    why = list(reasons(q.id, lang, slot.facts))
    if why:
        console.print(f"  {tr('q.why', lang)}:")
        for line in why:
            console.print(f"    • {safe(line)}")
    for i, opt in enumerate(q.options, start=1):
        console.print(f"  {i}. {safe(getattr(opt, lang))} [dim]({opt.value})[/dim]")
    while True:
        raw = ask.line(f"  → {safe('[' + tr('q.' + q.type, lang) + ']')}")
        text = raw if q.type == "text" else raw.strip()
        if not text.strip():
            return None
        value, error = coerce(q, text.strip())
        if error is None:
            return value
        console.print(f"  [red]{safe(tr('q.invalid', lang, why=error))}[/red]")


PATH_KINDS: dict[str, Kind] = {  # the first part of a dotted path in assessment.yaml
    "assessment": "assessment",
    "organisation": "organisation",
    "activities": "activity",
    "transfers": "transfer",
}


def ask_narrative(loaded: LoadedAssessment, ask: Ask) -> None:
    """The narrative texts the assessment's filings still lack (engine/narrative.py `missing`: none unless a
    transfer is decided as a security assessment or a standard contract), each with its zh/en help; Enter
    leaves one out (the documents mark it to be completed), and each text is saved as it is typed."""
    from engine.assess import assess
    from engine.narrative import documents, missing

    doc = assess(loaded)
    lacks = missing(loaded.assessment, doc)
    if not lacks:
        return
    editor = Editor(loaded.folder)
    ask.console.rule(ask.say("filingrest.q.heading"))
    ask.console.print(ask.say("filingrest.q.intro", documents=", ".join(documents(doc)), n=len(lacks)))
    heading = ""
    for m in lacks:
        place, _, name = m.path.rpartition(".")
        kind = PATH_KINDS[place.split(".")[0]]
        listed = kind in LIST_KEYS
        item = editor.items(kind)[int(place.split(".")[1])] if listed else editor.section(kind)
        if place != heading:
            _heading(ask, kind, item if listed else None)
            heading = place
        spec = next(s for s in specs(kind, narrative=True) if s.name == name)
        value = ask_field(ask, spec, None)
        if value is not None:
            store(spec, item, value)
            editor.save(kind)
            ask.console.print(f"  [green]✓[/green] [dim]{ask.say('q.saved', path=editor.path(kind))}[/dim]")


def _pending(loaded: LoadedAssessment, skipped: set[tuple[str, str, str]]) -> list[Slot]:
    return [s for s in slots(loaded) if s.value is None and s.shown is not False and s.key not in skipped]


def run(folder: Path, lang: str, console: Console) -> LoadedAssessment | None:
    """Build the assessment, then ask every pending question, saving after each answer.

    Returns the final inputs, or None when the user stopped before the assessment was complete."""
    ask = Ask(console, lang)
    console.print(f"[dim]{ask.say('q.keys')}[/dim]")
    try:
        loaded = build(folder, ask)
    except Stop:
        console.print(f"\n{tr('q.stopped', lang)}")
        return None
    path = loaded.folder / ASSESSMENT_FILE
    title = _label(loaded.assessment.assessment.title).get(lang)
    console.print(f"[bold]{safe(tr('q.title', lang, title=title))}[/bold]")
    skipped: set[tuple[str, str, str]] = set()
    heading = ""
    try:
        while pending := _pending(loaded, skipped):
            slot = pending[0]
            here = f"{tr('q.' + slot.scope, lang)}: {slot.label.get(lang)}"
            if here != heading:
                console.rule(safe(here))
                heading = here
            value = _ask(slot, len(pending), ask)
            if value is None:
                skipped.add(slot.key)
                continue
            write_answers(path, [slot.answer(value)])
            saved = safe(tr("q.saved", lang, path=path))
            console.print(f"  [green]✓ {safe(value_text(value, lang))}[/green] [dim]{saved}[/dim]")
            loaded = load_assessment(loaded.folder)
        ask_narrative(loaded, ask)
        loaded = load_assessment(loaded.folder)
        console.print(f"\n{tr('q.done', lang)}")
    except Stop:
        console.print(f"\n{tr('q.stopped', lang)}")
    return loaded


def print_unknown(loaded: LoadedAssessment, lang: str, console: Console) -> None:
    """What is still unknown: unanswered questions that apply, and obligations left open."""
    from engine.assess import assess

    open_questions = [s for s in slots(loaded) if s.value is None and s.shown is not False]
    unknown = [f for f in assess(loaded).findings if f.status == "unknown"]
    if not open_questions and not unknown:
        console.print(tr("q.none_unknown", lang))
        return
    if open_questions:
        console.print(f"[bold]{tr('q.unanswered', lang)}[/bold] ({len(open_questions)})")
        for s in open_questions:
            console.print(f"  {safe(s.label.get(lang))} · {s.question.id}: {safe(s.question.text.get(lang))}")
    if unknown:
        console.print(f"[bold]{tr('q.unknown_findings', lang)}[/bold] ({len(unknown)})")
        for f in unknown:
            console.print(f"  {safe(f.id)}: {safe(', '.join(f.trace.unknown))}")
