"""Write a discovered inventory as datasets.yaml, with the evidence as comments for the reviewer.

PyYAML cannot write comments, so the layout is ours while every value goes through yaml.safe_dump.
The text is parsed back and validated with the Inventory model and the taxonomy before it is written
(atomically): what the user reviews is exactly what an assessment folder accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from engine.dataset import DataField, Dataset, Inventory
from engine.output import write_atomic
from engine.taxonomy import taxonomy
from engine.text import Text
from engine.yamlsafe import loads


@dataclass
class DraftField:
    data: DataField
    comments: list[Text] = field(default_factory=list)


@dataclass
class DraftDataset:
    dataset: Dataset
    fields: list[DraftField]
    comments: list[Text] = field(default_factory=list)


def unique_slug(name: str, taken: set[str]) -> str:
    """A dataset id (engine.assessment.Slug) from a table or collection name, unique among `taken`."""
    base = re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-_")[:60] or "dataset"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def _dump(mapping: dict[str, Any], flow: bool) -> str:
    """A mapping as YAML: block style, or one flow line."""
    return yaml.safe_dump(mapping, default_flow_style=flow, allow_unicode=True, sort_keys=False, width=2**31)


def _comment(text: Text, indent: str) -> list[str]:
    """One comment line per language (one when both read the same); newlines folded."""
    lines = dict.fromkeys(" ".join(s.split()) for s in (text.zh, text.en))
    return [f"{indent}# {line}" for line in lines]


def render(drafts: list[DraftDataset], header: list[Text]) -> str:
    lines: list[str] = []
    for t in header:
        lines += _comment(t, "")
    lines.append("datasets:" if drafts else "datasets: []")
    for d in drafts:
        for t in d.comments:
            lines += _comment(t, "  ")
        head = _dump(d.dataset.model_dump(exclude={"fields"}), flow=False).splitlines()
        lines += [f"{'  - ' if i == 0 else '    '}{line}" for i, line in enumerate(head)]
        lines.append("    fields:" if d.fields else "    fields: []")
        for f in d.fields:
            for t in f.comments:
                lines += _comment(t, "      ")
            lines.append(f"      - {_dump(f.data.model_dump(exclude_none=True), flow=True).strip()}")
    return "\n".join(lines) + "\n"


def check(text: str, file: str) -> Inventory:
    """Parse the rendered text back as hegui will read it; anything wrong here is a bug of ours."""
    inv = Inventory.model_validate(loads(text, file).data)
    tax = taxonomy()
    bad = [
        f.category for ds in inv.datasets for f in ds.fields if f.category and tax.resolve(f.category) is None
    ]
    if bad:
        raise ValueError(f"discovery produced unknown categories: {bad}")
    return inv


def write(drafts: list[DraftDataset], header: list[Text], out: Path) -> Inventory:
    text = render(drafts, header)
    inv = check(text, str(out))
    write_atomic(out, text)
    return inv
