"""A fixed-window rate limit per client address, counted in the shared cache.

Used by the goodwill form and "Did this solve it?". With REDIS_URL set, every app server
counts in the same place; without it each process counts on its own (see the README).
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The client's address; behind a trusted proxy, the address it saw."""
    if settings.GOODWILL_TRUST_X_FORWARDED_FOR:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "unknown")


def over_limit(request, scope: str, limit: int, window: int) -> bool:
    """Count one hit for this client in `scope`; True when it is over `limit` in the current window."""
    key = f"rate:{scope}:{client_ip(request)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit
