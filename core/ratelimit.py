"""Rate limits for what owners send (goodwill requests, "did this solve it?"), shared by every
worker and app server: fixed windows counted in the database.

Who is "one client": the address the request came from, read through exactly the configured
number of trusted proxies (`TRUSTED_PROXY_HOPS`), with IPv6 addresses grouped by their /64
(one phone or household gets a whole /64, and can pick any address in it). Callers add more to
the key where addresses are shared (a carrier's NAT, a dealer's Wi-Fi): the goodwill form counts
per address and email.

When the count can't be kept (the database is away), the limit fails closed: the write is
refused with a "try again shortly", never let through uncounted.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F

from core.models import RateCount

logger = logging.getLogger(__name__)

RETRY_WHEN_UNAVAILABLE = 60  # seconds


@cache
def trusted_proxy_networks(spec: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in spec.split(",") if part.strip())


def is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted_proxy_networks(settings.TRUSTED_PROXY_NETWORKS))


def client_ip(request) -> str:
    """The client's address.

    With N trusted proxies in front (`TRUSTED_PROXY_HOPS`), each appends the address it saw to
    X-Forwarded-For, so the client is the Nth entry from the right: entries further left were
    written by the client itself and prove nothing. A request that did not come through the
    proxies (it reached the app server directly, or carries fewer entries) is taken at its
    own address.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_HOPS
    if hops <= 0 or not is_trusted_proxy(remote):
        return remote
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
    return forwarded[-hops] if len(forwarded) >= hops else remote


def client_group(request) -> str:
    """One client for counting: an IPv4 address, or an IPv6 address's /64."""
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends (or until trying again is worth it)
    # Refused because the count could not be kept (the database is away), not for sending too much.
    unavailable: bool = False


def count(scope: str, identity: str, limit: int, window: int) -> Verdict:
    """Count one for `identity` in `scope`; not allowed once the window's count passes `limit`."""
    now = time.time()
    number = int(now // window)
    retry_after = max(1, int((number + 1) * window - now))
    # Hashed: the table holds no addresses or emails in the clear.
    key = f"{scope}:" + hashlib.sha256(identity.encode()).hexdigest()
    try:
        with transaction.atomic():
            if not RateCount.objects.filter(key=key, window=number).update(count=F("count") + 1):
                try:
                    with transaction.atomic():
                        RateCount.objects.create(key=key, window=number, count=1)
                except IntegrityError:  # another worker created it a moment ago
                    RateCount.objects.filter(key=key, window=number).update(count=F("count") + 1)
                # Old windows are of no use: cleared as new ones start.
                RateCount.objects.filter(key__startswith=f"{scope}:", window__lt=number - 1).delete()
            counted = RateCount.objects.get(key=key, window=number).count
    except DatabaseError:
        logger.exception("Rate limit %s: the count could not be kept; refusing for now", scope)
        return Verdict(False, RETRY_WHEN_UNAVAILABLE, unavailable=True)
    return Verdict(counted <= limit, retry_after)


def count_all(scope: str, checks: list[tuple[str, str, int, int]]) -> Verdict:
    """Count under several keys at once, [(name, identity, limit, window)]: allowed only if all allow."""
    verdicts = [count(f"{scope}:{name}", identity, limit, window) for name, identity, limit, window in checks]
    refused = [v for v in verdicts if not v.allowed]
    if not refused:
        return Verdict(True, 0)
    return Verdict(False, max(v.retry_after for v in refused), unavailable=any(v.unavailable for v in refused))
