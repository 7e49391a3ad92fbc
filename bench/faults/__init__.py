"""Load with faults: owners browsing, walking the diagnosis, answering "Did this solve it?" and
sending goodwill requests on many connections at once, against servers this script starts on
127.0.0.1 and stops again; optionally with the database or the cache taken away for a few
seconds in the middle of the run.

    .venv/bin/python -m bench.faults --database sqlite                      # 64 connections, 60 s
    .venv/bin/python -m bench.faults --database postgres --redis
    .venv/bin/python -m bench.faults --database postgres --fault db --seconds 20
    .venv/bin/python -m bench.faults --database sqlite --fault lock --seconds 20
    .venv/bin/python -m bench.faults --database postgres --redis --fault redis --seconds 20
    .venv/bin/python -m bench.faults --quick                                # CI: the three faults, 6 s each
    (options: --connections N, --seconds S, --fault-seconds F, --recovery-limit R, --seed, --json PATH)

Each run starts its own servers (tests/servers.py): a throwaway PostgreSQL cluster or a SQLite
file in a temporary directory, Redis with --redis (or --fault redis), the site prepared as a
deployment prepares it (migrate, load_content, collectstatic) and gunicorn with production
settings (2 workers, 4 threads each). Everything listens on 127.0.0.1 only and is removed at
exit, also on Ctrl-C or failure. Runs are bounded: at most MAX_SECONDS of load on at most
MAX_CONNECTIONS connections, and an alarm ends a run that hangs. --quick runs the three faults
one after the other in one process (about 50 s on 2 busy cores, servers' start included),
sharing what takes longest to start: the collected static files and one PostgreSQL cluster,
each PostgreSQL run on a database of its own, the second a copy (CREATE DATABASE ... TEMPLATE)
of the first one as prepared, before its load.

The load: every connection is one owner (its own cookies, one keep-alive connection) looping
over a mix: public pages (home, overview, guides, FAQ, prevention, a search with a new query),
a diagnosis walk with random answers (new answer combinations: the cold path) that often ends
with "Did this solve it?" answered yes or no, and a goodwill request (the form fetched, sent
with a unique email; now and then sent twice, as a double tap). The rate limits are set high,
except the one per address and email (3 per window, never reached by the load's unique
emails): a short phase at the end shows it refusing with 429.

Faults, one per run, at about a third of the run, for --fault-seconds (4):
  db     PostgreSQL stopped (pg_ctl stop -m fast), then started again
  lock   another process holds BEGIN EXCLUSIVE on the SQLite file (SQLITE_BUSY_TIMEOUT=1)
  redis  Redis stopped, then started again (empty)

A run fails (exit status 1) on: any 500 (or other 5xx but 503), a 503 without the clear page
("The site can't answer for a moment", or the goodwill and feedback forms' own "We can't take
requests for a moment" / "could not be stored just now") or without Retry-After, a 503 outside
the fault (or in a run without one), a 4xx or a connection error in the load (the load sends
only valid requests), stored goodwill requests not exactly the accepted ones, stored feedback
not exactly the accepted answers, no recovery within --recovery-limit seconds of the fault's
end (the same gunicorn master serving again), the limiter phase not refusing as it should,
or no requests at all. A 500's traceback is printed from gunicorn's log.

Recovery: from the fault's end (PostgreSQL or Redis started again, the lock let go) to the
first write accepted again (a goodwill request or an answer, from the load or the probe; for
Redis, the first page served from the page cache again), and, as "probe", to when a probe from
outside the load had /health/ answer 200 from the same gunicorn master and then got a goodwill
request accepted (a page served, for Redis): the probe waits in line with the load's requests.

CPU (percent of one core, during the load): this script's owners, gunicorn (master and
workers), PostgreSQL and Redis, and everything else on the machine (high: the figures are not
to be trusted; the machine is shared).

Feedback is stored once per browser and cause (`services.record_feedback`: an owner answering
again changes their answer), so "stored" is compared with the distinct (browser, cause) pairs
that got an accepted answer, and each stored row's yes/no with that browser's last accepted one.

At the end: a markdown table (for docs/PERFORMANCE.md), per-kind latencies, and --json PATH.

The package, run from the repository's root (python -m bench.faults): schedule.py the bounds, the
mix, a run's settings and timeline and the records; owners.py the clients; injectors.py the
faults and the probe; site.py the servers; measures.py the CPU time and what the database
stored; runner.py one run; checks.py its checks and summary; report.py the tables; __main__.py
the options and the runs one after the other.
"""
