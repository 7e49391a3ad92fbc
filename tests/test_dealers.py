"""Dealers: their own sign-in and pages, requests that reach them only with the owner's consent
and a confirmed address, their answers and the owner's replies, and nothing of another dealer's."""

import html
import io
import re
import threading
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from goodwill import services
from goodwill.models import Dealer, DealerMember, GoodwillRequest, RequestStep
from tests.factories import make_goodwill_request
from tests.test_goodwill import form_data

PASSWORD = "a dealer's own pass phrase"


def make_dealer(code="testdorp", **fields) -> Dealer:
    values = {
        "name": f"Nissan {code.title()}",
        "code": code,
        "town": code.title(),
        "country": "NL",
        "email": f"{code}@dealer.example",
    }
    return Dealer.objects.create(**values | fields)


def dealer_client(dealer: Dealer, username: str = "") -> Client:
    """A signed-in user of `dealer`, through the dealers' own sign-in page."""
    username = username or f"{dealer.code}-desk"
    member, _link = services.add_dealer_user(username, f"{username}@dealer.example", dealer)
    member.user.set_password(PASSWORD)
    member.user.save()
    client = Client()
    response = client.post(reverse("dealers:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:1500]
    return client


def shared_request(dealer: Dealer, **fields) -> GoodwillRequest:
    """An owner's request that named the dealer, asked to share it and confirmed their address."""
    item = make_goodwill_request(
        form_key=f"form-{GoodwillRequest.objects.count()}", dealer=dealer, share_with_dealer=True, **fields
    )
    assert services.confirm_email(item, item.confirm_key)
    item.refresh_from_db()
    return item


def answer(client, item, kind, text="", seen=None):
    url = reverse("dealers:request_detail", kwargs={"pk": item.pk})
    seen = item.steps.count() if seen is None else seen
    return client.post(url, {"kind": kind, "text": text, "seen_steps": seen}, follow=True)


def test_a_shared_request_reaches_the_dealer_only_after_the_owner_confirms(client, content, django_capture_on_commit_callbacks):
    dealer = make_dealer()
    link = reverse("goodwill:goodwill_dealer", kwargs={"code": dealer.code})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link, form_data(client, link, share_with_dealer="on"), follow=True)
    item = GoodwillRequest.objects.get()
    assert item.dealer == dealer and item.share_with_dealer and item.shared_at is None
    assert "confirm your address there" in response.content.decode()
    owner_mail = mail.outbox[-1]
    confirm = re.search(r"http://testserver(/goodwill/r/\S+/confirm/\S+/)", owner_mail.body).group(1)
    assert len(mail.outbox) == 1  # the dealer is told nothing yet

    desk = dealer_client(dealer)
    assert item.reference not in desk.get(reverse("dealers:home")).content.decode()
    assert desk.get(reverse("dealers:request_detail", kwargs={"pk": item.pk})).status_code == 404

    # Opening the link (a mail scanner would) confirms nothing; the button does.
    assert client.get(confirm).status_code == 200
    item.refresh_from_db()
    assert item.email_confirmed_at is None
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm)
    item.refresh_from_db()
    assert item.shared_at is not None and item.status == GoodwillRequest.Status.SENT
    dealer_mail = mail.outbox[-1]
    assert dealer_mail.to[0] == dealer.email and f"/dealer/requests/{item.pk}/" in dealer_mail.body
    for personal in (item.owner_name, item.owner_email, item.registration):
        assert personal not in dealer_mail.body + dealer_mail.subject  # a link, no personal data
    page = desk.get(reverse("dealers:home")).content.decode()
    assert item.reference in page and "New (1)" in page
    detail = desk.get(reverse("dealers:request_detail", kwargs={"pk": item.pk})).content.decode()
    assert item.owner_name in detail and item.registration in detail
    assert "Seen, waiting for an answer (1)" in desk.get(reverse("dealers:home")).content.decode()


