"""Fides (fideslang) dataset YAML → draft datasets, one per collection.

fideslang `data_categories` are mapped onto hegui taxonomy keys by the explicit table in
fides-map.yaml. A category the table does not know is reported with its position and the field is
kept without a category, so the reviewer sees it; nothing is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.dataset import DataField, Dataset
from engine.discovery.emit import DraftDataset, DraftField, unique_slug
from engine.errors import InputError, Problem
from engine.i18n import message
from engine.taxonomy import taxonomy
from engine.text import Text
from engine.validation import pydantic_problems
from engine.yamlsafe import Located, load


class FidesMap(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    map: dict[str, str]
    not_pi: list[str]

    def lookup(self, category: str) -> str | None:
        """hegui key; "" for system data (not PI); None when unmapped."""
        if category in self.not_pi:
            return ""
        return self.map.get(category)


@cache
def fides_map() -> FidesMap:
    m = FidesMap.model_validate(load(Path(__file__).with_name("fides-map.yaml")).data)
    unknown = sorted({v for v in m.map.values() if v not in taxonomy().categories})
    if unknown:
        raise ValueError(f"fides-map.yaml maps to unknown taxonomy keys: {', '.join(unknown)}")
    return m


class _Node(BaseModel):
    model_config = ConfigDict(extra="ignore")  # fideslang has many keys hegui does not use

    name: str = Field(min_length=1)
    data_categories: list[str] | None = None


class _Field(_Node):
    fields: list[_Field] | None = None


class _Collection(_Node):
    fields: list[_Field] = Field(default_factory=list)


class _Dataset(BaseModel):
    model_config = ConfigDict(extra="ignore")

    fides_key: str = Field(min_length=1)
    name: str | None = None
    data_categories: list[str] | None = None
    collections: list[_Collection] = Field(default_factory=list)


class _FidesFile(BaseModel):
    model_config = ConfigDict(extra="ignore")

    dataset: list[_Dataset] = Field(min_length=1)


@dataclass
class FidesImport:
    drafts: list[DraftDataset]
    unmapped: list[Problem]  # warnings, with the position of each unmapped category


def read_fides(path: Path, location: str) -> FidesImport:
    located = load(path)
    try:
        doc = _FidesFile.model_validate(located.data if isinstance(located.data, dict) else {})
    except ValidationError as exc:
        raise InputError(pydantic_problems(exc, located)) from None
    drafts: list[DraftDataset] = []
    unmapped: list[Problem] = []
    ids: set[str] = set()
    for i, ds in enumerate(doc.dataset):
        for j, coll in enumerate(ds.collections):
            base = f"dataset.{i}.collections.{j}"
            inherited = coll.data_categories or ds.data_categories or []
            fields: list[DraftField] = []
            for name, cats in _flatten(coll.fields, f"{base}.fields", "", inherited):
                fields += _map_field(name, cats, located, unmapped)
            dataset = Dataset(
                id=unique_slug(f"{ds.fides_key}-{coll.name}", ids),
                name=Text(
                    zh=f"{ds.name or ds.fides_key}：{coll.name}", en=f"{ds.name or ds.fides_key}: {coll.name}"
                ),
                system=ds.name or ds.fides_key,
                storage_location=location,
                records=0,
                individuals=0,
                fields=[f.data for f in fields],
            )
            comment = Text(
                zh=f"来自 Fides 数据集 {ds.fides_key} 的集合 {coll.name}；"
                "Fides 不含数量，records/individuals 请填写",
                en=f"Fides dataset {ds.fides_key}, collection {coll.name}; Fides has no counts: fill in "
                "records and individuals",
            )
            drafts.append(DraftDataset(dataset, fields, [comment]))
    return FidesImport(drafts, unmapped)


def _flatten(
    fields: list[_Field], path: str, prefix: str, inherited: list[str]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """(dotted field name, [(category, its YAML path)]) for every leaf field; categories inherit down."""
    out: list[tuple[str, list[tuple[str, str]]]] = []
    for k, f in enumerate(fields):
        where = f"{path}.{k}"
        own = [(c, f"{where}.data_categories.{n}") for n, c in enumerate(f.data_categories or [])]
        cats = own or [(c, where) for c in inherited]
        name = f"{prefix}{f.name}"
        if f.fields:
            out += _flatten(f.fields, f"{where}.fields", f"{name}.", [c for c, _ in cats])
        else:
            out.append((name, cats))
    return out


def _map_field(
    name: str, cats: list[tuple[str, str]], located: Located, unmapped: list[Problem]
) -> list[DraftField]:
    """One field per distinct hegui category (DataField has one); unmapped categories become comments."""
    table = fides_map()
    keys: dict[str, list[str]] = {}
    comments: list[Text] = []
    for cat, cat_path in cats:
        key = table.lookup(cat)
        if key is None:
            line, col = located.where(cat_path)
            msg = message("import.fides_unmapped", category=cat, field=name)
            unmapped.append(Problem(located.file, msg.both(), cat_path, line, col))
            comments.append(msg)
        elif key:
            keys.setdefault(key, []).append(cat)
    if not keys:
        return [DraftField(DataField(name=name, category=None, note=_note([c for c, _ in cats])), comments)]
    return [
        DraftField(DataField(name=name, category=k, note=_note(src)), comments) for k, src in keys.items()
    ]


def _note(cats: list[str]) -> str | None:
    return f"fides: {', '.join(cats)}" if cats else None
