"""Benchmarks: `python -m benchmarks [name …]` (make bench); each module's run() prints measurements side by side."""
