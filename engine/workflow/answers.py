"""Write questionnaire answers and the assessment's own fields back into assessment.yaml and datasets.yaml.

The user's file stays theirs. An answer replaces only the text of one value (or inserts one line);
positions come from PyYAML's node marks. Fields, activities, datasets and transfers are edited on a
round-trip document (ruamel.yaml), which keeps comments, key order, quoting and flow/block style of
everything it does not change; a comment attached to an entry that is removed goes with it.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from engine.errors import InputError
from engine.i18n import both
from engine.output import output_errors, write_atomic
from engine.questions import Scope
from engine.yamlsafe import Dumper, parse, read_input

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
    text = yaml.dump(
        value, Dumper=Dumper, default_flow_style=True, default_style=style, allow_unicode=True, width=1 << 16
    )
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


def _target(path: Path) -> Path:
    """The file a rewrite goes to: a link is written through to its target, which must be inside the folder."""
    target = path.resolve()
    if not target.is_relative_to(path.parent.resolve()):
        raise InputError.one(str(path), both("out.link_outside", folder=path.parent))
    return target


def rewrite(path: Path, text: str) -> None:
    """Replace the file atomically; the new file keeps the old one's mode and owner."""
    target = _target(path)
    with output_errors(path):
        write_atomic(target, text, like=target.stat() if target.exists() else None)


def write_answers(path: Path, answers: Iterable[Answer]) -> None:
    """Apply `answers` to the file in order and write it once, atomically."""
    with output_errors(path):
        text = _target(path).read_text(encoding="utf-8")
    for answer in answers:
        text = set_answer(text, answer, str(path))
    rewrite(path, text)


# --------------------------------------------------------------------------- round-trip documents


def _round_trip() -> YAML:
    """ruamel.yaml set to the layout hegui init writes: `- ` two spaces in, nulls written as null."""
    rt = YAML(typ="rt")
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.width = 120
    rt.allow_unicode = True
    rt.preserve_quotes = True
    rt.representer.add_representer(type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null"))
    return rt


def read_document(path: Path, folder: Path) -> CommentedMap:
    """The file as an editable document; an empty or missing file is an empty one.

    The bytes pass hegui's own safe parser first (size, link and control-character checks, no aliases),
    so the round-trip parser only ever sees input hegui accepts."""
    if not path.exists():
        return CommentedMap()
    raw = read_input(path, folder=folder)
    located = parse(raw, str(path), defer_values=True)
    if located.data is None:
        return CommentedMap()
    if not isinstance(located.data, dict):
        raise located.error("", both("input.not_mapping"))
    doc = _round_trip().load(raw.decode("utf-8"))
    assert isinstance(doc, CommentedMap)
    return doc


def dump_document(doc: CommentedMap) -> str:
    buf = io.StringIO()
    _round_trip().dump(doc, buf)
    return buf.getvalue()


def write_document(path: Path, doc: CommentedMap) -> None:
    """Write the document atomically (see rewrite)."""
    rewrite(path, dump_document(doc))


def _last(node: Any) -> tuple[Any, Any] | None:
    """(collection, key) of the last scalar or flow value inside a block collection: ruamel.yaml keeps the
    comment lines that follow it (the help of whatever comes next in the file) on that key."""
    while isinstance(node, CommentedMap | CommentedSeq) and len(node):
        key = list(node)[-1] if isinstance(node, CommentedMap) else len(node) - 1
        inner = node[key]
        if not (isinstance(inner, CommentedMap | CommentedSeq) and len(inner) and not inner.fa.flow_style()):
            return node, key
        node = inner
    return None


def _slot(collection: Any) -> int:
    return 0 if isinstance(collection, CommentedSeq) else 2  # where ruamel.yaml keeps a trailing comment


def _take_trailing(node: Any) -> Any:
    """Detach the comment lines after `node`'s last value (an end-of-line comment stays on its line)."""
    found = _last(node)
    entry = found[0].ca.items.get(found[1]) if found else None
    token = entry[_slot(found[0])] if found and entry and len(entry) > _slot(found[0]) else None
    if token is None:
        return None
    if token.value.startswith("#"):
        eol, _, rest = token.value.partition("\n")
        if not rest.strip():
            return None
        moved = copy.copy(token)
        token.value, moved.value = eol + "\n", "\n" + rest
        return moved
    entry[_slot(found[0])] = None  # type: ignore[index]
    return token


def insert(parent: Any, key: Any, value: Any) -> None:
    """Add `key: value` at the end of a mapping (or `value` to a list when key is None) in front of the
    comment lines that followed the old end, so they stay above the key they describe."""
    token = _take_trailing(parent)
    if key is None:
        parent.append(value)
    else:
        parent[key] = value
    if token is not None and (found := _last(parent)) is not None:
        collection, at = found
        entry = collection.ca.items.setdefault(at, [None] * (2 if isinstance(collection, CommentedSeq) else 4))
        entry[_slot(collection)] = token


def block_list(parent: CommentedMap, key: str) -> CommentedSeq:
    """The list under `key`, created if missing; an empty `[]` becomes a block list so entries read one per line."""
    items = parent.get(key)
    if not isinstance(items, CommentedSeq):
        items = CommentedSeq()
        if key in parent:
            parent[key] = items
        else:
            insert(parent, key, items)
    if not items:
        items.fa.set_block_style()
    return items


def put(parent: CommentedMap, key: str, value: Any) -> None:
    """Set `key` (see insert for a new one)."""
    if key in parent:
        parent[key] = value
    else:
        insert(parent, key, value)


def yaml_value(value: Any) -> Any:
    """A value as it is written: short lists and mappings in flow style (`[customers, users]`), the rest as it is."""
    if isinstance(value, list | dict):
        flow = CommentedSeq(value) if isinstance(value, list) else CommentedMap(value)
        flow.fa.set_flow_style()
        return flow
    return value
