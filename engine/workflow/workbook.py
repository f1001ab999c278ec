"""The assessment as an Excel workbook a client fills offline, and its import.

Sheets: the organisation (with the assessment's own details), activities, datasets, transfers (each
with its narrative texts for the filing documents, engine/narrative.py, after its fields), the
remediation plan of remediation.yaml (one row per entry, one column per field) and the questionnaire
(one row per question that applies and context). Values are in the user's language: yes/no as 是/否
or yes/no, options by their labels, with drop-downs (data validation lists kept on a hidden sheet)
where Excel has them; numbers and dates are typed cells. Import accepts labels in either language and
the codes too, reads every sheet through the same checks as the terminal questionnaire, then validates
the whole result as `hegui validate` would; every problem names its cell (`Sheet!D12`) and nothing is
written unless all is well.

Questionnaire rows are matched by scope, subject and question id (sorting or filtering is harmless);
entry rows by their id (plan rows by their action): a new id adds an entry, a missing one removes it.
A blank answer cell means unanswered; a formula is an error at its cell (hegui reads values, and a
formula written by another program has no value). Text that a spreadsheet would run (=, +, -, @, TAB,
CR or LF first) is exported behind a single quote and read back without it.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from ruamel.yaml.comments import CommentedMap

from engine.errors import InputError, Problem
from engine.i18n import both, tr, value_text
from engine.inputs import ASSESSMENT_FILE, DATASETS_CSV, DATASETS_YAML, load_assessment
from engine.questions import Question
from engine.remediation import PLAN_FILE
from engine.render.cells import append, put, restore
from engine.workflow.answers import Answer, dump_document, insert, rewrite, set_answer
from engine.workflow.questionnaire import (
    EMPTY_LIST,
    ITEM_KINDS,
    KEY_FIELD,
    LIST_KEYS,
    Editor,
    Kind,
    Refs,
    Slot,
    Spec,
    coerce,
    current,
    reasons,
    specs,
    store,
)
from engine.xlsxsafe import Book, open_xlsx

SHEET = "问卷 Questionnaire"
ORG_SHEET = "组织 Organisation"
ITEM_SHEETS: dict[Kind, str] = {
    "activity": "处理活动 Activities",
    "dataset": "数据集 Datasets",
    "transfer": "数据出境 Transfers",
    "plan": "整改计划 Remediation plan",  # remediation.yaml
}
ENTRY_KINDS: tuple[Kind, ...] = (*ITEM_KINDS, "plan")
LISTS = "lists"
META = "hegui"
FORMAT = "hegui-questionnaire/1"
ORG_KINDS: tuple[Kind, ...] = ("assessment", "assessor", "organisation")
ORG_COLUMNS = [("字段 Field", 30), ("项目", 40), ("Item", 40), ("值 Value", 30), ("可填值 Allowed", 50)]
ORG_VALUE_COL = 4  # D
COLUMNS = [  # header, width
    ("范围 Scope", 10),
    ("对象 Subject", 18),
    ("问题编号 Question id", 24),
    ("问题", 50),
    ("Question", 50),
    ("回答 Answer", 16),
    ("可填值 Allowed", 24),
    ("说明", 40),
    ("Help", 40),
    ("显示条件 Shown if", 36),
    ("法律依据 Why we ask", 60),
]
ANSWER_COL = 6  # F
ALLOWED = {"int": "整数 whole number", "text": "文字 text", "date": "日期 date YYYY-MM-DD"}
CONDITIONAL_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_CODE = re.compile(r"\(([a-z_]+)\)\s*$")  # an entry sheet's header cell ends with its field's code
WRAP = Alignment(wrap_text=True, vertical="top")


# --------------------------------------------------------------------------- cells


def cell_value(q: Question, value: Any, lang: str) -> Any:
    """How a value is shown in its cell: yes/no and option labels in `lang`, numbers and dates typed."""
    if value is None:
        return None
    if isinstance(value, Mapping):  # a {zh: …, en: …} label
        return " / ".join(str(v) for v in value.values())
    if q.type == "bool" and isinstance(value, bool):
        return value_text(value, lang)
    labels = {o.value: getattr(o, lang) for o in q.options}
    if q.type == "choice":
        return labels.get(str(value), str(value))
    if q.type == "multi":
        return "\n".join(labels.get(v, v) for v in value) if value else EMPTY_LIST
    if isinstance(value, list):  # a free-text list (joint_with)
        return ", ".join(str(v) for v in value)
    return value if q.type in ("int", "date") else str(value)


def _allowed(q: Question, lang: str) -> str:
    if q.type == "bool":
        return f"{value_text(True, lang)} / {value_text(False, lang)}"
    if q.type in ("choice", "multi"):
        joined = ("、" if lang == "zh" else "; ").join(getattr(o, lang) for o in q.options)
        return (
            f"{joined}（多选用、或逗号分隔 several: separate by commas; 无 none: [])" if q.type == "multi" else joined
        )
    bounds = f" [{q.min if q.min is not None else ''}..{q.max if q.max is not None else ''}]" if q.type == "int" else ""
    return ALLOWED[q.type] + bounds


class _Validations:
    """Drop-downs and number/date checks, one per distinct rule and sheet; list values on a hidden sheet."""

    def __init__(self, wb: Workbook, lang: str) -> None:
        self.lang = lang
        self.lists = wb.create_sheet(LISTS)
        self.lists.sheet_state = "hidden"
        self.ranges: dict[tuple[str, ...], str] = {}
        self.rules: dict[tuple[str, str], DataValidation] = {}

    def _range(self, labels: list[str]) -> str:
        key = tuple(labels)
        if key not in self.ranges:
            col = len(self.ranges) + 1
            for row, label in enumerate(labels, start=1):
                put(self.lists, row, col, label)
            letter = get_column_letter(col)
            self.ranges[key] = f"{LISTS}!${letter}$1:${letter}${len(labels)}"
        return self.ranges[key]

    def add(self, ws: Any, coordinate: str, q: Question) -> None:
        error = dict(showErrorMessage=True, errorTitle="hegui", error=_allowed(q, self.lang)[:255])
        if q.type == "bool":
            args = dict(type="list", formula1=self._range([value_text(True, self.lang), value_text(False, self.lang)]))
        elif q.type == "choice" and q.options:
            args = dict(type="list", formula1=self._range([getattr(o, self.lang) for o in q.options]))
        elif q.type == "int":
            lo, hi = q.min if q.min is not None else -(2**31), q.max if q.max is not None else 2**31 - 1
            args = dict(type="whole", operator="between", formula1=str(lo), formula2=str(min(hi, 2**31 - 1)))
        elif q.type == "date":
            args = dict(type="date", operator="greaterThan", formula1="1")
        else:
            return
        key = (ws.title, repr(sorted(args.items())))
        if key not in self.rules:
            self.rules[key] = DataValidation(allow_blank=True, **args, **error)
            ws.add_data_validation(self.rules[key])
        self.rules[key].add(coordinate)


def _header(ws: Any, columns: list[tuple[str, int]]) -> None:
    for i, (title, width) in enumerate(columns, start=1):
        cell = put(ws, 1, i, title)
        cell.font = Font(bold=True)
        cell.alignment = WRAP
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"


def _typed(ws: Any, row: int, col: int, q: Question, value: Any, lang: str, checks: _Validations) -> None:
    cell = put(ws, row, col, cell_value(q, value, lang))
    cell.alignment = WRAP
    if q.type == "date":
        cell.number_format = "yyyy-mm-dd"
    checks.add(ws, cell.coordinate, q)


# --------------------------------------------------------------------------- export


def _org_sheet(wb: Workbook, editor: Editor, lang: str, checks: _Validations) -> None:
    ws = wb.create_sheet(ORG_SHEET)
    _header(ws, ORG_COLUMNS)
    row = 1
    for kind in ORG_KINDS:
        section = editor.section(kind)
        for spec in specs(kind, editor.refs(), narrative=True):
            row += 1
            q = spec.question
            mark = " *" if spec.required else ""
            for col, value in enumerate([f"{kind}.{spec.name}", q.text.zh + mark, q.text.en + mark], start=1):
                put(ws, row, col, value).alignment = WRAP
            _typed(ws, row, ORG_VALUE_COL, q, current(spec, section), lang, checks)
            put(ws, row, ORG_VALUE_COL + 1, _allowed(q, lang)).alignment = WRAP


def _item_sheet(wb: Workbook, editor: Editor, kind: Kind, lang: str, checks: _Validations) -> None:
    ws = wb.create_sheet(ITEM_SHEETS[kind])
    fields = specs(kind, editor.refs(), narrative=True)
    _header(ws, [(f"{s.question.text.zh}\n{s.question.text.en}\n({s.name})", 24) for s in fields])
    items = [x for x in editor.items(kind) if isinstance(x, Mapping)]
    for row in range(2, max(len(items), 0) + 2 + 20):  # 20 empty rows to add entries, with their drop-downs
        item = items[row - 2] if row - 2 < len(items) else {}
        for col, spec in enumerate(fields, start=1):
            _typed(ws, row, col, spec.question, current(spec, item), lang, checks)


def _shown(slot: Slot) -> str:
    q = slot.question
    if not q.show_if:
        return ""
    return f"{q.show_if}\n→ {value_text(slot.shown, 'zh')} / {value_text(slot.shown, 'en')}"


def _questions_sheet(ws: Any, slots: list[Slot], lang: str, checks: _Validations) -> None:
    ws.title = SHEET
    _header(ws, COLUMNS)
    for row, slot in enumerate([s for s in slots if s.shown is not False], start=2):
        q = slot.question
        why = [*reasons(q.id, "zh", slot.facts), *reasons(q.id, "en", slot.facts)]
        values = [slot.scope, slot.subject, q.id, q.text.zh, q.text.en, None, _allowed(q, lang), q.help.zh, q.help.en]
        for col, value in enumerate([*values, _shown(slot), "\n".join(why)], start=1):
            put(ws, row, col, value).alignment = WRAP
        _typed(ws, row, ANSWER_COL, q, slot.value, lang, checks)
        if q.show_if:
            for col in range(1, len(COLUMNS) + 1):
                ws.cell(row, col).fill = CONDITIONAL_FILL
    if ws.max_row == 1:  # nothing to ask until the entries are filled in
        put(ws, 2, 4, tr("qb.xl_no_questions", "zh")).alignment = WRAP
        put(ws, 2, 5, tr("qb.xl_no_questions", "en")).alignment = WRAP
    ws.freeze_panes = "D2"
    ws.auto_filter.ref = ws.dimensions


def export_workbook(
    slots: list[Slot], assessment_id: str | None, lang: str = "zh", editor: Editor | None = None
) -> bytes:
    """The workbook's bytes: the questions that apply (answers filled in), and with `editor` the
    organisation, activities, datasets and transfers as they stand (fields not yet filled in left blank)."""
    wb = Workbook()
    checks = _Validations(wb, lang)
    _questions_sheet(wb.active, slots, lang, checks)
    if editor is not None:
        _org_sheet(wb, editor, lang, checks)
        for kind in ENTRY_KINDS:
            _item_sheet(wb, editor, kind, lang, checks)
    meta = wb.create_sheet(META)
    append(meta, ["format", FORMAT])
    append(meta, ["assessment", assessment_id])
    meta.sheet_state = "hidden"
    wb.move_sheet(LISTS, offset=len(wb.sheetnames))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- import


@dataclass
class Imported:
    """What a filled workbook says: answers, and the entries' fields applied to the editor's documents."""

    answers: list[Answer] = field(default_factory=list)
    fields: int = 0  # field values that changed
    kinds: set[Kind] = field(default_factory=set)  # …and of which kinds (so only their documents are rewritten)
    cells: dict[str, str] = field(default_factory=dict)  # "activities.0.purpose" → "处理活动 Activities!C2"


def _read(spec: Spec, raw: Any, now: Any, lang: str) -> tuple[Any, str | None]:
    """(value, why it is wrong) of one cell; a cell showing the current value as exported keeps it as it is."""
    raw = restore(raw)
    if raw is not None and raw == cell_value(spec.question, now, lang):
        return now, None
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, both("pydantic.not_filled") if spec.required else None
    value, why = spec.parse(raw)
    return (None, why.both()) if why is not None else (value, None)


def _apply(imported: Imported, spec: Spec, item: Any, value: Any) -> None:
    if value != current(spec, item):
        store(spec, item, value)
        _changed(imported, spec.kind)


def _changed(imported: Imported, kind: Kind) -> None:
    imported.fields += 1
    imported.kinds.add(kind)


def _read_org(book: Book, editor: Editor, lang: str, imported: Imported, problems: list[Problem]) -> None:
    ws = book.sheet(ORG_SHEET)
    by_key = {f"{kind}.{s.name}": s for kind in ORG_KINDS for s in specs(kind, editor.refs(), narrative=True)}
    for row, values in book.rows(ws, problems):
        key = str(values[0]) if values and values[0] is not None else None
        if row == 1 or key is None:
            continue
        spec = by_key.get(key)
        if spec is None:
            problems.append(book.at(ws, row, 1, both("qb.xl_unknown_field", key=key)))
            continue
        section = editor.section(spec.kind)
        raw = values[ORG_VALUE_COL - 1] if len(values) >= ORG_VALUE_COL else None
        value, why = _read(spec, raw, current(spec, section), lang)
        if why is not None:
            problems.append(book.at(ws, row, ORG_VALUE_COL, why))
        else:
            _apply(imported, spec, section, value)
        where = "assessment.assessor" if spec.kind == "assessor" else spec.kind
        imported.cells[f"{where}.{spec.name}"] = f"{ws.title}!{get_column_letter(ORG_VALUE_COL)}{row}"


def _sheet_rows(
    book: Book, kind: Kind, problems: list[Problem]
) -> tuple[Any, list[str | None], list[tuple[int, list[Any]]]]:
    """(sheet, field code per column, data rows that are not empty)."""
    ws = book.sheet(ITEM_SHEETS[kind])
    codes: list[str | None] = []
    rows = []
    for row, values in book.rows(ws, problems):
        if row == 1:
            codes = [(m.group(1) if (m := HEADER_CODE.search(str(v or ""))) else None) for v in values]
        elif any(v is not None and str(v).strip() for v in values):
            rows.append((row, [restore(v) for v in values]))
    return ws, codes, rows


def _refs(book: Book, editor: Editor, problems: list[Problem]) -> Refs:
    """The dataset and activity ids the workbook defines (what references in it may name)."""
    found: dict[Kind, list[str] | None] = {}
    for kind in ("dataset", "activity"):
        found[kind] = None
        if ITEM_SHEETS[kind] in book.sheetnames:
            _, codes, rows = _sheet_rows(book, kind, problems)
            at = codes.index("id") if "id" in codes else None
            found[kind] = [str(r[at]) for _, r in rows if at is not None and at < len(r) and r[at] is not None]
    return editor.refs(found["dataset"], found["activity"])


def _read_items(
    book: Book, editor: Editor, kind: Kind, refs: Refs, lang: str, imported: Imported, problems: list[Problem]
) -> None:
    """One sheet of entries: rows matched to entries by id (a plan's by its action); new ids added, entries
    without a row removed."""
    ws, codes, rows = _sheet_rows(book, kind, problems)
    by_code = {s.name: s for s in specs(kind, refs, narrative=True)}
    name = KEY_FIELD.get(kind, "id")
    for col, code in enumerate(codes, start=1):
        if code is not None and code not in by_code:
            problems.append(book.at(ws, 1, col, both("qb.xl_unknown_field", key=code)))
    if name not in codes:
        problems.append(book.at(ws, 1, 1, both("qb.xl_no_id") if name == "id" else both("qb.xl_no_key", key=name)))
        return
    items = editor.items(kind, create=bool(rows))
    existing = {str(x.get(name)): x for x in items if isinstance(x, Mapping) and x.get(name) is not None}
    unnamed = [x for x in items if isinstance(x, Mapping) and x.get(name) is None]  # the scaffold's entry
    kept: dict[str, tuple[Any, int]] = {}
    for row, values in rows:
        cells = values + [None] * (len(codes) - len(values))
        ident = cells[codes.index(name)]
        key = str(ident).strip() if ident is not None else ""
        if key and key in kept:
            twice = (
                both("input.duplicate_id", id=key) if name == "id" else both("qb.xl_twice", key=key, row=kept[key][1])
            )
            problems.append(book.at(ws, row, codes.index(name) + 1, twice))
            continue
        item = existing.get(key) or (unnamed.pop(0) if unnamed else CommentedMap())
        for col, code in enumerate(codes, start=1):
            spec = by_code.get(code or "")
            if spec is None:
                continue
            place = f"{ws.title}!{get_column_letter(col)}{row}"
            value, why = _read(spec, cells[col - 1], current(spec, item), lang)
            if why is not None:
                problems.append(book.at(ws, row, col, why))
            else:
                _apply(imported, spec, item, value)
            imported.cells[f"#{id(item)}.{'fields' if code == 'categories' else code}"] = place
        kept[key or f"#row{row}"] = (item, row)
    for index in reversed(range(len(items))):
        if isinstance(items[index], Mapping) and not any(item is items[index] for item, _ in kept.values()):
            del items[index]
            _changed(imported, kind)
    for item, _ in kept.values():
        if not any(item is x for x in items):
            insert(items, None, item)
            _changed(imported, kind)
    for index, item in enumerate(items):  # the cells by the entry's place in the file, as validate names it
        prefix = f"#{id(item)}."
        for path in [p for p in imported.cells if p.startswith(prefix)]:
            imported.cells[f"{LIST_KEYS[kind]}.{index}.{path.removeprefix(prefix)}"] = imported.cells.pop(path)


def _read_answers(book: Book, slots: list[Slot], imported: Imported, problems: list[Problem]) -> None:
    ws = book.sheet(SHEET)
    known = {s.key: s for s in slots}
    seen: dict[tuple[str, str, str], int] = {}
    for row, values in book.rows(ws, problems):
        if row == 1:
            continue
        cells = [restore(v) for v in values + [None] * (ANSWER_COL - len(values))]
        scope, subject, qid, raw = cells[0], cells[1], cells[2], cells[ANSWER_COL - 1]
        if scope is None and subject is None and qid is None:
            continue
        key = (str(scope), str(subject), str(qid))
        slot = known.get(key)
        if slot is None:
            problems.append(book.at(ws, row, 3, both("q.no_question", key="/".join(key))))
            continue
        if key in seen:
            problems.append(book.at(ws, row, 3, both("q.duplicate_row", row=seen[key])))
            continue
        seen[key] = row
        imported.cells[f"answer:{'/'.join(key)}"] = f"{ws.title}!{get_column_letter(ANSWER_COL)}{row}"
        if raw is None:
            imported.answers.append(slot.answer(None))
            continue
        value, error = coerce(slot.question, raw)
        if error is not None:
            problems.append(book.at(ws, row, ANSWER_COL, error.both()))
        else:
            imported.answers.append(slot.answer(value))


def read_workbook(
    source: Path | bytes,
    file: str,
    slots: list[Slot],
    assessment_id: str | None,
    lang: str = "zh",
    editor: Editor | None = None,
) -> Imported:
    """Answers from a filled workbook and, with `editor`, its entry sheets applied to the editor's documents
    (in memory); InputError naming every bad cell.

    Opened by the one guarded opener (engine/xlsxsafe.py: size, unpacked size, rows, columns,
    entities). A formula is never a value: it is a problem at its cell, like any other bad value. A
    sheet left out of the workbook changes nothing."""
    imported = Imported()
    with open_xlsx(source, file) as book:
        if SHEET not in book.sheetnames or META not in book.sheetnames:
            raise InputError.one(file, both("q.bad_workbook", sheet=SHEET))
        problems: list[Problem] = []
        meta = {str(r[0]): r[1] for _, r in book.rows(book.sheet(META), problems) if len(r) > 1 and r[0]}
        if problems:
            raise InputError(problems)
        if meta.get("assessment") != assessment_id:
            raise InputError.one(
                file, both("q.other_assessment", found=meta.get("assessment"), expected=assessment_id), f"{META}!B2"
            )
        if editor is not None:
            if ORG_SHEET in book.sheetnames:
                _read_org(book, editor, lang, imported, problems)
            refs = _refs(book, editor, problems)
            for kind in ENTRY_KINDS:
                if ITEM_SHEETS[kind] in book.sheetnames:
                    _read_items(book, editor, kind, refs, lang, imported, problems)
        _read_answers(book, slots, imported, problems)
    if problems:
        raise InputError(problems)
    return imported


def changed(answers: list[Answer], slots: list[Slot]) -> list[Answer]:
    """Only answers that differ from the file (so an unchanged workbook rewrites nothing)."""
    current_values = {s.key: s.value for s in slots}
    return [
        a
        for a in answers
        if current_values.get((a.scope, a.subject, a.qid)) != a.value
        or type(current_values.get((a.scope, a.subject, a.qid))) is not type(a.value)
    ]


def _cell_of(problem: Problem, imported: Imported, file: str) -> Problem:
    """A problem `hegui validate` found in the imported result, placed at the cell it came from."""
    parts = problem.path.split(".")
    answer = next((i for i, p in enumerate(parts) if p == "answers"), None)
    if answer is not None and answer + 1 < len(parts):
        return Problem(file, problem.message, problem.path)
    for end in range(len(parts), 0, -1):
        place = imported.cells.get(".".join(parts[:end]))
        if place is not None:
            return Problem(file, problem.message, place)
    return Problem(file, problem.message, problem.path)


def apply_import(folder: Path, editor: Editor, imported: Imported, answers: list[Answer], file: str) -> None:
    """Validate the imported assessment as `hegui validate` does (in a scratch copy), then write it.

    Problems are placed at their cells where the workbook holds the value; nothing is written unless
    the whole result is valid. Only answers changed: the file's other bytes stay as they were; a
    document none of whose entries changed is not rewritten."""
    from engine.assess import assess

    if not imported.fields and not answers:
        return
    facts = bool(imported.kinds - {"plan"})
    main = dump_document(editor.main) if facts else (folder / ASSESSMENT_FILE).read_text(encoding="utf-8")
    for answer in answers:
        main = set_answer(main, answer, file)
    inventory = dump_document(editor.inventory) if facts else None
    plan = dump_document(editor.plan) if "plan" in imported.kinds else None
    with tempfile.TemporaryDirectory(prefix="hegui-import-") as scratch:
        trial = Path(scratch)
        (trial / ASSESSMENT_FILE).write_text(main, encoding="utf-8")
        if inventory is not None and (editor.inventory or (folder / DATASETS_YAML).exists()):
            (trial / DATASETS_YAML).write_text(inventory, encoding="utf-8")
        elif (folder / DATASETS_YAML).exists():
            shutil.copyfile(folder / DATASETS_YAML, trial / DATASETS_YAML)
        if plan is not None:
            (trial / PLAN_FILE).write_text(plan, encoding="utf-8")
        for name in (DATASETS_CSV, *([] if plan is not None else [PLAN_FILE])):
            if (folder / name).is_file():
                shutil.copyfile(folder / name, trial / name)
        try:
            loaded = load_assessment(trial)
            if plan is not None:  # a plan's actions are checked against the findings they name
                assess(loaded)
        except InputError as exc:
            raise InputError([_cell_of(p, imported, file) for p in exc.problems]) from None
    rewrite(folder / ASSESSMENT_FILE, main)
    if inventory is not None and (editor.inventory or (folder / DATASETS_YAML).exists()):
        rewrite(folder / DATASETS_YAML, inventory)
    if plan is not None:
        rewrite(folder / PLAN_FILE, plan)
