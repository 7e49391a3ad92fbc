"""Error pages that say what an owner can do.

When the database can't be reached (PostgreSQL restarting, SQLite held locked past the busy
timeout), the request fails with an OperationalError/InterfaceError wherever it touched the
database: view, template or middleware. That is not a bug in the page but a short outage, so it
gets a 503 with `Retry-After` (load balancers and crawlers retry, owners are told to) instead of
the generic 500. Nothing is kept from the failed request: Django closes a connection that
errored at the end of the request, so the next request reconnects and the site recovers by
itself, without a restart.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
DATABASE_AWAY = (OperationalError, InterfaceError)


def database_away(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, DATABASE_AWAY):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def service_unavailable() -> HttpResponse:
    # Rendered without a request: context processors may need the database that is away.
    body = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request, exception, template_name="400.html"):
    """handler400. Django's own is wrapped in `requires_csrf_token`, whose check reads the form
    again to find the token: a body Django could not read (a form in another charset) then fails
    a second time, and the owner gets a bare 500. The 400 page has no form, so needs no token;
    and it uses nothing of the request that can fail (not even its Host)."""
    return render(request, template_name, status=400)


def server_error(request, template_name="500.html"):
    """handler500: Django calls it inside its `except`, so the exception is in sys.exc_info()."""
    if database_away(sys.exc_info()[1]):
        return service_unavailable()
    return defaults.server_error(request, template_name)
