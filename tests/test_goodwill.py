"""Goodwill requests: validation, bots, rate limit, double submits, dealer links, escaping, tokens, email, staff side."""

import csv
import io
import re
import socket
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from goodwill.models import Dealer, GoodwillRequest
from problems.models import Problem
from tests.factories import make_goodwill_request
from tests.pagetext import text_of
from tests.servers import goodwill_answers, hidden_fields

GENERAL = reverse("goodwill:goodwill")
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def make_dealer(**fields) -> Dealer:
    defaults = {
        "name": "Nissan Testdorp",
        "code": "testdorp",
        "town": "Testdorp",
        "country": "Netherlands",
        "email": "service@testdorp.example",
    }
    return Dealer.objects.create(**{**defaults, **fields})


def form_data(client, url=GENERAL, **overrides) -> dict:
    """What an owner sends: the form as served (hidden fields included) plus valid answers."""
    data = hidden_fields(client.get(url).content.decode()) | goodwill_answers()
    data.pop("csrfmiddlewaretoken", None)
    return {**data, **overrides}


def test_a_valid_request_is_stored_and_the_owner_gets_the_letter_and_an_email(
    client, content, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(GENERAL, form_data(client), follow=True)
    assert response.status_code == 200
    stored = GoodwillRequest.objects.get()
    assert response.redirect_chain == [(stored.get_absolute_url(), 302)]
    assert stored.registration == "AB-123-C" and stored.status == GoodwillRequest.Status.NEW
    page = text_of(response)
    assert f"Your reference: {stored.reference}" in page
    assert "first registered in 2007, with 123,000 km" in page
    assert "known weak point" in page
    assert "I would like to ask you to repair it free of charge as a goodwill repair." in page
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna@example.org"]
    assert stored.get_absolute_url() in mail.outbox[0].body
    stored.refresh_from_db()
    assert stored.email_sent_at is not None


def test_the_email_to_an_unconfirmed_address_carries_nothing_typed_into_the_form(
    client, content, django_capture_on_commit_callbacks
):
    """Anyone can type anyone's address: the email must not deliver their words to a stranger."""
    typed = "Win a prize at http://spam.example"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(GENERAL, form_data(client, owner_name=typed, notes=typed, diagnosis=typed))
    [email] = mail.outbox
    assert "spam.example" not in email.body + email.subject
    assert email.body.startswith("Hello,") and "ignore this email" in email.body


INVALID = [
    ({"owner_name": ""}, "owner_name", "This field is required."),
    ({"owner_name": "A"}, "owner_name", "Please enter your name."),
    ({"owner_email": "anna-at-example"}, "owner_email", "Enter a valid email address."),
    ({"owner_phone": "call me"}, "owner_phone", "digits only"),
    ({"registration": ""}, "registration", "This field is required."),
    ({"registration": "<>!"}, "registration", "as on the number plate"),
    ({"vin": "SJNFBAK12U123456"}, "vin", "exactly 17 characters; this one has 16"),
    ({"vin": "SJNFBAK12U1234567X"}, "vin", "exactly 17 characters; this one has 18"),
    ({"vin": "SJNFBAK12U12345O7"}, "vin", "never contains the letters I, O or Q"),
    ({"vin": "SJNFBAK12Q1234567"}, "vin", "never contains the letters I, O or Q"),
    ({"vin": "SJNFBAK12-1234567"}, "vin", "only letters and digits"),
    ({"first_registration_year": "1999"}, "first_registration_year", "between 2002 and 2011"),
    ({"first_registration_year": "2030"}, "first_registration_year", "between 2002 and 2011"),
    ({"first_registration_year": "soon"}, "first_registration_year", "Enter a whole number."),
    ({"mileage_km": "-5"}, "mileage_km", "greater than or equal to 0"),
    ({"mileage_km": "5000000"}, "mileage_km", "in kilometres"),
    ({"mileage_km": "98"}, "mileage_km", "whole number of kilometres, for example 98000"),
    ({"service_history": "never"}, "service_history", "Select a valid choice."),
    ({"diagnosis": ""}, "diagnosis", "This field is required."),
    ({"diagnosis": "x" * 1001}, "diagnosis", "at most 1000 characters"),
    ({"notes": "x" * 2001}, "notes", "at most 2000 characters"),
    ({"consent": ""}, "consent", "only make your letter if you agree"),
    ({"dealer": "999999"}, "dealer", "Select a valid choice."),
]


def sent_back(client, data, url=None):
    """Post a form with mistakes: it comes back through a 303 to the same page (so Back and Reload
    never ask to send it again), with the messages and what was typed."""
    url = url or GENERAL
    response = client.post(url, data, follow=True)
    assert response.redirect_chain == [(url, 303)], response.redirect_chain
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    return response


@pytest.mark.parametrize(("change", "field", "message"), INVALID, ids=[f"{c[1]}-{i}" for i, c in enumerate(INVALID)])
def test_each_rule_gives_a_message_next_to_its_field_and_stores_nothing(client, content, change, field, message):
    data = form_data(client, **change)
    response = sent_back(client, data)
    html = response.content.decode()
    error = re.search(rf'<p class="error" id="id_{field}_error">(.*?)</p>', html)
    assert error and message in error.group(1), html[html.find("form-errors") : html.find("form-errors") + 600]
    assert f'aria-describedby="id_{field}_error' in html or field in ("service_history", "consent")
    assert GoodwillRequest.objects.count() == 0
    # What the owner typed is kept, so one fix is enough.
    if field != "owner_name":
        assert 'value="Anna de Vries"' in html


def test_vin_is_normalised_when_valid(client, content):
    client.post(GENERAL, form_data(client, vin=" sjnfbak12u1234567 "))
    assert GoodwillRequest.objects.get().vin == "SJNFBAK12U1234567"


def test_the_honeypot_stops_bots(client, content):
    response = sent_back(client, form_data(client, website="http://spam.example"))
    assert GoodwillRequest.objects.count() == 0 and len(mail.outbox) == 0
    # A person whose browser filled it in can see it, empty it and send again.
    html = response.content.decode()
    assert '<div class="trap"' not in html and "Please leave this field empty." in html


@override_settings(GOODWILL_RATE_LIMIT=(3, 3600))
def test_too_many_submissions_from_one_client_get_429(client, content):
    for n in range(3):  # three different requests (the same one sent again is not counted)
        assert client.post(GENERAL, form_data(client, notes=f"Request {n}")).status_code == 302
    response = client.post(GENERAL, form_data(client, notes="Request 3"))
    assert response.status_code == 429
    assert "Too many requests from here" in text_of(response)
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= 3600
    assert f"Please send it again in {-(-retry_after // 60)} minute" in text_of(response)
    assert 'value="Anna de Vries"' in response.content.decode()  # what the owner typed is kept
    assert GoodwillRequest.objects.count() == 3
    # Another client is not affected, nor another owner (email) behind the same address.
    assert client.post(GENERAL, form_data(client), REMOTE_ADDR="192.0.2.7").status_code == 302
    assert client.post(GENERAL, form_data(client, owner_email="piet@example.org")).status_code == 302


@override_settings(GOODWILL_RATE_LIMIT=(2, 3600))
def test_only_valid_new_requests_count(client, content):
    for _typo in range(5):  # an owner fixing mistakes is never paused
        assert client.post(GENERAL, form_data(client, owner_email="not-an-email")).status_code == 303
    accepted = client.post(GENERAL, data := form_data(client))
    assert client.post(GENERAL, form_data(client, notes="A second request")).status_code == 302
    assert client.post(GENERAL, form_data(client, notes="A third request")).status_code == 429  # the limit is reached...
    # ...but the form already accepted, sent again (Back, then Send), still gets its letter.
    again = client.post(GENERAL, data)
    assert again.status_code == 302 and again["Location"] == accepted["Location"]
    assert GoodwillRequest.objects.count() == 2


@override_settings(GOODWILL_RATE_LIMIT=(10, 3600), GOODWILL_RATE_LIMIT_PER_ADDRESS=3)
def test_one_address_has_a_ceiling_whatever_the_emails(client, content):
    for n in range(3):
        assert client.post(GENERAL, form_data(client, owner_email=f"owner{n}@example.org")).status_code == 302
    assert client.post(GENERAL, form_data(client, owner_email="owner9@example.org")).status_code == 429


@override_settings(GOODWILL_RATE_LIMIT=(1, 3600))
def test_ipv6_clients_are_counted_per_64(client, content):
    assert client.post(GENERAL, form_data(client), REMOTE_ADDR="2001:db8:1:2::1").status_code == 302
    # Another address in the same /64 is the same phone or household.
    assert client.post(GENERAL, form_data(client, notes="Again"), REMOTE_ADDR="2001:db8:1:2:ffff::9").status_code == 429
    assert client.post(GENERAL, form_data(client, notes="Again"), REMOTE_ADDR="2001:db8:1:3::1").status_code == 302


@pytest.mark.parametrize(
    ("hops", "remote", "forwarded", "client_address"),
    [
        (0, "127.0.0.1", "198.51.100.1", "127.0.0.1"),  # no proxy configured: the header is ignored
        (1, "127.0.0.1", "198.51.100.1", "198.51.100.1"),
        (1, "127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # what the client wrote is ignored
        (2, "10.0.0.5", "6.6.6.6, 198.51.100.1, 10.0.0.9", "198.51.100.1"),  # CDN, then load balancer
        (2, "10.0.0.5", "198.51.100.1", "10.0.0.5"),  # fewer entries than proxies: not through them
        (1, "203.0.113.9", "6.6.6.6", "203.0.113.9"),  # straight to the app server: its own address
    ],
)
def test_the_client_address_is_read_through_exactly_the_configured_proxies(rf, settings, hops, remote, forwarded, client_address):
    from core.ratelimit import client_ip

    settings.TRUSTED_PROXY_HOPS = hops
    request = rf.post(GENERAL, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == client_address


def test_the_same_form_posted_twice_creates_one_request(client, content, django_capture_on_commit_callbacks):
    data = form_data(client)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(GENERAL, data)
        second = client.post(GENERAL, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert GoodwillRequest.objects.count() == 1
    assert len(mail.outbox) == 1


def test_dealer_link_names_the_dealer_on_the_page_and_in_the_letter(client, content):
    dealer = make_dealer()
    url = reverse("goodwill:goodwill_dealer", kwargs={"code": dealer.code})
    page = client.get(url)
    assert "Ask Nissan Testdorp for a free repair" in text_of(page)
    assert 'name="dealer"' not in page.content.decode()  # the link fixes the dealer
    response = client.post(url, form_data(client, url), follow=True)
    stored = GoodwillRequest.objects.get()
    assert stored.dealer == dealer
    text = text_of(response)
    assert text.index("Nissan Testdorp Testdorp, Netherlands Dear Sir or Madam,") > 0
    assert 'href="mailto:service@testdorp.example?subject=' in response.content.decode()


def test_general_page_lets_the_owner_pick_an_active_dealer(client, content):
    dealer = make_dealer()
    make_dealer(name="Closed dealer", code="closed", active=False)
    html = client.get(GENERAL).content.decode()
    assert "Nissan Testdorp" in html and "Closed dealer" not in html
    client.post(GENERAL, form_data(client, dealer=str(dealer.pk)))
    assert GoodwillRequest.objects.get().dealer == dealer


@pytest.mark.parametrize("code", ["unknown", "closed"])
def test_unknown_or_inactive_dealer_code_is_a_friendly_404(client, content, code):
    make_dealer(name="Closed dealer", code="closed", active=False)
    response = client.get(reverse("goodwill:goodwill_dealer", kwargs={"code": code}))
    assert response.status_code == 404
    assert "We don't know this dealer's link" in text_of(response)
    assert f'href="{GENERAL}"' in response.content.decode()
    assert client.post(reverse("goodwill:goodwill_dealer", kwargs={"code": code}), {}).status_code == 404


def test_diagnosis_is_prefilled_from_the_outcome(client, content):
    html = client.get(GENERAL, {"outcome": "mechanism-seized", "a": "find-cause"}).content.decode()
    assert "The lock mechanism has seized. Besides the switch, the lock itself can wear out." in html
    assert 'name="outcome" value="mechanism-seized"' in html
    client.post(GENERAL, form_data(client, f"{GENERAL}?outcome=mechanism-seized"))
    assert GoodwillRequest.objects.get().outcome.slug == "mechanism-seized"


def test_unknown_outcome_is_ignored(client, content):
    html = client.get(GENERAL, {"outcome": "<script>"}).content.decode()
    assert '<input type="hidden" name="outcome" id="id_outcome">' in html  # no value carried
    assert "From your diagnosis" not in html and "<script>" not in html.split("<body")[1]


def test_an_outcome_retired_while_the_owner_types_is_dropped_not_an_error(client, content):
    from troubleshooter.models import DiagnosisVersion

    data = form_data(client, f"{GENERAL}?outcome=mechanism-seized")
    DiagnosisVersion.objects.update(status=DiagnosisVersion.Status.RETIRED)
    assert client.post(GENERAL, data).status_code == 302
    stored = GoodwillRequest.objects.get()
    assert stored.outcome is None and stored.diagnosis  # the owner's text stays


def test_service_history_starts_with_nothing_ticked(client, content):
    html = client.get(GENERAL).content.decode()
    radios = re.findall(r'<input type="radio" name="service_history"[^>]*>', html)
    assert len(radios) == 3 and not any("checked" in radio for radio in radios)


def test_consent_names_the_real_retention_period(client, content, settings):
    settings.GOODWILL_RETENTION_DAYS = 90
    assert "erases them after 90 days" in text_of(client.get(GENERAL))


def test_going_back_to_fix_a_typo_gives_a_letter_with_the_fix(client, content):
    data = form_data(client)
    first = client.post(GENERAL, data)
    fixed = client.post(GENERAL, {**data, "registration": "AB-123-D"})  # same form, corrected
    assert first["Location"] != fixed["Location"]
    assert sorted(GoodwillRequest.objects.values_list("registration", flat=True)) == ["AB-123-C", "AB-123-D"]
    assert "registration AB-123-D" in text_of(client.get(fixed["Location"]))


def test_the_same_answers_sent_again_from_a_new_form_give_the_same_letter(client, content):
    """Back after the letter brings a new copy of the form (never kept, so a new one-time key):
    sending the same answers again is the same request, not a second one for the dealer."""
    first = client.post(GENERAL, form_data(client))
    again = client.post(GENERAL, form_data(client))  # a fresh form, the same answers
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert GoodwillRequest.objects.count() == 1
    other = client.post(GENERAL, form_data(client, owner_email="piet@example.org"))
    assert other["Location"] != first["Location"]
    assert GoodwillRequest.objects.count() == 2


def test_someone_elses_browser_with_the_same_answers_never_gets_their_letter(client, content):
    """Only the browser that made a letter is sent back to it: knowing an owner's details must
    not reveal the link that is theirs alone."""
    first = client.post(GENERAL, form_data(client))
    stranger = Client()
    theirs = stranger.post(GENERAL, form_data(stranger))
    assert theirs.status_code == 302 and theirs["Location"] != first["Location"]
    assert GoodwillRequest.objects.count() == 2


def test_the_diagnosis_hint_says_filled_in_only_when_it_was(client, content):
    assert "Filled in from your diagnosis" not in text_of(client.get(GENERAL))
    assert "The diagnosis on this site can fill this in for you" in text_of(client.get(GENERAL))
    carried = text_of(client.get(GENERAL, {"outcome": "microswitch-failed"}))
    assert "Filled in from your diagnosis" in carried


def test_form_pages_are_never_cached(client, content):
    assert "no-store" in client.get(GENERAL)["Cache-Control"]


def test_hostile_input_is_escaped_on_the_letter_page(client, content):
    dealer = make_dealer(name=f"Dealer {HOSTILE}")
    url = reverse("goodwill:goodwill_dealer", kwargs={"code": dealer.code})
    data = form_data(client, url, owner_name=f"Anna {HOSTILE}", diagnosis=HOSTILE, notes=HOSTILE)
    response = client.post(url, data, follow=True)
    html = response.content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    mailto = re.search(r'href="(mailto:[^"]*)"', html).group(1)
    assert "<" not in mailto and '"' not in mailto


def test_hostile_input_is_escaped_in_the_admin(admin_client, client, content):
    client.post(GENERAL, form_data(client, owner_name=f"Anna {HOSTILE}", notes=HOSTILE))
    stored = GoodwillRequest.objects.get()
    changelist = admin_client.get(reverse("admin:goodwill_goodwillrequest_changelist")).content.decode()
    change = admin_client.get(reverse("admin:goodwill_goodwillrequest_change", args=[stored.pk])).content.decode()
    for html in (changelist, change):
        assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in changelist


def test_token_is_long_random_and_cannot_be_guessed_or_listed(client, content):
    for n in range(3):
        client.post(GENERAL, form_data(client, notes=f"Request {n}"))
    tokens = list(GoodwillRequest.objects.values_list("token", flat=True))
    assert len(set(tokens)) == 3 and all(len(t) >= 43 for t in tokens)  # 256 random bits
    token = tokens[0]
    assert client.get(reverse("goodwill:goodwill_request", kwargs={"token": token})).status_code == 200
    for guess in [token[:-1], token[:-1] + ("A" if token[-1] != "A" else "B"), "1", GoodwillRequest.objects.first().reference]:
        assert client.get(reverse("goodwill:goodwill_request", kwargs={"token": guess})).status_code == 404
    assert client.get("/goodwill/r/").status_code == 404  # no listing
    page = client.get(reverse("goodwill:goodwill_request", kwargs={"token": token}))
    assert "no-store" in page["Cache-Control"] and page["X-Robots-Tag"].startswith("noindex")
    # Never sent to another site; "same-origin", not "no-referrer", which makes browsers send
    # "Origin: null" with the page's own forms (a reply, a withdrawal) and CSRF refuse them.
    assert page["Referrer-Policy"] == "same-origin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_failed_email_loses_nothing_and_can_be_retried(client, content, django_capture_on_commit_callbacks):
    # A real SMTP connection to a port where nothing listens: the send fails for real.
    broken = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    with override_settings(MAILERS=broken), django_capture_on_commit_callbacks(execute=True):
        response = client.post(GENERAL, form_data(client), follow=True)
    assert response.status_code == 200 and "Your reference" in text_of(response)
    stored = GoodwillRequest.objects.get()
    assert stored.email_sent_at is None
    call_command("send_goodwill_emails")
    stored.refresh_from_db()
    assert stored.email_sent_at is not None and len(mail.outbox) == 1
    assert GoodwillRequest.objects.count() == 1


def staff(permission_codenames=(), username="editor") -> User:
    user = User.objects.create_user(username, password="pw", is_staff=True)
    for codename in permission_codenames:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


def test_only_staff_with_the_permission_see_requests(client, content):
    client.post(GENERAL, form_data(client))
    url = reverse("admin:goodwill_goodwillrequest_changelist")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(staff())
    assert client.get(url).status_code == 403  # staff, but without the permission
    client.force_login(staff(["view_goodwillrequest"], username="reviewer"))
    assert client.get(url).status_code == 200


def test_admin_filters_and_csv_export(admin_client, client, content):
    dealer = make_dealer()
    client.post(GENERAL, form_data(client, dealer=str(dealer.pk), owner_name="=HYPERLINK(1)"))
    client.post(GENERAL, form_data(client))
    url = reverse("admin:goodwill_goodwillrequest_changelist")
    assert admin_client.get(url, {"dealer__id__exact": dealer.pk}).context["cl"].result_count == 1
    assert admin_client.get(url, {"status__exact": "new"}).context["cl"].result_count == 2
    ids = [str(pk) for pk in GoodwillRequest.objects.values_list("pk", flat=True)]
    response = admin_client.post(url, {"action": "export_csv", "_selected_action": ids})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["reference", "created_at", "status"] and len(rows) == 3
    assert "'=HYPERLINK(1)" in [row[4] for row in rows[1:]]  # a formula stays text in a spreadsheet


def test_old_personal_data_is_erased_and_the_rest_kept(client, content):
    client.post(GENERAL, form_data(client))
    client.post(GENERAL, form_data(client, owner_name="Recent Owner"))
    old = GoodwillRequest.objects.exclude(owner_name="Recent Owner").get()
    # Every field that says who the owner is or what they wrote, each filled in before.
    personal = {
        "owner_name": "Anna Jansen",
        "owner_email": "anna@example.org",
        "owner_phone": "+31 6 12345678",
        "registration": "AB-123-C",
        "vin": "SJNFAAK12U0123456",
        "notes": "Call me after five.",
        "diagnosis": "The microswitch has failed.",
    }
    GoodwillRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400), **personal)
    call_command("erase_goodwill_personal_data", "--days", "365")
    old.refresh_from_db()
    assert {field: getattr(old, field) for field in personal} == dict.fromkeys(personal, "")
    assert old.personal_data_erased_at and old.reference and old.mileage_km == 123000
    assert GoodwillRequest.objects.get(owner_name="Recent Owner").owner_email == "anna@example.org"
    page = client.get(old.get_absolute_url())
    assert "have been erased" in text_of(page)


def test_outcome_pages_that_suggest_goodwill_link_here_with_the_diagnosis(client, content):
    url = reverse("troubleshooter:diagnosis", kwargs={"slug": Problem.objects.get().slug})
    html = client.get(url + "?signs=answered&signs=click-stays-shut&behind-trim=yes&latch=stiff").content.decode()
    link = re.search(r'href="(/goodwill/\?outcome=mechanism-seized[^"]*)"', html).group(1).replace("&amp;", "&")
    assert "The lock mechanism has seized." in client.get(link).content.decode()


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠"])
def test_every_formula_lead_is_neutralised_in_the_csv_export(admin_client, content, lead):
    # Stored as given (the form strips spaces; other ways in, such as an import, may not).
    request = make_goodwill_request(form_key=f"csv-{ord(lead)}", owner_name=f"{lead}SUM(A1:A9)")
    url = reverse("admin:goodwill_goodwillrequest_changelist")
    response = admin_client.post(url, {"action": "export_csv", "_selected_action": [str(request.pk)]})
    rows = list(csv.reader(io.StringIO(response.content.decode(), newline="")))
    assert rows[1][rows[0].index("owner_name")] == f"'{lead}SUM(A1:A9)"


@pytest.mark.parametrize("typed", ["98.000", "98,000", "98 000 km", "98000"])
def test_the_mileage_is_read_as_owners_write_it(client, content, typed):
    assert client.post(GENERAL, form_data(client, mileage_km=typed)).status_code == 302
    assert GoodwillRequest.objects.get().mileage_km == 98000


def test_a_reload_of_the_form_sent_back_keeps_the_messages_and_what_was_typed(client, content):
    response = sent_back(client, form_data(client, first_registration_year="07"))
    again = client.get(GENERAL)  # Reload
    for page in (response, again):
        html = page.content.decode()
        assert "Please check the marked fields" in html and 'value="Anna de Vries"' in html
    assert client.post(GENERAL, form_data(client)).status_code == 302  # sent at last
    assert "Please check the marked fields" not in client.get(GENERAL).content.decode()  # a new form after
