"""The ready-made staff groups: who may open which admin page and run which action."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from core.roles import DEALER_LIAISON, EDITORS, sync_roles
from troubleshooter.models import DiagnosisVersion

# Written out by hand (not read from core.roles), so the test can disagree with it.
PERSONAL_OR_DEALERS = {"goodwill.goodwillrequest", "goodwill.dealer", "goodwill.dealermember"}
# Accounts, and the sign-in records (addresses, usernames): administrators only.
ACCOUNTS = {"auth.user", "auth.group", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}
VIEW_ONLY_FOR_EDITORS = {"troubleshooter.feedback", "troubleshooter.unknownwords"}


def expected(role: str, label: str, page: str) -> bool:
    """May `role` open the `page` ("changelist" or "add") of model `label`?"""
    if label in ACCOUNTS:
        return False
    if label == "goodwill.goodwillrequest" and page == "add":
        return False  # requests only come from owners
    if role == DEALER_LIAISON:
        return label in PERSONAL_OR_DEALERS
    if label in PERSONAL_OR_DEALERS:
        return False
    return page == "changelist" or label not in VIEW_ONLY_FOR_EDITORS


def staff(django_user_model, role: str) -> Client:
    sync_roles()
    user = django_user_model.objects.create_user(username=role.replace(" ", "-"), password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


REGISTERED = sorted(admin.site._registry, key=lambda m: m._meta.label_lower)


@pytest.mark.parametrize("role", [EDITORS, DEALER_LIAISON])
def test_permission_matrix_every_admin_page_for_each_group(db, django_user_model, role):
    client = staff(django_user_model, role)
    wrong = []
    for model in REGISTERED:
        opts = model._meta
        for page in ("changelist", "add"):
            status = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}")).status_code
            allowed = expected(role, opts.label_lower, page)
            if (status == 200) != allowed or status not in (200, 403):
                wrong.append((opts.label_lower, page, status, "expected allowed" if allowed else "expected 403"))
    assert wrong == []


def test_editors_cover_every_content_model_including_new_ones(db):
    sync_roles()
    editors = Group.objects.get(name=EDITORS)
    from django.apps import apps

    for app in ("problems", "guides", "troubleshooter"):
        for model in apps.get_app_config(app).get_models():
            label = model._meta.label_lower
            limited = {"troubleshooter.walkevent": ("view",), "troubleshooter.typedwords": ()}
            limited |= {"troubleshooter.unknownwords": ("view", "delete"), "troubleshooter.feedback": ("view",)}
            for action in limited.get(label, ("add", "change", "delete", "view")):
                assert editors.permissions.filter(codename=f"{action}_{model._meta.model_name}").exists(), (label, action)
    # Permissions removed by hand come back on the next migrate (the sync runs after every migrate).
    editors.permissions.clear()
    sync_roles()
    assert editors.permissions.count() > 50


def test_only_editors_can_publish_a_draft(content, django_user_model):
    live = DiagnosisVersion.objects.get(status="published")
    from troubleshooter.services import copy_version

    draft = copy_version(live)
    url = reverse("admin:troubleshooter_diagnosisversion_changelist")
    data = {"action": "publish", "_selected_action": [draft.pk]}
    viewer = django_user_model.objects.create_user(username="viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_diagnosisversion"))
    client = Client()
    client.force_login(viewer)
    client.post(url, data)
    draft.refresh_from_db()
    assert draft.status == "draft"  # view permission alone offers no publish action
    staff(django_user_model, EDITORS).post(url, data)
    draft.refresh_from_db()
    assert draft.status == "published"


def choose_password(client, link: str, password: str):
    """Follow an invitation or reset link as the new colleague would, and set a password."""
    form_page = client.get(link, follow=True)  # Django swaps the token for a session and redirects
    assert "Enter new password" in form_page.content.decode(), form_page.content.decode()[:500]
    return client.post(form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})


def sign_in(username, password):
    client = Client()
    signed_in = client.post(reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"})
    return client, signed_in.status_code == 302


def test_the_command_creates_a_staff_user_in_a_group_who_chooses_their_own_password(db, capsys, django_user_model, mailoutbox):
    call_command("add_staff_user", "sam", role="editor", email="sam@example.org")
    out = capsys.readouterr().out
    link = out.strip().splitlines()[-1]
    assert link.startswith("http://testserver/admin/reset/") and "password:" not in out.lower().split("link")[0]
    user = django_user_model.objects.get(username="sam")
    assert user.is_staff and not user.is_superuser and not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [EDITORS]
    assert len(mailoutbox) == 1 and link in mailoutbox[0].body and mailoutbox[0].to == ["sam@example.org"]
    choose_password(Client(), urlsplit(link).path, "a-Long-new-passphrase-42")
    client, ok = sign_in("sam", "a-Long-new-passphrase-42")
    assert ok
    assert client.get(reverse("admin:guides_repairguide_changelist")).status_code == 200
    assert client.get(reverse("admin:goodwill_goodwillrequest_changelist")).status_code == 403
    # The link works once.
    again = Client().get(urlsplit(link).path, follow=True).content.decode()
    assert "The password reset link was invalid" in again


def test_an_administrator_invites_a_colleague_by_role_name_and_the_link_expires(
    admin_client, db, django_user_model, mailoutbox, settings
):
    add = reverse("admin:auth_user_add")
    page = admin_client.get(add).content.decode()
    assert "Editor: content only" in page and "Dealer liaison" in page and "password1" not in page
    assert f'<option value="{EDITORS}" selected>' in page  # the usual role, chosen already
    response = admin_client.post(add, {"username": "kim", "email": "kim@example.org", "role": EDITORS}, follow=True)
    assert "Invitation sent to kim@example.org" in response.content.decode()
    kim = django_user_model.objects.get(username="kim")
    assert kim.is_staff and list(kim.groups.values_list("name", flat=True)) == [EDITORS] and not kim.has_usable_password()
    link = next(line for line in mailoutbox[0].body.splitlines() if "/admin/reset/" in line).strip()
    settings.PASSWORD_RESET_TIMEOUT = -1  # the set time has passed
    expired = Client().get(urlsplit(link).path, follow=True).content.decode()
    assert "The password reset link was invalid" in expired


def test_a_forgotten_password_is_reset_from_the_sign_in_page(db, django_user_model, mailoutbox):
    user = django_user_model.objects.create_user("lee", "lee@example.org", "old-Passphrase-123", is_staff=True)
    login_page = Client().get(reverse("admin:login")).content.decode()
    assert reverse("admin_password_reset") in login_page  # "Forgotten your login credentials?"
    Client().post(reverse("admin_password_reset"), {"email": "lee@example.org"})
    link = next(line for line in mailoutbox[0].body.splitlines() if "/admin/reset/" in line).strip()
    choose_password(Client(), urlsplit(link).path, "brand-New-passphrase-77")
    user.refresh_from_db()
    assert user.check_password("brand-New-passphrase-77")


@pytest.mark.parametrize("role, allowed", [(EDITORS, True), (DEALER_LIAISON, False)])
def test_the_editors_own_pages_follow_the_roles(content, django_user_model, role, allowed):
    from guides.models import FAQ
    from problems.models import Problem
    from troubleshooter.services import copy_version

    client = staff(django_user_model, role)
    draft = copy_version(DiagnosisVersion.objects.get(status="published"))
    faq = FAQ.objects.order_by("order").last()
    pages = {
        "grid": client.get(reverse("admin:troubleshooter_diagnosisversion_grid", args=[draft.pk])).status_code,
        "glance": client.get(reverse("admin:problems_problem_glance", args=[Problem.objects.get().pk])).status_code,
        "move": client.post(reverse("admin:guides_faq_move", args=[faq.pk, "up"])).status_code,
        "history diff": client.get(reverse("admin:guides_faq_history", args=[faq.pk])).status_code,
    }
    ok = {"grid": 200, "glance": 200, "move": 302, "history diff": 200}
    assert pages == (ok if allowed else dict.fromkeys(pages, 403))


def test_a_new_invitation_can_be_sent_and_shown_when_the_email_did_not_arrive(admin_client, django_user_model, mailoutbox):
    from core.invitations import invite

    kim = django_user_model.objects.create_user("kim", "kim@example.org", is_staff=True)
    first = invite(kim)
    changelist = reverse("admin:auth_user_changelist")
    response = admin_client.post(changelist, {"action": "send_new_invitation", "_selected_action": [kim.pk]}, follow=True)
    text = response.content.decode()
    link = re.search(r"http://testserver/admin/reset/[^\s<]+", text).group(0)
    assert link != first and "New invitation for kim" in text and len(mailoutbox) == 2
    assert "The password reset link was invalid" in Client().get(urlsplit(first).path, follow=True).content.decode()
    choose_password(Client(), urlsplit(link).path, "kims-Own-passphrase-9")
    # Someone who has chosen a password is not sent another invitation (it would wipe it).
    response = admin_client.post(changelist, {"action": "send_new_invitation", "_selected_action": [kim.pk]}, follow=True)
    assert "has chosen a password already" in response.content.decode() and len(mailoutbox) == 2


def test_the_list_of_staff_says_each_ones_role_by_name(admin_client, django_user_model):
    from django.contrib.auth.models import Group

    from core.roles import EDITORS

    kim = django_user_model.objects.create_user("kim", "kim@example.org", is_staff=True)
    kim.groups.add(Group.objects.get_or_create(name=EDITORS)[0])
    django_user_model.objects.create_user("lee", "lee@example.org", is_staff=True)
    rows = re.findall(r"<tr>.*?</tr>", admin_client.get(reverse("admin:auth_user_changelist")).content.decode(), re.S)
    kims = next(row for row in rows if ">kim<" in row)
    lees = next(row for row in rows if ">lee<" in row)
    assert EDITORS in kims and "—" in lees and EDITORS not in lees


def test_adding_a_colleague_shows_their_invitation_link_too(admin_client, mailoutbox):
    from tests.adminforms import form_values

    add = reverse("admin:auth_user_add")
    data = form_values(admin_client.get(add).content.decode()) | {"username": "sam", "email": "sam@example.org"}
    page = admin_client.post(add, data, follow=True).content.decode()
    link = re.search(r"http://testserver/admin/reset/[^\s<]+", page)
    assert link and link.group(0) in mailoutbox[-1].body  # for when the e-mail does not arrive
