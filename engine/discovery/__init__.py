"""Dataset discovery: import inventories (CSV, XLSX, Fides) and scan databases into datasets.yaml."""

from __future__ import annotations

from enum import StrEnum


class SourceFormat(StrEnum):
    """Formats import-inventory reads; here so that the CLI can name them without importing readers."""

    auto = "auto"
    csv = "csv"
    xlsx = "xlsx"
    fides = "fides"
