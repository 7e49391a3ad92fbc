"""The ceiling for bench/load.sh: Django with `startproject`'s middleware and one view that
returns a 2 KB page, no database, no templates. Served by gunicorn exactly as the site is, in
the same run, so each page's throughput can be given as a ratio to what Django itself can do on
this machine at that moment.

    gunicorn --chdir bench/bare bare_site:application
"""

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

PAGE = ("<!doctype html><html lang=en><title>Bare</title><p>" + "A bare Django page. " * 100 + "</p></html>").encode()


def bare(request):
    return HttpResponse(PAGE)


settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only-not-secret",  # noqa: S106 (a throwaway server on loopback)
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[
        "django.contrib.admin",
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "django.contrib.staticfiles",
    ],
    MIDDLEWARE=[  # as `django-admin startproject` writes them
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}],
)
django.setup()
urlpatterns = [path("", bare)]
application = get_wsgi_application()
