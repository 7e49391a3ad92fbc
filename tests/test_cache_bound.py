"""The page cache's storage is bounded: past its size the least recently used pages go, while the
content version (read on every request) and the pages owners keep asking for stay."""

import os

from django.core.cache import caches

from config.settings import base


def test_the_configured_cache_has_a_bound_and_drops_the_least_recently_used_first():
    options = base.CACHES["default"]["OPTIONS"]
    if "size_limit" not in options:  # REDIS_URL set: Redis's own maxmemory bounds it (docs/deploy.md)
        return
    assert base.CACHES["default"]["BACKEND"] == "config.cache_backends.KeptOpenDiskCache"
    assert options["eviction_policy"] == "least-recently-used" and options["size_limit"] > 0


def test_past_its_size_the_least_recently_used_pages_go_first(tmp_path, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "diskcache.DjangoCache",
            "LOCATION": str(tmp_path),
            "SHARDS": 1,
            "OPTIONS": {"size_limit": 2**20, "eviction_policy": "least-recently-used"},
        }
    }
    cache = caches["default"]
    page = os.urandom(10_000)  # a stored gzip body does not compress
    cache.set("pagecache:content-version", "v1", timeout=None)
    for n in range(400):  # 4 MB of pages into 1 MB
        cache.set(f"page:{n}", page, 3600)
        assert cache.get("pagecache:content-version") == "v1"  # read on every request
        assert cache.get("page:0") == page  # a page owners keep asking for
    assert cache.get("page:1") is None  # one nobody asked for again
    assert sum(cache.get(f"page:{n}") is not None for n in range(400)) < 150
