"""Offline: the service worker, the web app manifest and the offline page.

Hand-written (about 60 lines) rather than Workbox: the rules are few (guides and seen pages
from the cache when the network fails, personal pages never), and a library would add a build
step and more bytes than the whole site's script.
"""

import hashlib
import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from guides.models import RepairGuide
from problems.models import Problem

NEVER_CACHED = ("/admin/", "/goodwill/", "/preview/", "/dealer/")
# The worker's own copy of a page an owner saw through htmx: not a second visit.
COPY_HEADER = "X-Offline-Copy"


def is_offline_copy(request) -> bool:
    return COPY_HEADER in request.headers


def offline_guides():
    return RepairGuide.objects.published().filter(problem__status=Problem.Status.PUBLISHED).order_by("problem", "order")


def precache_urls() -> list[str]:
    """What opens with no signal once the site has been visited: every guide, and the files."""
    pages = [reverse("troubleshooter:offline"), reverse("troubleshooter:home")]
    for guide in offline_guides().prefetch_related("steps"):
        url = guide.get_absolute_url()
        # The guide, and each of its steps one per screen (the step-by-step mode's own pages).
        pages += [url] + [f"{url}?step={n}" for n in range(1, len(guide.steps.all()) + 1)]
    files = [static(name) for name in ("css/site.css", "js/site.js", "js/offline.js", "vendor/htmx.min.js", "favicon.svg")]
    return pages + files


@require_GET
@cache_control(no_cache=True)  # browsers check for a new worker on every visit
def service_worker(request):
    precache = precache_urls()
    version = hashlib.sha256(json.dumps(precache).encode() + settings.SERVICE_WORKER_VERSION.encode()).hexdigest()[:12]
    body = render_to_string(
        "offline/sw.js",
        {
            "version": version,
            "offline_url": reverse("troubleshooter:offline"),
            "precache": json.dumps(precache),
            "never": json.dumps(NEVER_CACHED),
            "copy_header": COPY_HEADER,
            "static_prefix": settings.STATIC_URL,
        },
    )
    return HttpResponse(body, content_type="text/javascript; charset=utf-8")


@require_GET
@cache_control(max_age=3600, public=True)
def manifest(request):
    return JsonResponse(
        {
            "name": str(settings.SITE_NAME),
            "short_name": str(settings.SITE_NAME)[:12],
            "description": str(settings.SITE_DESCRIPTION),
            "start_url": reverse("troubleshooter:home"),
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0b4f9c",
            "icons": [{"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
        },
        content_type="application/manifest+json",
    )


@require_GET
def offline(request):
    """Shown when a page that was never opened before is asked for with no signal."""
    return render(request, "offline/offline.html", {"guides": offline_guides(), "title": _("No signal")})
