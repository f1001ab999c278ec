"""Dataset discovery: import inventories (CSV, XLSX, Fides) and scan databases into datasets.yaml."""

from __future__ import annotations

from enum import StrEnum

from engine.text import Text


def say(text: Text) -> str:
    """A problem message in both languages, English first like every other hegui input problem."""
    return text.en if text.en == text.zh else f"{text.en} / {text.zh}"


class SourceFormat(StrEnum):
    """Formats import-inventory reads; here so that the CLI can name them without importing readers."""

    auto = "auto"
    csv = "csv"
    xlsx = "xlsx"
    fides = "fides"
