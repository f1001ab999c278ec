"""Dataset discovery: import inventories (CSV, XLSX, Fides) and scan databases into datasets.yaml."""

from __future__ import annotations

from enum import StrEnum

DEFAULT_TIMEOUT = 30.0  # scan: seconds a statement may run or wait for a lock before its table is skipped


class SourceFormat(StrEnum):
    """Formats import-inventory reads; here so that the CLI can name them without importing readers."""

    auto = "auto"
    csv = "csv"
    xlsx = "xlsx"
    fides = "fides"
