"""Dataset inventory models (datasets.yaml and/or datasets.csv)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.assessment import Count, Label, Slug

Grade = Literal["general", "important", "core"]


class DataField(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    name: str = Field(min_length=1)
    category: str | None = Field(None, description="PI category key; none for fields without PI")
    note: str | None = None


class Dataset(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    id: Slug
    name: Label
    system: str = Field(min_length=1)
    storage_location: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2; CN = mainland China")
    records: Count
    individuals: Count
    grade: Grade = "general"
    fields: list[DataField] = Field(default_factory=list)

    def categories(self) -> list[str]:
        return sorted({f.category for f in self.fields if f.category})


class Inventory(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    datasets: list[Dataset] = Field(default_factory=list)
