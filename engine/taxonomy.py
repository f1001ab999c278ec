"""The personal-information category taxonomy (rulebooks/taxonomy/pi-categories.yaml)."""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from engine.resources import data_dir
from engine.text import Text
from engine.yamlsafe import load


class Category(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, defer_build=True)

    zh: str
    en: str
    sensitive: bool = False
    tags: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    examples: Text | None = None
    note: Text | None = None


class Taxonomy(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, defer_build=True)

    version: int
    categories: dict[str, Category] = Field(min_length=1)

    def resolve(self, key: str) -> str | None:
        """Canonical key for a key or alias, None when unknown."""
        if key in self.categories:
            return key
        return next((k for k, c in self.categories.items() if key in c.aliases), None)

    def tags_of(self, keys: list[str]) -> list[str]:
        """Tags of the given categories, plus "sensitive" when any of them is sensitive PI."""
        tags: set[str] = set()
        for k in keys:
            cat = self.categories[k]
            tags.update(cat.tags)
            if cat.sensitive:
                tags.add("sensitive")
        return sorted(tags)

    def reading(self, id_numbers_sensitive: bool) -> Taxonomy:
        """The taxonomy as the assessment reads it: PIPL art. 28 does not name identity-document numbers
        as sensitive, the recommended standard GB/T 35273-2020 (Annex B) does; the second reading marks
        every `government_id` category sensitive."""
        if not id_numbers_sensitive:
            return self
        cats = {
            k: c.model_copy(update={"sensitive": True}) if "government_id" in c.tags else c
            for k, c in self.categories.items()
        }
        return self.model_copy(update={"categories": cats})

    def all_tags(self) -> tuple[str, ...]:
        return tuple(sorted({t for c in self.categories.values() for t in c.tags} | {"sensitive"}))


@cache
def taxonomy() -> Taxonomy:
    """The PI category taxonomy, cached per user with the rulebooks (engine/cache.py)."""
    from engine.cache import memo

    return memo("taxonomy", Taxonomy, _load_taxonomy)


def _load_taxonomy() -> Taxonomy:
    located = load(data_dir("rulebooks") / "taxonomy" / "pi-categories.yaml")
    return Taxonomy.model_validate(located.data)
