"""The streaming inventory writer: datasets written one at a time, notes as comments, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.dataset import DataField, Dataset, Inventory
from engine.discovery.emit import DraftDataset, DraftField, inventory_writer
from engine.text import Text
from engine.yamlsafe import load


def read(out: Path) -> Inventory:
    """As an assessment folder reads datasets.yaml (safe YAML, strict model)."""
    return Inventory.model_validate(load(out).data)


def draft(slug: str, category: str | None) -> DraftDataset:
    field = DraftField(DataField(name="c1", category=category), [Text(zh="说明", en="note")])
    dataset = Dataset(
        id=slug, name=Text(zh=f"表 {slug}", en=f"Table {slug}"), system="sqlite shop", storage_location="CN",
        records=3, individuals=3, fields=[field.data],
    )  # fmt: skip
    return DraftDataset(dataset, [field], [Text(zh="表说明", en="table note")])


def test_datasets_and_notes_interleave_and_read_back(tmp_path: Path) -> None:
    out = tmp_path / "datasets.yaml"
    with inventory_writer(out, [Text(zh="草稿", en="Draft")]) as writer:
        writer.add(draft("orders", "phone"))
        writer.note(Text(zh="跳过 t2：无法读取", en="skipped t2: cannot read"))
        writer.add(draft("users", None))
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# hegui:generated\n# 草稿\n# Draft\ndatasets:\n")
    assert "  # 跳过 t2：无法读取\n  # skipped t2: cannot read\n" in text
    inv = read(out)
    assert [d.id for d in inv.datasets] == ["orders", "users"]
    assert (writer.written.datasets, writer.written.fields, writer.written.with_pi) == (2, 2, 1)


def test_no_dataset_is_an_empty_list(tmp_path: Path) -> None:
    out = tmp_path / "datasets.yaml"
    with inventory_writer(out, [Text(zh="草稿", en="Draft")]) as writer:
        writer.note(Text(zh="跳过 t1", en="skipped t1"))
    assert read(out).datasets == []


def test_an_error_midway_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "datasets.yaml"
    with pytest.raises(RuntimeError), inventory_writer(out, []) as writer:
        writer.add(draft("orders", "phone"))
        raise RuntimeError("the database went away")
    assert list(tmp_path.iterdir()) == []
