"""The admin sign-in: wrong passwords are counted, and after a few that username is locked out
from that address (django-axes), with a page that says so; an administrator can unlock it."""

from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from tests.pagetext import read_page

LOGIN = reverse("admin:login")
PASSWORD = "a-Long-editor-password-42"


def sign_in(client, password, address="198.51.100.20"):
    return client.post(LOGIN, {"username": "editor", "password": password, "next": "/admin/"}, REMOTE_ADDR=address)


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_wrong_passwords_lock_that_username_out_from_that_address(client, db):
    User.objects.create_user("editor", password=PASSWORD, is_staff=True)
    for _attempt in range(2):
        assert sign_in(client, "guess").status_code == 200  # the form again, with its error
    locked = sign_in(client, "guess")
    assert locked.status_code == 429
    assert "Too many wrong passwords: sign-in is paused" in read_page(locked.content.decode())[0]
    # Now even the right password is refused from there...
    assert sign_in(client, PASSWORD).status_code == 429
    # ...while the editor at another address can still sign in.
    assert sign_in(client, PASSWORD, address="203.0.113.7").status_code == 302

    call_command("axes_reset_username", "editor")  # the README's unlock
    assert sign_in(client, PASSWORD).status_code == 302
