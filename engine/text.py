"""Bilingual text: every user-visible string exists in Simplified Chinese and English."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Lang = Literal["zh", "en"]


class Text(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def both(self) -> str:
        return self.zh if self.zh == self.en else f"{self.zh} / {self.en}"


class TextList(BaseModel):
    """A bilingual list (remediation steps, evidence): the two languages keep the same length."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    zh: list[str]
    en: list[str]

    def get(self, lang: str) -> list[str]:
        return self.en if lang == "en" else self.zh
