"""Locate packaged data (rulebooks, templates) both in a source checkout and in an installed wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def data_dir(name: str) -> Path:
    """`rulebooks` or `templates`: the wheel ships them under engine/_data, a checkout at top level."""
    packaged = Path(__file__).resolve().parent / "_data" / name
    if packaged.is_dir():
        return packaged
    source = Path(__file__).resolve().parent.parent / name
    if source.is_dir():
        return source
    raise FileNotFoundError(f"hegui data folder {name!r} not found (looked in {packaged} and {source})")
