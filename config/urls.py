from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.http import HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static as static_url
from django.urls import include, path, reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from config.health import health
from config.media import serve_media
from config.sitemaps import SITEMAPS


def favicon(request):
    # Resolved per request: the hashed static name exists only after collectstatic.
    return redirect(static_url("favicon.svg"), permanent=True)


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    """Everything public may be crawled; the admin, previews and owners' letters may not."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "Disallow: /dealer/",
        "Disallow: " + reverse("goodwill:goodwill_request", kwargs={"token": "x"}).rsplit("x/", 1)[0],
        f"Sitemap: {settings.SITE_URL.rstrip('/')}{reverse('sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page links; send them to the real one.
    path("favicon.ico", favicon, name="favicon"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("health/", health, name="health"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    # Staff choose their own password, invited or having forgotten it: Django's password-reset
    # views (the admin's templates), before the admin's own URLs. The admin's sign-in page links
    # "Forgotten your login credentials?" once `admin_password_reset` exists.
    path("admin/password_reset/", auth_views.PasswordResetView.as_view(), name="admin_password_reset"),
    path("admin/password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("admin/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("admin/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("admin/", admin.site.urls),
    path("", include("troubleshooter.urls")),
    path("", include("guides.urls")),
    path("", include("goodwill.urls")),
    path("dealer/", include("dealers.urls")),
    path("", include("search.urls")),
]

# Editors' pictures: served by the site in development and production alike, pictures only
# (a web server or CDN in front may cache them; see docs/deploy.md).
urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media")]

# A database outage is a 503 with Retry-After, not a 500 (config/errors.py).
handler500 = "config.errors.server_error"
# A request Django could not read (a form in another charset, a Host that is not allowed) gets
# the 400 page without Django's CSRF check, which would read the form again and fail again.
handler400 = "config.errors.bad_request"
