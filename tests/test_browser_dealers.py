"""A dealer from invitation to answer, and the owner on a phone, in Debian's Chromium: the liaison
invites the dealer, the dealer sets a password, prints the counter card and asks the owner a
question about a request the owner shared and confirmed; the owner replies on the letter page;
the dealer accepts; every e-mail on the way was sent."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from playwright.sync_api import expect

from core.roles import DEALER_LIAISON, sync_roles
from goodwill.models import Dealer, GoodwillRequest
from tests.conftest import PHONE
from tests.test_browser_editor import log_in

pytestmark = pytest.mark.browser

DESK = {"width": 1280, "height": 900}


def test_a_dealer_answers_a_shared_request_and_the_owner_replies_on_the_letter_page(
    browser, live_server, live_content, django_user_model
):
    Dealer.objects.create(
        name="Nissan Testdorp", code="testdorp", town="Testdorp", country="Netherlands", email="service@testdorp.example"
    )
    sync_roles()
    liaison = django_user_model.objects.create_user("liaison", "liaison@example.org", "a long pass phrase", is_staff=True)
    liaison.groups.add(Group.objects.get(name=DEALER_LIAISON))
    mail.outbox.clear()

    # The liaison invites the dealer's staff member.
    desk = browser.new_context(viewport=DESK)
    admin = desk.new_page()
    admin.set_default_timeout(10_000)
    log_in(admin, live_server, "liaison")
    admin.goto(f"{live_server.url}/admin/goodwill/dealermember/add/")
    admin.locator("#id_username").fill("marco")
    admin.locator("#id_email").fill("marco@testdorp.example")
    admin.locator("#id_dealer").select_option(label="Nissan Testdorp, Testdorp")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("Invitation sent to marco@testdorp.example")
    invitation = mail.outbox[-1]
    assert invitation.to == ["marco@testdorp.example"]
    desk.close()

    # The dealer chooses a password, signs in, prints the counter card.
    dealer_context = browser.new_context(viewport=DESK)
    page = dealer_context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + re.search(r"https?://[^/\s]+(/dealer/password/\S+)", invitation.body).group(1))
    page.get_by_label("New password", exact=True).fill("marco's own pass phrase")
    page.get_by_label("New password confirmation").fill("marco's own pass phrase")
    page.get_by_role("button", name="Save my password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Password saved")
    # And signs in at once, in the same tab (the offline worker installing meanwhile, whose own
    # copies once came back deleting the new session's cookie: see templates/offline/sw.js).
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill("marco")
    page.get_by_label("Password").fill("marco's own pass phrase")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nissan Testdorp")
    expect(page.locator(".dealer-link")).to_contain_text("/goodwill/testdorp/")
    page.get_by_role("link", name="Print a counter card (A5)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Micra boot lock won't open?")  # the card's page, loaded
    page.emulate_media(media="print")
    expect(page.locator(".counter-card")).to_be_visible()
    expect(page.locator(".site-header")).to_be_hidden()
    assert page.locator(".card-qr").evaluate("img => img.complete && img.naturalWidth > 0")
    page.emulate_media(media="screen")

    # An owner on a phone: through the dealer's link, sharing the request, then confirming.
    owner_context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    phone = owner_context.new_page()
    phone.set_default_timeout(10_000)
    phone.goto(f"{live_server.url}/goodwill/testdorp/")
    phone.get_by_label("Registration number").fill("ab-123-c")
    phone.get_by_label("Year of first registration").fill("2007")
    phone.get_by_label("Mileage in km").fill("123000")
    phone.get_by_label("Always at an official dealer").check()
    phone.locator("#id_diagnosis").fill("The boot won't open with the button; the remote works.")
    phone.get_by_label("Your name").fill("Anna de Vries")
    phone.get_by_label("Your email").fill("anna@example.org")
    phone.get_by_label(re.compile("I agree that this site stores")).check()
    consent = phone.get_by_label(re.compile("I agree that this site stores"))
    box = consent.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24  # a full-size box beside its long label
    label_box = phone.locator("label[for=id_consent]").bounding_box()
    assert label_box["height"] >= 48  # and the whole label is the tap target
    phone.get_by_label(re.compile("Also send this request to the dealer")).check()
    phone.get_by_role("button", name="Make my letter").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your letter to the dealer")
    expect(phone.locator(".thread")).to_contain_text("confirm your address there")
    item = GoodwillRequest.objects.get()
    assert item.shared_at is None
    confirm = re.search(r"https?://[^/\s]+(/goodwill/r/\S+/confirm/\S+/)", mail.outbox[-1].body).group(1)
    phone.goto(live_server.url + confirm)
    phone.get_by_role("button", name="Confirm my address").tap()
    expect(phone.locator(".messages")).to_contain_text("the dealer can now see your request")

    # The dealer sees it, and asks a question.
    page.goto(f"{live_server.url}/dealer/")
    expect(page.get_by_role("heading", name="New (1)")).to_be_visible()
    page.get_by_role("link", name=item.reference).click()
    expect(page.locator(".request-facts")).to_contain_text("Anna de Vries")
    page.get_by_label("Ask the owner something first").check()
    page.get_by_label("A note for the owner").fill("When was the car last serviced here?")
    page.get_by_role("button", name="Send to the owner").click()
    expect(page.locator(".messages")).to_contain_text("Sent")

    # The owner replies on the letter page (the link from the e-mail).
    letter = re.search(r"https?://[^/\s]+(/goodwill/r/\S+/)", mail.outbox[-1].body).group(1)
    phone.goto(live_server.url + letter)
    expect(phone.locator(".thread")).to_contain_text("When was the car last serviced here?")
    phone.get_by_label("Your reply to the dealer").fill("In March, at your workshop.")
    phone.get_by_role("button", name="Send my reply").tap()
    expect(phone.locator(".messages")).to_contain_text("Your reply was sent to the dealer.")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The dealer reads the reply and accepts.
    page.reload()
    expect(page.locator(".steps-thread")).to_contain_text("In March, at your workshop.")
    page.get_by_label("Accept: we will do the repair as goodwill").check()
    page.get_by_label("A note for the owner").fill("Book on 010-1234567 and bring your letter.")
    page.get_by_role("button", name="Send to the owner").click()
    expect(page.locator(".messages")).to_contain_text("Sent")

    phone.goto(live_server.url + letter)
    expect(phone.locator(".thread")).to_contain_text("Accepted")
    expect(phone.locator(".thread")).to_contain_text("Book on 010-1234567 and bring your letter.")
    expect(phone.get_by_role("button", name="Send my reply")).to_have_count(0)

    subjects = [m.subject for m in mail.outbox]
    assert subjects == [
        "Your dealer account on Micra boot lock help",
        f"Your goodwill letter ({item.reference})",
        f"New goodwill request {item.reference}",
        f"Nissan Testdorp asked you a question about your goodwill request {item.reference}",
        f"The owner replied: goodwill request {item.reference}",
        f"Nissan Testdorp answered your goodwill request {item.reference}",
    ]
    assert mail.outbox[1].to == ["anna@example.org"] and item.reference in mail.outbox[1].body
    owner_context.close()
    dealer_context.close()
