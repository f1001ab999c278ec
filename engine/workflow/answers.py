"""Write questionnaire answers back into assessment.yaml, changing nothing else in the file.

The user's file stays theirs: comments, key order, quoting and layout survive because only the text
of one answer value is replaced (or one line inserted). Positions come from PyYAML's node marks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from engine.errors import InputError
from engine.i18n import both
from engine.output import output_errors, write_atomic
from engine.questions import Scope

LISTS: dict[str, str] = {"activity": "activities", "transfer": "transfers"}


@dataclass(frozen=True)
class Answer:
    """One answer: question `qid` for the organisation, an activity or a transfer; None clears it."""

    scope: Scope
    subject: str  # "org" for the organisation, else the activity or transfer id
    qid: str
    value: Any


def scalar(value: Any) -> str:
    """One YAML value in flow form, as PyYAML writes it (quoted only when needed)."""
    if isinstance(value, date):
        return value.isoformat()
    # text with a Unicode space at either end (U+3000, U+00A0…) is quoted: a plain scalar would lose it
    style = "'" if isinstance(value, str) and value != value.strip() else None
    text = yaml.safe_dump(value, default_flow_style=True, default_style=style, allow_unicode=True, width=1 << 16)
    return str(text).removesuffix("\n").removesuffix("\n...")


def _item(mapping: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    return next(((k, v) for k, v in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def _last_end(node: yaml.Node) -> int:
    """Where the last scalar or flow collection inside `node` ends (block ends overshoot comments)."""
    while isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return int(node.end_mark.index)


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end < 0 else end


def _parent(root: yaml.Node | None, answer: Answer, file: str) -> yaml.MappingNode:
    if not isinstance(root, yaml.MappingNode):
        raise InputError.one(file, both("answer.not_mapping"))
    if answer.scope == "org":
        return root
    found = _item(root, LISTS[answer.scope])
    items = found[1].value if found and isinstance(found[1], yaml.SequenceNode) else []
    for item in items:
        ident = _item(item, "id") if isinstance(item, yaml.MappingNode) else None
        if ident and ident[1].value == answer.subject:
            return item  # type: ignore[no-any-return]
    raise InputError.one(file, both(f"input.no_{answer.scope}", id=answer.subject, hint=""), LISTS[answer.scope])


def set_answer(text: str, answer: Answer, file: str) -> str:
    """`text` with this one answer set; every other byte unchanged."""
    parent = _parent(yaml.compose(text, Loader=yaml.SafeLoader), answer, file)
    value = "null" if answer.value is None else scalar(answer.value)
    entry = _item(parent, "answers")
    if entry is None:
        if parent.flow_style:
            raise InputError.one(
                file,
                both("answer.flow_style"),
                "",
                parent.start_mark.line + 1,
                parent.start_mark.column + 1,
            )
        indent = " " * parent.value[0][0].start_mark.column
        at = _line_end(text, _last_end(parent))
        return f"{text[:at]}\n{indent}answers:\n{indent}  {answer.qid}: {value}{text[at:]}"
    answers = entry[1]
    if isinstance(answers, yaml.ScalarNode) or (isinstance(answers, yaml.MappingNode) and answers.flow_style):
        pairs = (
            []
            if isinstance(answers, yaml.ScalarNode)
            else [(k.value, text[v.start_mark.index : v.end_mark.index]) for k, v in answers.value]
        )
        pairs = [(k, v) for k, v in pairs if k != answer.qid] + [(answer.qid, value)]
        flow = "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
        return text[: answers.start_mark.index] + flow + text[answers.end_mark.index :]
    assert isinstance(answers, yaml.MappingNode)
    existing = _item(answers, answer.qid)
    if existing is not None:
        node = existing[1]
        start, end = node.start_mark.index, _last_end(node)
        return text[:start] + (value if end > start else f" {value}") + text[end:]
    indent = " " * answers.value[0][0].start_mark.column
    at = _line_end(text, _last_end(answers))
    return f"{text[:at]}\n{indent}{answer.qid}: {value}{text[at:]}"


def write_answers(path: Path, answers: Iterable[Answer]) -> None:
    """Apply `answers` to the file in order and write it once, atomically.

    The file stays what it was: a link is written through to its target (which must be inside the
    assessment folder), and the new file keeps the old one's mode and owner."""
    target = path.resolve()
    if not target.is_relative_to(path.parent.resolve()):
        raise InputError.one(str(path), both("out.link_outside", folder=path.parent))
    with output_errors(path):
        text = target.read_text(encoding="utf-8")
        for answer in answers:
            text = set_answer(text, answer, str(path))
        write_atomic(target, text, like=target.stat())
