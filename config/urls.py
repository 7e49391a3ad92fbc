from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("troubleshooter.urls")),
    path("", include("guides.urls")),
]

# Development only; in production the web server or a file store serves /media/.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
