"""The benchmarks. Most are scripts run by path (`.venv/bin/python bench/<script>.py`); those that
use the tests' server harness are run as modules from the repository's root
(`.venv/bin/python -m bench.faults`, `-m bench.pg_redis`, `-m bench.cache_store`)."""
