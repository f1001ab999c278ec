"""The per-user rulebook cache: the same findings with a cold cache, a warm one and none; a damaged or
stale entry is rebuilt, never trusted."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from engine import cache
from engine.rulebook import rulebooks
from tests.conftest import EXAMPLES


def _assess(out: Path, **env: str) -> bytes:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("HEGUI_")} | env
    args = ["assess", str(EXAMPLES / "shenzhen-ecommerce"), "--out", str(out), "--format", "json", "-q"]
    subprocess.run(
        [sys.executable, "-m", "engine.workflow", *args, "--fail-on", "none"],
        check=True,
        env=environ,
        capture_output=True,
    )
    return (out / "findings.json").read_bytes()


def test_cold_warm_and_no_cache_give_identical_findings(tmp_path: Path) -> None:
    folder = str(tmp_path / "cache")
    cold = _assess(tmp_path / "cold", HEGUI_CACHE_DIR=folder)
    entries = [tmp_path / "cache" / f"{name}.pickle" for name in ("rulebooks", "questions", "taxonomy", "rulesets")]
    written = [entry.stat().st_mtime_ns for entry in entries]
    warm = _assess(tmp_path / "warm", HEGUI_CACHE_DIR=folder)
    assert [entry.stat().st_mtime_ns for entry in entries] == written  # read, not rebuilt
    none = _assess(tmp_path / "none", HEGUI_NO_CACHE="1")
    assert cold == warm == none


@pytest.mark.parametrize("damage", ["truncated", "garbage", "stale-key", "other-object"])
def test_a_damaged_or_stale_entry_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    monkeypatch.setenv("HEGUI_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("HEGUI_NO_CACHE", raising=False)
    key = cache.packaged_key()
    entry = tmp_path / "rulebooks.pickle"
    if damage == "truncated":
        cache.write_cached("rulebooks", key, rulebooks())
        entry.write_bytes(entry.read_bytes()[:100])
    elif damage == "garbage":
        entry.write_bytes(b"\x00not a pickle")
    elif damage == "stale-key":
        entry.write_bytes(pickle.dumps(("0" * 64, "an old rulebook")))
    else:
        entry.write_bytes(f"{key}\n".encode() + pickle.dumps("not rulebooks"))
    rulebooks.cache_clear()
    try:
        books = rulebooks()
    finally:
        rulebooks.cache_clear()
    assert books.obligations and books.version.startswith("20")
    stored_key, stored = entry.read_bytes().split(b"\n", 1)
    assert stored_key == key.encode() and pickle.loads(stored).version == books.version  # rewritten whole


def test_no_cache_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEGUI_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("HEGUI_NO_CACHE", "1")
    cache.write_cached("rulebooks", "k", 1)
    assert cache.read_cached("rulebooks", "k") is None
    assert list(tmp_path.iterdir()) == []
