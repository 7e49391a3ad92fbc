"""Configuration: dev needs nothing, production refuses to start without its secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, env_extra=None, settings="config.settings.production"):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update({"DJANGO_SETTINGS_MODULE": settings, **(env_extra or {})})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", env_extra={"DJANGO_ALLOWED_HOSTS": "example.org"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", env_extra={"DJANGO_SECRET_KEY": "x" * 60})
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_passes_the_deploy_check_without_warnings(tmp_path):
    secret = "a-long-random-production-secret-" + "k8#Zq!" * 10
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "SITE_URL": "https://boot.example.org",
            "DJANGO_SECRET_KEY": secret,
            "DJANGO_ALLOWED_HOSTS": "example.org",
            "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        },
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_development_runs_with_no_configuration_on_sqlite_in_wal_mode(tmp_path):
    code = (
        "from django.db import connection\n"
        "c = connection.cursor()\n"
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], c.execute('PRAGMA busy_timeout').fetchone()[0])"
    )
    result = manage("shell", "-c", code, settings="config.settings.dev", env_extra={"SQLITE_PATH": str(tmp_path / "dev.sqlite3")})
    assert result.returncode == 0, result.stderr
    mode, timeout_ms = result.stdout.split()[-2:]
    assert mode == "wal"
    assert int(timeout_ms) >= 5000


@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="runs when DATABASE_URL points at PostgreSQL")
def test_database_url_selects_postgresql(db):
    from django.db import connection

    assert connection.vendor == "postgresql"


PRODUCTION_ENV = {"SITE_URL": "https://boot.example.org", "DJANGO_SECRET_KEY": "x" * 60, "DJANGO_ALLOWED_HOSTS": "example.org"}


def test_production_mail_works_with_a_backend_other_than_smtp(tmp_path):
    send = "from django.core.mail import send_mail; send_mail('Subject', 'Body text', 'site@example.org', ['owner@example.org'])"
    env = PRODUCTION_ENV | {
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }
    result = manage("shell", "-c", send, env_extra=env)
    assert result.returncode == 0, result.stderr
    assert "Body text" in result.stdout and "owner@example.org" in result.stdout
    # ...while the default SMTP backend still gets its host and timeout from the environment.
    show = "from django.conf import settings; print(settings.MAILERS['default']['OPTIONS'])"
    smtp = manage(
        "shell",
        "-c",
        show,
        env_extra=PRODUCTION_ENV | {"SQLITE_PATH": str(tmp_path / "db.sqlite3"), "EMAIL_HOST": "mail.example.org"},
    )
    assert "'host': 'mail.example.org'" in smtp.stdout and "'timeout': 10" in smtp.stdout, smtp.stderr
