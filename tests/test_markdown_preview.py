"""The live Markdown preview in the admin: same rendering and sanitiser as the public pages."""

from django.urls import reverse

from guides.models import FAQ, RepairGuide

PREVIEW = reverse("troubleshooter:markdown_preview")


def test_markdown_fields_have_a_live_preview_and_plain_fields_do_not(admin_client, content):
    faq = FAQ.objects.first()
    html = admin_client.get(reverse("admin:guides_faq_change", args=[faq.pk])).content.decode()
    assert f'hx-post="{PREVIEW}"' in html and 'id="id_answer-preview"' in html
    assert 'id="id_question-preview"' not in html  # a plain text field
    assert "vendor/htmx.min" in html and "js/admin" in html
    guide = RepairGuide.objects.get(slug="replace-microswitch")
    steps = admin_client.get(reverse("admin:guides_repairguide_change", args=[guide.pk])).content.decode()
    assert 'id="id_steps-0-body-preview"' in steps  # inline steps too


def test_the_preview_renders_like_the_public_page_and_strips_scripts(admin_client, db):
    response = admin_client.post(PREVIEW, {"answer": "**Fold** the seat.\n\n<script>alert(1)</script>[x](javascript:alert(1))"})
    html = response.content.decode()
    assert response.status_code == 200 and "<strong>Fold</strong>" in html
    assert "<script" not in html and "javascript:" not in html


def test_only_staff_can_use_the_preview(client, admin_client, db):
    assert "/admin/login/" in client.post(PREVIEW, {"answer": "x"})["Location"]
    assert admin_client.get(PREVIEW).status_code == 405


def test_the_preview_says_while_typing_that_a_link_goes_nowhere(admin_client, content):
    html = admin_client.post(PREVIEW, {"answer": "See [the guide](/guides/replace-switch/)."}).content.decode()
    assert "The link to “/guides/replace-switch/” goes to a page that does not exist." in html
    assert "Did you mean “/guides/replace-microswitch/”?" in html
    fine = admin_client.post(PREVIEW, {"answer": "See [the guide](/guides/replace-microswitch/)."}).content.decode()
    assert "errornote" not in fine
