"""`hegui import-inventory`: CSV, XLSX or Fides dataset YAML → draft datasets for datasets.yaml.

Categories in CSV/XLSX must be taxonomy keys (or their aliases, written back as the key); an unknown
one is an error at its cell with a suggestion from the name hints (`shouji` → `phone`). A field with
no category whose name a hint recognises gets a review comment, never a category.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.discovery import SourceFormat
from engine.discovery.emit import DraftDataset, DraftField
from engine.discovery.fides import read_fides
from engine.errors import InputError, Problem
from engine.hints import hints, unknown_category
from engine.i18n import both
from engine.tabular import Grid, parse, read_csv, read_xlsx
from engine.taxonomy import taxonomy
from engine.text import Text

_BY_SUFFIX = {".csv": SourceFormat.csv, ".xlsx": SourceFormat.xlsx, ".yaml": SourceFormat.fides,
              ".yml": SourceFormat.fides}  # fmt: skip


@dataclass
class Imported:
    drafts: list[DraftDataset]
    header: list[Text]
    warnings: list[Problem]


def import_inventory(source: Path, fmt: SourceFormat, sheet: str | None, location: str) -> Imported:
    if not source.is_file():
        raise InputError.one(str(source), both("file.missing"))
    if fmt is SourceFormat.auto:
        found = _BY_SUFFIX.get(source.suffix.lower())
        if found is None:
            raise InputError.one(str(source), both("import.format"))
        fmt = found
    header = [
        Text(
            zh=f"由 hegui import-inventory 从 {source.name} 生成；请核对后再用于评估。",
            en=f"Written by hegui import-inventory from {source.name}; review before use.",
        )
    ]
    if fmt is SourceFormat.fides:
        fides = read_fides(source, location)
        return Imported(fides.drafts, header, fides.unmapped)
    grid = read_csv(source) if fmt is SourceFormat.csv else read_xlsx(source, sheet)
    return Imported(_tabular_drafts(grid), header, [])


def _tabular_drafts(grid: Grid) -> list[DraftDataset]:
    """Categories written back as their canonical key; unnamed PI gets a review comment only."""
    tax = taxonomy()
    drafts: list[DraftDataset] = []
    for parsed in parse(grid, lambda cat: None if tax.resolve(cat) else unknown_category(cat)):
        fields: list[DraftField] = []
        for f in parsed.dataset.fields:
            comments: list[Text] = []
            if f.category:
                f = f.model_copy(update={"category": tax.resolve(f.category)})
            elif (hint := hints().match(f.name)) is not None and hint.category is not None:
                comments.append(Text(
                    zh=f"字段名提示可能为 {hint.category}（“{hint.word}”），请核对",
                    en=f'field name suggests {hint.category} ("{hint.word}"); please review'))
            fields.append(DraftField(f, comments))
        ds = parsed.dataset.model_copy(update={"fields": [f.data for f in fields]})
        drafts.append(DraftDataset(ds, fields))
    return drafts
