"""The database away for a moment (SQLite held locked by another process, a database that
can't be opened): owners get a 503 page that says to try again, with `Retry-After`, never a
500; what they typed is kept; nothing half-stored; and the next request, once the database is
back, works without a restart. (PostgreSQL stopped for real, and Redis: tests/test_outages.py.)"""

import sqlite3
from contextlib import contextmanager

import pytest
from django.db import connection
from django.urls import reverse

from goodwill.models import GoodwillRequest
from tests.test_goodwill import GENERAL, form_data, text_of

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own locking and files")


@contextmanager
def database_settings(**changes):
    """Reconnect with changed connection settings, and back again afterwards."""
    saved = {key: connection.settings_dict[key] for key in changes}
    saved_options = dict(connection.settings_dict["OPTIONS"])
    connection.close()
    for key, value in changes.items():
        if key == "OPTIONS":
            connection.settings_dict["OPTIONS"] = {**saved_options, **value}
        else:
            connection.settings_dict[key] = value
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)
        connection.settings_dict["OPTIONS"] = saved_options


@contextmanager
def held_write_lock():
    """Another process's writer holding the database (as a long migration or a backup would)."""
    other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None, timeout=1)
    other.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        other.rollback()
        other.close()


def test_a_goodwill_request_while_the_database_is_locked_is_kept_for_later_not_lost(client, live_content):
    data = form_data(client)
    with database_settings(OPTIONS={"timeout": 0.3}), held_write_lock():
        refused = client.post(GENERAL, data)
    assert refused.status_code == 503
    assert int(refused["Retry-After"]) > 0
    page = text_of(refused)
    assert "We can't take requests for a moment" in page
    assert "Too many requests" not in page
    assert 'value="Anna de Vries"' in refused.content.decode()  # what the owner typed is still there
    assert GoodwillRequest.objects.count() == 0

    # The lock gone, the same form goes through, in the same server, without a restart.
    sent = client.post(GENERAL, data)
    assert sent.status_code == 302
    assert GoodwillRequest.objects.count() == 1


def test_a_page_while_the_database_cannot_be_opened_is_a_503_page_and_recovers(client, live_content, tmp_path):
    url = reverse("troubleshooter:home")
    client.raise_request_exception = False  # as a browser sees it
    with database_settings(NAME=str(tmp_path / "missing-folder" / "db.sqlite3")):
        away = client.get(url)
    assert away.status_code == 503
    assert int(away["Retry-After"]) > 0
    assert "no-store" in away["Cache-Control"]
    assert "The site can't answer for a moment" in text_of(away)
    assert "Something went wrong" not in text_of(away)

    back = client.get(url)
    assert back.status_code == 200


def test_an_ordinary_error_is_still_a_500(client, live_content, monkeypatch):
    from troubleshooter import views

    def broken(*args, **kwargs):
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr(views, "render", broken)
    client.raise_request_exception = False
    response = client.get(reverse("troubleshooter:home"))
    assert response.status_code == 500
    assert "Something went wrong" in text_of(response)
