"""What one store costs in the page cache's shared cache, with 100 and with 20,000 pages in it.

    .venv/bin/python -m bench.cache_store   # from the repository's root: diskcache, then Django's file cache

Each store is a page-sized value (20 KB of random bytes: a stored gzip body does not compress);
the cache is filled to the number of entries first, then 500 more stores are timed (median and
p99, microseconds). The configured cache is the one config/settings/base.py makes without
REDIS_URL (diskcache, least recently used out, PAGE_CACHE_MEGABYTES); Django's FileBasedCache
with MAX_ENTRIES 20000 is what it replaced: it lists its whole folder on every store.
"""

import os
import statistics
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402

django.setup()

from diskcache import DjangoCache  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache.backends.filebased import FileBasedCache  # noqa: E402

PAGE = 20_000
TIMED = 500


def timed_stores(cache, entries: int) -> tuple[float, float]:
    value = os.urandom(PAGE)
    for n in range(entries):
        cache.set(f"page:fill:{n}", value, 3600)
    took = []
    for n in range(TIMED):
        start = time.perf_counter()
        cache.set(f"page:timed:{n}", value, 3600)
        took.append((time.perf_counter() - start) * 1e6)
    took.sort()
    return statistics.median(took), took[int(len(took) * 0.99) - 1]


def main() -> None:
    configured = settings.CACHES["default"]
    print(f"page {PAGE} bytes, {TIMED} timed stores after filling; microseconds per store, median / p99")
    print("| cache | entries | median us | p99 us |")
    print("| --- | ---: | ---: | ---: |")
    for entries in (100, 20_000):
        with tempfile.TemporaryDirectory() as directory:
            params = {k: v for k, v in configured.items() if k not in ("BACKEND", "LOCATION")}
            median, p99 = timed_stores(DjangoCache(directory, params), entries)
            print(f"| diskcache (as configured) | {entries} | {median:.0f} | {p99:.0f} |", flush=True)
        with tempfile.TemporaryDirectory() as directory:
            median, p99 = timed_stores(FileBasedCache(directory, {"OPTIONS": {"MAX_ENTRIES": 20_000}}), entries)
            print(f"| Django FileBasedCache (before) | {entries} | {median:.0f} | {p99:.0f} |", flush=True)


if __name__ == "__main__":
    main()