def test_without_the_share_box_or_before_this_change_a_request_never_reaches_the_dealer(client, content):
    dealer = make_dealer()
    unticked = make_goodwill_request(form_key="a", dealer=dealer)  # the box left empty
    old = make_goodwill_request(form_key="b", dealer=dealer)  # made before sharing existed: the same
    assert unticked.confirm_key == "" and not services.confirm_email(unticked, "")
    assert not services.confirm_email(old, "anything")
    desk = dealer_client(dealer)
    for item in (unticked, old):
        assert desk.get(reverse("dealers:request_detail", kwargs={"pk": item.pk})).status_code == 404
    assert GoodwillRequest.objects.filter(shared_at__isnull=False).count() == 0


def test_a_question_a_reply_and_an_acceptance_reach_each_side(client, content, django_capture_on_commit_callbacks):
    dealer = make_dealer()
    item = shared_request(dealer)
    desk = dealer_client(dealer)
    with django_capture_on_commit_callbacks(execute=True):
        answer(desk, item, "question", "When was the last service? <script>alert(1)</script>")
    assert mail.outbox[-1].to == [item.owner_email] and item.get_absolute_url() in mail.outbox[-1].body
    letter = client.get(item.get_absolute_url()).content.decode()
    assert "When was the last service?" in letter and "&lt;script&gt;" in letter and "<script>alert" not in letter

    reply_url = reverse("goodwill:reply", kwargs={"token": item.token})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reply_url, {"text": "In March, at your workshop.", "seen_steps": 1})
    assert mail.outbox[-1].to[0] == dealer.email and "replied" in mail.outbox[-1].subject
    assert "In March, at your workshop." in desk.get(reverse("dealers:request_detail", kwargs={"pk": item.pk})).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        answer(desk, item, "accepted", "Book on 010-1234567; bring this letter.")
    item.refresh_from_db()
    assert item.status == GoodwillRequest.Status.ACCEPTED
    letter = client.get(item.get_absolute_url()).content.decode()
    assert "Accepted" in letter and "Book on 010-1234567" in letter
    steps = list(item.steps.values_list("number", "kind", "by_owner"))
    assert steps == [(1, "question", False), (2, "reply", True), (3, "accepted", False)]
    # Answered: nothing more can be added, by either side.
    again = answer(desk, item, "declined", "Changed our mind")
    assert "answered already" in again.content.decode() and item.steps.count() == 3


def test_a_withdrawn_request_shows_the_dealer_only_that(client, content):
    dealer = make_dealer()
    item = shared_request(dealer, notes="Please call after five.")
    client.post(reverse("goodwill:withdraw", kwargs={"token": item.token}), {"seen_steps": 0})
    item.refresh_from_db()
    assert item.status == GoodwillRequest.Status.WITHDRAWN
    desk = dealer_client(dealer)
    page = desk.get(reverse("dealers:request_detail", kwargs={"pk": item.pk})).content.decode()
    assert "withdrew this request" in page
    for personal in (item.owner_name, item.owner_email, item.registration, "Please call after five."):
        assert personal not in page
    refused = answer(desk, item, "accepted")
    assert "withdrew" in refused.content.decode() and item.steps.count() == 1
    # The owner's own reply after withdrawing: a clear message on the letter page.
    response = client.post(reverse("goodwill:reply", kwargs={"token": item.token}), {"text": "hi", "seen_steps": 1}, follow=True)
    assert "The owner withdrew this request." in response.content.decode()


