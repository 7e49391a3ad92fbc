"""Run a bench command against PostgreSQL and Redis instead of SQLite and the file cache.

    .venv/bin/python -m bench.pg_redis bench/serve.sh bench/load.sh   # from the repository's root

Starts a throwaway PostgreSQL 15 cluster and a Redis server on loopback (the same harness the
multi-server tests use, tests/servers.py), runs the command with BENCH_DATABASE_URL and
BENCH_REDIS_URL set (bench/serve.sh passes them on as DATABASE_URL and REDIS_URL), then stops
and removes both.
"""

import os
import subprocess
import sys

from tests.servers import postgres, redis


def main(command: list[str]) -> int:
    if not command:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with postgres() as database, redis() as cache:
        env = os.environ | {"BENCH_DATABASE_URL": database.database_url, "BENCH_REDIS_URL": cache.url}
        print(f"pg_redis.py: PostgreSQL at {database.database_url}, Redis at {cache.url}", file=sys.stderr)
        return subprocess.run(command, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
