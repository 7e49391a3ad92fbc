from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static as static_url
from django.urls import include, path


def favicon(request):
    # Resolved per request: the hashed static name exists only after collectstatic.
    return redirect(static_url("favicon.svg"), permanent=True)


urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page links; send them to the real one.
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("", include("troubleshooter.urls")),
    path("", include("guides.urls")),
]

# Development only; in production the web server or a file store serves /media/.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
