"""Run benchmarks: `python -m benchmarks` runs all, `python -m benchmarks engine report` some."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import benchmarks


def main(names: list[str]) -> None:
    available = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if not m.name.startswith("_"))
    chosen = names or available
    for name in chosen:
        if name not in available:
            sys.exit(f"unknown benchmark {name!r}; available: {', '.join(available)}")
        print(f"== {name}", flush=True)
        importlib.import_module(f"benchmarks.{name}").run()


if __name__ == "__main__":
    main(sys.argv[1:])
