"""Write a discovered inventory as datasets.yaml, with the evidence as comments for the reviewer.

PyYAML cannot write comments, so the layout is ours while every value goes through yaml.safe_dump.
Datasets are written one at a time as they come (a scan of thousands of tables never holds them
all), each parsed back and validated with the Inventory model and the taxonomy first: what the user
reviews is exactly what an assessment folder accepts. The file appears only when complete.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from engine.dataset import DataField, Dataset, Inventory
from engine.output import atomic_file
from engine.overwrite import YAML_MARK, output_errors
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


def _dataset_lines(d: DraftDataset) -> list[str]:
    lines: list[str] = []
    for t in d.comments:
        lines += _comment(t, "  ")
    head = _dump(d.dataset.model_dump(exclude={"fields"}), flow=False).splitlines()
    lines += [f"{'  - ' if i == 0 else '    '}{line}" for i, line in enumerate(head)]
    lines.append("    fields:" if d.fields else "    fields: []")
    for f in d.fields:
        for t in f.comments:
            lines += _comment(t, "      ")
        lines.append(f"      - {_dump(f.data.model_dump(exclude_none=True), flow=True).strip()}")
    return lines


def check(text: str, file: str) -> Inventory:
    """Parse rendered text back as hegui will read it; anything wrong here is a bug of ours."""
    inv = Inventory.model_validate(loads(text, file).data)
    tax = taxonomy()
    bad = [f.category for ds in inv.datasets for f in ds.fields if f.category and tax.resolve(f.category) is None]
    if bad:
        raise ValueError(f"discovery produced unknown categories: {bad}")
    return inv


@dataclass
class Written:
    """What went into the file, for the command's one-line report."""

    datasets: int = 0
    fields: int = 0
    with_pi: int = 0


class InventoryWriter:
    """Appends datasets (and notes, such as a table that could not be read) to an open datasets.yaml."""

    def __init__(self, fh: BinaryIO, file: str) -> None:
        self._fh, self._file = fh, file
        self.written = Written()
        self._lines([YAML_MARK])  # how hegui knows it may replace this file (engine/overwrite.py)

    def _lines(self, lines: list[str]) -> None:
        self._fh.write(("\n".join(lines) + "\n").encode("utf-8"))

    def note(self, text: Text) -> None:
        self._lines(_comment(text, "  " if self.written.datasets else ""))

    def add(self, draft: DraftDataset) -> None:
        lines = _dataset_lines(draft)
        check("\n".join(["datasets:", *lines]), self._file)
        self._lines(lines if self.written.datasets else ["datasets:", *lines])
        self.written.datasets += 1
        self.written.fields += len(draft.fields)
        self.written.with_pi += sum(1 for f in draft.fields if f.data.category)

    def close(self) -> None:
        if not self.written.datasets:
            self._lines(["datasets: []"])


@contextmanager
def inventory_writer(out: Path, header: list[Text]) -> Iterator[InventoryWriter]:
    """A writer for `out`, which appears (atomically) only if the block completes."""
    with output_errors(out), atomic_file(out) as fh:
        writer = InventoryWriter(fh, str(out))
        for t in header:
            writer.note(t)
        yield writer
        writer.close()


def write(drafts: Iterable[DraftDataset], header: list[Text], out: Path) -> Written:
    with inventory_writer(out, header) as writer:
        for draft in drafts:
            writer.add(draft)
    return writer.written
