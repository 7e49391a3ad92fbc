"""Every content model can be edited in the admin."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

DERIVED = {"troubleshooter.SearchEntry"}  # rebuilt from the content, never edited


def content_models():
    return [
        m for app in ("troubleshooter", "guides") for m in apps.get_app_config(app).get_models() if m._meta.label not in DERIVED
    ]


@pytest.mark.parametrize("model", content_models(), ids=lambda m: m._meta.label)
def test_content_model_is_registered_and_its_pages_open(admin_client, content, model):
    assert admin.site.is_registered(model)
    opts = model._meta
    changelist = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    row = model.objects.first()
    if row is not None:
        change = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk]))
        assert change.status_code == 200


def test_admin_needs_a_login(client, db):
    response = client.get(reverse("admin:guides_repairguide_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
