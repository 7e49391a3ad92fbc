"""`/health/` for load balancers: 200 when this app server can reach its database and its cache,
503 (naming what failed) when it can't, so traffic goes to a server that can answer."""

from __future__ import annotations

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: the database did not answer")
        return False


def cache_ok() -> bool:
    probe = secrets.token_hex(8)
    try:
        cache.set("health:probe", probe, timeout=30)
        return cache.get("health:probe") == probe
    except Exception:
        logger.exception("Health check: the cache did not answer")
        return False


@never_cache
@require_safe
def health(request):
    checks = {"database": database_ok(), "cache": cache_ok()}
    body = {name: "ok" if ok else "failing" for name, ok in checks.items()}
    return JsonResponse(body, status=200 if all(checks.values()) else 503)
