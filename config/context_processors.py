"""What every page shows about the site itself: its name and default words, from settings, so a
second site (or a second fault) needs no template change."""

from django.conf import settings

from pagecache.cache import content_version_or_new


def site(request):
    return {
        "site": {"name": settings.SITE_NAME, "tagline": settings.SITE_TAGLINE, "description": settings.SITE_DESCRIPTION},
        # A view may name another page as the canonical one (a diagnosis step names its outcome).
        "canonical_path": request.path,
        # Absolute addresses (canonical, og:url) come from the configured address, never from the
        # request's Host: a cached page is the same for every visitor, whatever Host they sent.
        "site_url": settings.SITE_URL.rstrip("/"),
        # For the keys of kept page fragments ({% cache %}): the version the page cache read for
        # this request before its view ran (pagecache.cache.PageCacheMiddleware).
        "content_version": getattr(request, "content_version", None) or content_version_or_new(),
    }
