"""The servers of a run, from tests/servers.py: the database (a SQLite file, or a database in a
PostgreSQL cluster of the run's own or shared by a --quick), Redis, the site prepared as a
deployment prepares it, and gunicorn; loopback only."""

from __future__ import annotations

import contextlib
import ipaddress
import shutil
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench.faults.schedule import GOODWILL_LIMIT_PER_EMAIL, THREADS, WORKERS, Run
from tests.servers import AppServer, app_server, postgres, prepare_site, redis, site_env


@dataclass
class Database:
    """Where a run's site keeps its data: a PostgreSQL database (url) or a SQLite file."""

    pg: object = None  # the PostgreSQL cluster
    url: str | None = None
    sqlite_path: Path | None = None
    name: str = ""  # in a shared cluster
    copied: bool = False  # a copy of a prepared site's database: not prepared again


@dataclass
class Shared:
    """What the runs of one --quick share, to start sooner: one PostgreSQL cluster (each run on
    a database of its own, the later ones copies of the first one prepared: CREATE DATABASE
    ... TEMPLATE) and the collected static files."""

    stack: contextlib.ExitStack
    directory: Path
    pg: object = None
    template: str = ""
    databases: int = 0

    def new_database(self) -> Database:
        """A database of its own in the shared cluster (started by the first): a copy of the
        prepared template once there is one, else empty."""
        if self.pg is None:
            self.pg = self.stack.enter_context(postgres())
        self.databases += 1
        name = f"micra_run{self.databases}"
        copied = bool(self.template)
        self.pg.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {self.template}" if copied else ""))
        url = self.pg.database_url.rsplit("/", 1)[0] + "/" + name
        return Database(pg=self.pg, url=url, name=name, copied=copied)

    def keep_as_template(self, database: Database) -> None:
        """The database just prepared, copied before any load: the later runs start from it."""
        self.template = "micra_prepared"
        self.pg.execute(f"CREATE DATABASE {self.template} TEMPLATE {database.name}")


@dataclass
class Site:
    """One run's servers: gunicorn, its database, Redis (or None)."""

    server: AppServer
    database: Database
    cache: object = None

    @property
    def pg(self):
        return self.database.pg


def require_loopback(url: str, what: str) -> None:
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError as error:
        raise SystemExit(f"bench.faults: refusing {what} {url}: {error}") from None
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        raise SystemExit(f"bench.faults: refusing {what} {url}: only loopback servers are load-tested")


def open_database(run: Run, shared: Shared | None, stack: contextlib.ExitStack, tmp: Path) -> Database:
    if run.database == "sqlite":
        return Database(sqlite_path=tmp / "db.sqlite3")
    if shared is not None:
        return shared.new_database()
    pg = stack.enter_context(postgres())
    return Database(pg=pg, url=pg.database_url)


def site_environment(run: Run, shared: Shared | None, tmp: Path, database: Database, cache) -> dict:
    """The site's environment: its database and cache (loopback only), the rate limits the load
    needs, and for the lock fault a busy timeout of 1 s."""
    env = site_env(tmp, database_url=database.url, sqlite_path=database.sqlite_path, redis_url=cache.url if cache else None)
    if shared is not None:
        env["STATIC_ROOT"] = str(shared.directory / "static")
    for variable in ("DATABASE_URL", "REDIS_URL"):
        if env.get(variable):
            require_loopback(env[variable], variable)
    env |= {
        # The load's emails are all different: only the site, not the limiter, refuses them.
        "GOODWILL_RATE_LIMIT": str(GOODWILL_LIMIT_PER_EMAIL),
        "GOODWILL_RATE_WINDOW_SECONDS": str(10**7),  # no window starts mid-run
        "GOODWILL_RATE_LIMIT_PER_ADDRESS": str(10**9),
        "FEEDBACK_RATE_LIMIT": str(10**9),
    }
    if run.fault == "lock":
        env["SQLITE_BUSY_TIMEOUT"] = "1"
    return env


def start_site(run: Run, shared: Shared | None, stack: contextlib.ExitStack) -> Site:
    """The run's servers started (each stopped and removed when the stack closes), the site
    prepared (unless its database is a copy of one prepared), run.base_url set."""
    tmp = Path(tempfile.mkdtemp(prefix="micra-faults."))
    stack.callback(shutil.rmtree, tmp, ignore_errors=True)
    database = open_database(run, shared, stack, tmp)
    cache = stack.enter_context(redis()) if run.redis else None
    env = site_environment(run, shared, tmp, database, cache)
    if not database.copied:
        prepare_site(env)
        if shared is not None and database.pg is not None:
            shared.keep_as_template(database)
    server = stack.enter_context(app_server(env, workers=WORKERS, threads=THREADS))
    run.base_url = str(server)
    require_loopback(run.base_url, "server")
    return Site(server, database, cache)
