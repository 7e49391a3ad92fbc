"""The benchmarks. Most are scripts run by path (`.venv/bin/python bench/<script>.py`); the load
with faults is a package run from the repository's root: `.venv/bin/python -m bench.faults`."""
