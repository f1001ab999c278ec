"""A per-user cache of work that depends only on packaged files (the loaded, linted rulebooks, the question
bank, the taxonomy, the rulesets compiled from them), so a command does not re-parse thousands of
rulebook lines and recompile them in every process.

Entries are keyed by a content hash of every packaged data file plus the engine's own source, the engine
and the Python versions (a changed compiler must not read rulesets an older one planned); a stale,
truncated or unreadable entry is ignored and rebuilt; writes go to a temporary file renamed into place,
so concurrent writers never leave half an entry. The folder is the user's own (`$HEGUI_CACHE_DIR`, else
`$XDG_CACHE_HOME/hegui`, else `~/.cache/hegui`); `HEGUI_NO_CACHE=1` turns the cache off. Entries are
pickles: the cache folder must be as private as the user's home.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from engine import __version__
from engine.resources import data_dir

T = TypeVar("T")


def cache_dir() -> Path | None:
    if os.environ.get("HEGUI_NO_CACHE"):
        return None
    if explicit := os.environ.get("HEGUI_CACHE_DIR"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hegui"


def engine_sources() -> list[Path]:
    """The engine's own Python files: what it builds from the data files depends on them too (os.walk,
    not Path.rglob: every command computes the key, and rglob took 8 ms to list these 80 files)."""
    found = []
    for folder, subfolders, names in os.walk(Path(__file__).parent):
        subfolders[:] = [d for d in subfolders if d != "__pycache__"]
        found += [Path(folder, name) for name in names if name.endswith(".py")]
    return sorted(found)


def content_key(files: Iterable[Path]) -> str:
    """Hash of the files' paths and bytes, the engine's sources, the engine version and the Python version."""
    digest = hashlib.sha256(f"{__version__}|{sys.version}".encode())
    for path in [*files, *engine_sources()]:
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@cache
def packaged_key() -> str:
    """The content key of every packaged rulebook data file, which the cached entries are built from
    (once per process). All of rulebooks/, not a list kept by engine/rulebook.py: no import cycle, and a
    new data file can never be missed."""
    files = [Path(folder, name) for folder, _, names in os.walk(data_dir("rulebooks")) for name in names]
    return content_key(sorted(files))


def memo(name: str, kind: type[T], build: Callable[[], T]) -> T:
    """`build()` for the packaged files as they are, from the cache when an entry of the right `kind` was
    stored for the same content key, else built and stored."""
    key = packaged_key()
    cached = read_cached(name, key)
    if isinstance(cached, kind):
        return cached
    value = build()
    write_cached(name, key, value)
    return value


def read_cached(name: str, key: str) -> Any | None:
    """The cached object, or None when absent, stale or unreadable (never an error). An entry is its key
    on one line, then the pickle: a stale entry is known before anything is unpickled."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with (folder / f"{name}.pickle").open("rb") as fh:
            if fh.readline() != f"{key}\n".encode():
                return None
            return pickle.load(fh)
    except Exception:  # absent, truncated, from another version: rebuild
        return None


def write_cached(name: str, key: str, value: Any) -> None:
    """Store atomically; a cache that cannot be written is skipped silently (it only saves time)."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(f"{key}\n".encode())
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, folder / f"{name}.pickle")
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError:
        return