def test_two_answers_sent_at_once_store_one(live_content):
    dealer = make_dealer()
    item = shared_request(dealer)
    member_a = dealer_client(dealer, "desk-a")
    member_b = dealer_client(dealer, "desk-b")
    start = threading.Barrier(2)
    pages = {}

    def send(name, client, kind):
        start.wait()
        pages[name] = answer(client, item, kind, f"{name} says {kind}").content.decode()
        connection.close()

    threads = [
        threading.Thread(target=send, args=("a", member_a, "accepted")),
        threading.Thread(target=send, args=("b", member_b, "declined")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert RequestStep.objects.filter(request=item).count() == 1
    told = [name for name, page in pages.items() if "read it, then decide again" in page or "answered already" in page]
    assert len(told) == 1  # the other sender is told, nothing of theirs stored


def test_every_dealer_page_refuses_another_dealers_request_and_signed_out_visitors(client, content):
    ours, theirs = make_dealer("ours"), make_dealer("theirs")
    their_request = shared_request(theirs)
    desk = dealer_client(ours)
    detail = reverse("dealers:request_detail", kwargs={"pk": their_request.pk})
    assert desk.get(detail).status_code == 404
    assert answer(desk, their_request, "accepted").status_code == 404
    assert their_request.reference not in desk.get(reverse("dealers:home")).content.decode()
    assert RequestStep.objects.count() == 0
    pages = [reverse("dealers:home"), reverse("dealers:card"), detail]
    for url in pages:
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("dealers:login")), url
        assert Client().post(url, {"kind": "accepted", "seen_steps": 0}).status_code in (302, 405), url
    assert RequestStep.objects.count() == 0
    # Dealer pages are never stored: not by a cache, not by the offline worker.
    response = desk.get(reverse("dealers:home"))
    assert "no-store" in response["Cache-Control"]
    assert '"/dealer/"' in client.get(reverse("troubleshooter:service_worker")).content.decode()


def test_staff_cannot_use_the_dealers_pages_and_dealers_cannot_use_the_admin(admin_user, content):
    dealer = make_dealer()
    staff = Client()
    response = staff.post(reverse("dealers:login"), {"username": admin_user.username, "password": "password"})
    assert response.status_code == 200 and "can't sign in to the dealers' pages" in html.unescape(response.content.decode())
    desk = dealer_client(dealer)
    assert desk.get(reverse("admin:index")).status_code == 302  # the admin's own sign-in
    member = DealerMember.objects.get()
    assert not member.user.is_staff


def test_an_inactive_dealers_users_cannot_sign_in_and_its_link_is_gone(client, content):
    dealer = make_dealer()
    desk = dealer_client(dealer)
    Dealer.objects.filter(pk=dealer.pk).update(active=False)
    assert desk.get(reverse("dealers:home")).status_code == 302  # signed in before: out now
    response = Client().post(reverse("dealers:login"), {"username": "testdorp-desk", "password": PASSWORD})
    assert "can't sign in" in html.unescape(response.content.decode())
    assert client.get(reverse("goodwill:goodwill_dealer", kwargs={"code": dealer.code})).status_code == 404


def test_an_invited_dealer_user_sets_a_password_once_then_signs_in(content):
    dealer = make_dealer()
    out = io.StringIO()
    call_command(
        "add_staff_user", "desk", "--role", "dealer", "--dealer", dealer.code, "--email", "desk@dealer.example", stdout=out
    )
    link = re.search(r"http://testserver(/dealer/password/\S+/)", out.getvalue()).group(1)
    assert "/dealer/password/" in mail.outbox[-1].body and "/dealer/" in mail.outbox[-1].body
    browser = Client()
    form = browser.get(link, follow=True)
    set_url = form.redirect_chain[-1][0]
    done = browser.post(set_url, {"new_password1": PASSWORD, "new_password2": PASSWORD}, follow=True)
    assert "Password saved" in done.content.decode()
    reused = Client().get(link, follow=True).content.decode()
    assert "expired or was used already" in reused and reverse("dealers:password_reset") in reused
    assert Client().post(reverse("dealers:login"), {"username": "desk", "password": PASSWORD}).status_code == 302


@override_settings(SITE_URL="https://micra.example")
def test_the_qr_code_holds_the_dealers_full_link_on_site_url_whatever_the_host(client, content):
    import zxingcpp
    from PIL import Image

    dealer = make_dealer()
    png = client.get(reverse("goodwill:dealer_qr_png", kwargs={"code": dealer.code}), HTTP_HOST="localhost")
    assert png["Content-Type"] == "image/png"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    assert [code.text for code in decoded] == ["https://micra.example/goodwill/testdorp/"]
    svg = client.get(reverse("goodwill:dealer_qr_svg", kwargs={"code": dealer.code}))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert client.get(reverse("goodwill:dealer_qr_png", kwargs={"code": "nobody"})).status_code == 404
    desk = dealer_client(dealer)
    page = desk.get(reverse("dealers:home"), HTTP_HOST="localhost").content.decode()
    assert "https://micra.example/goodwill/testdorp/" in page
    card = desk.get(reverse("dealers:card")).content.decode()
    assert "https://micra.example/goodwill/testdorp/" in card and "qr.svg" in card


def test_link_opens_are_counted_from_the_page_cache_too(content):
    dealer = make_dealer()
    link = reverse("goodwill:goodwill_dealer", kwargs={"code": dealer.code})
    Client().get(link)
    second = Client().get(link)
    assert second["X-Page-Cache"] == "hit"
    desk = dealer_client(dealer)
    assert "Your link was opened 2 times" in desk.get(reverse("dealers:home")).content.decode()


def test_one_reminder_for_an_unanswered_request(content):
    dealer = make_dealer()
    item = shared_request(dealer)
    answered = shared_request(dealer)
    GoodwillRequest.objects.update(shared_at=timezone.now() - timedelta(days=6))
    services.add_step(answered, "question", "Which year?", seen_steps=0)
    mail.outbox.clear()
    call_command("send_dealer_reminders", stdout=io.StringIO())
    assert [m.subject for m in mail.outbox] == [f"Reminder: goodwill request {item.reference} is waiting for your answer"]
    call_command("send_dealer_reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 1  # once


def test_erasure_covers_the_answers_and_replies(content):
    dealer = make_dealer()
    item = shared_request(dealer)
    services.add_step(item, "question", "What is your phone number?", seen_steps=0)
    services.add_step(item, "reply", "06 12345678", seen_steps=1)
    GoodwillRequest.objects.update(created_at=timezone.now() - timedelta(days=400))
    call_command("erase_goodwill_personal_data", stdout=io.StringIO())
    assert list(RequestStep.objects.values_list("text", flat=True)) == ["", ""]
    with pytest.raises(services.StepRefused, match="erased"):
        services.add_step(GoodwillRequest.objects.get(pk=item.pk), "reply", "again", seen_steps=2)


def test_acceptance_figures_show_only_from_five_answers_with_their_period(content):
    from django.core.cache import cache

    dealer = make_dealer()
    general = reverse("goodwill:goodwill")
    for n in range(5):
        item = shared_request(dealer)
        services.add_step(item, "accepted" if n < 4 else "declined", "ok" if n < 4 else "no", seen_steps=0)
        if n == 3:  # four answered: no figures, so no owner can be recognised
            assert "What dealers answered on this site" not in Client().get(general).content.decode()
    # The page cache keeps a copy at most GOODWILL_FIGURES_SECONDS (its key holds the period):
    # a new period is a new key, as here.
    cache.clear()
    text = html.unescape(Client().get(general).content.decode())
    assert "dealers answered 5 requests sent through this site and accepted 4 of them (80%)" in text
    assert f"From {timezone.localdate():%B %Y} to {timezone.localdate():%B %Y}" in text
    assert f"{dealer.name}: 4 of 5 accepted (80%)" in text
    own = html.unescape(Client().get(reverse("goodwill:goodwill_dealer", kwargs={"code": dealer.code})).content.decode())
    assert f"{dealer.name}: 4 of 5 accepted (80%)." in own


def test_the_error_summary_names_fields_in_a_few_words(client, content):
    response = client.post(reverse("goodwill:goodwill"), form_data(client, consent=""), follow=True)
    summary = re.search(r'id="form-errors".*?</div>', response.content.decode(), re.S).group(0)
    assert "Agreeing that we store your details</a>: We can only make your letter" in summary
    assert "erases them after" not in summary  # not the whole label
    assert urlsplit(response.redirect_chain[0][0]).path == reverse("goodwill:goodwill")


def test_a_page_with_a_lifetime_gets_a_new_key_each_period(rf):
    import time

    from pagecache.cache import PageRules, page_key

    request = rf.get("/goodwill/")
    keys = []
    for _period in range(2):
        keys.append((page_key(request, "v1", PageRules(lifetime=1)), page_key(request, "v1", PageRules())))
        time.sleep(1.05)
    (first, plain_first), (second, plain_second) = keys
    assert first != second and plain_first == plain_second


def test_wrong_passwords_lock_a_dealer_out_as_for_staff(content, settings):
    dealer = make_dealer()
    services.add_dealer_user("desk", "desk@dealer.example", dealer)
    browser = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        browser.post(reverse("dealers:login"), {"username": "desk", "password": "wrong"})
    locked = browser.post(reverse("dealers:login"), {"username": "desk", "password": "wrong"})
    text = html.unescape(locked.content.decode())
    assert locked.status_code == 429 and "sign-in is paused" in text and reverse("dealers:password_reset") in text


def test_an_answer_changes_no_content_version_and_liaison_reads_the_thread(admin_client, content):
    from pagecache.cache import content_version

    dealer = make_dealer()
    item = shared_request(dealer)
    before = content_version()
    services.add_step(item, "question", "Which workshop serviced it?", seen_steps=0)
    services.add_step(item, "reply", "Yours, in March.", seen_steps=1)
    assert content_version() == before
    page = admin_client.get(reverse("admin:goodwill_goodwillrequest_change", args=[item.pk])).content.decode()
    assert "Which workshop serviced it?" in page and "Yours, in March." in page


def test_a_very_long_answer_is_refused_with_a_message_and_nothing_stored(content):
    dealer = make_dealer()
    item = shared_request(dealer)
    desk = dealer_client(dealer)
    page = answer(desk, item, "question", "x" * 2001)
    assert "at most 2000 characters" in page.content.decode() and item.steps.count() == 0


def test_the_letter_names_the_owners_own_fault_and_reads_right_for_a_dealer(client, content):
    from troubleshooter.models import Cause

    cause = Cause.objects.get(version__status="published", slug="mechanism-seized")
    item = make_goodwill_request(outcome=cause, service_history=GoodwillRequest.ServiceHistory.ELSEWHERE)
    letter = html.unescape(client.get(item.get_absolute_url()).content.decode())
    assert f"The likely cause: {cause.name}." in letter
    assert "It has been serviced at an independent garage or by myself." in letter
    assert "At another garage, or by myself" not in letter


def test_the_dealers_list_flags_an_owners_reply_and_pages_carry_the_sites_name(content, settings):
    dealer = make_dealer()
    item = shared_request(dealer)
    desk = dealer_client(dealer)
    answer(desk, item, "question", "Which year?")
    services.add_step(item, "reply", "2007", seen_steps=1)
    home = html.unescape(desk.get(reverse("dealers:home")).content.decode())
    row = re.search(rf"<li>.*?{item.reference}.*?</li>", home, re.S).group(0)
    assert "the owner replied" in row and item.registration in row and item.owner_name in row
    sign_in = Client().get(reverse("dealers:login"), HTTP_HOST="localhost").content.decode()
    assert f">{settings.SITE_NAME}</a>" in sign_in  # not the request's host


def test_the_letter_page_says_where_the_request_stands(client, content):
    dealer = make_dealer()
    item = shared_request(dealer)
    letter = html.unescape(client.get(item.get_absolute_url()).content.decode())
    assert "Sent to the dealer on" in letter and "you don't need to email it too" in letter
    services.add_step(item, "accepted", "Call 010-1234567 or write to desk@dealer.example", seen_steps=0)
    letter = html.unescape(client.get(item.get_absolute_url()).content.decode())
    assert "The dealer accepted your request." in letter and "You get an email when they answer" not in letter
    assert 'href="mailto:desk@dealer.example"' in letter  # tappable
