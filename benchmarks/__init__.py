"""Benchmarks: `python -m benchmarks [name …]` (make bench). Each module has run() printing side-by-side measurements."""
