"""The diagnosis over HTTP: state in the URL, canonical links, HTMX vs full page, outcomes, old links, feedback, search."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.pagetext import read_page, text_of
from troubleshooter.models import Cause, DiagnosisVersion, Feedback

PROBLEM = "micra-k12-boot-lock"
URL = reverse("troubleshooter:diagnosis", kwargs={"slug": PROBLEM})
OUTCOME = reverse("troubleshooter:outcome_detail", kwargs={"problem_slug": PROBLEM, "slug": "microswitch-failed"})
SWITCH = "signs=answered&signs=worse-in-wet-weather&remote=doors-work&button=no-click"


def get(client, query: str = "", **headers):
    return client.get(f"{URL}?{query}" if query else URL, headers=headers)


def test_the_first_screen_is_the_checklist_with_the_emergency_way_one_tap_away(client, content):
    response = get(client)
    html, text = response.content.decode(), text_of(response)
    assert "What do you notice? Tick everything that fits." in text
    assert 'type="checkbox" name="signs" value="no-click"' in html
    # A plain form without JavaScript, posted (the owner's own words never stand in an address).
    assert f'<form method="post" action="{URL}words/"' in html
    assert '<textarea id="own-words" name="words"' in html and "Anything else you notice? In your own words" in text
    assert '<input type="hidden" name="signs" value="answered">' in html
    assert "Need it open right now? Open the boot from inside, now" in text
    assert "so far" not in text


def test_the_checklist_form_submits_to_its_canonical_url(client, content):
    # What a browser sends for the form: the marker first, then the ticked boxes in order.
    response = get(client, "signs=answered&signs=no-click&signs=worse-in-wet-weather")
    assert response.status_code == 200
    text = text_of(response)
    assert "Your answer so far" in text
    assert (
        "Nothing happens when I press the boot button (with the car unlocked): no click; "
        "It opens only now and then, or it's worse in wet weather" in text
    )


@pytest.mark.parametrize(
    "query",
    [
        "remote=doors-work&signs=answered&signs=no-click",  # another order
        "signs=no-click&signs=answered&remote=doors-work",
        "utm_source=newsletter&signs=answered&signs=no-click&remote=doors-work&fbclid=abc",  # tracking parameters
        "signs=answered&signs=no-click&remote=doors-work&utm_source=x",  # the canonical query, then more
    ],
)
def test_other_orders_and_unknown_parameters_redirect_to_the_one_canonical_url(client, content, query):
    response = get(client, query)
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?signs=answered&signs=no-click&remote=doors-work"


def test_htmx_gets_the_fragment_and_the_canonical_url_to_push(client, content):
    response = get(client, "remote=doors-work&signs=answered", HX_Request="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    # The step's own title first (htmx puts it in the browser's title), then the region it swaps.
    assert html.lstrip().startswith("<title>Find the cause · ") and '</title>\n<div id="diagnosis"' in html
    assert response["HX-Push-Url"] == f"{URL}?signs=answered&remote=doors-work"
    assert "HX-Request" in response["Vary"]
    full = get(client, "signs=answered&remote=doors-work")
    assert full.content.decode().lstrip().startswith("<!doctype html>")
    restore = get(client, "signs=answered&remote=doors-work", HX_Request="true", HX_History_Restore_Request="true")
    assert "<html" in restore.content.decode()


def test_every_answer_is_a_plain_link_that_htmx_also_uses(client, content):
    html = get(client, "signs=answered").content.decode()
    links = [link for link in read_page(html)[1] if link.startswith(f"{URL}?signs=answered&")]
    assert len(links) >= 3
    for link in links:
        assert f'hx-get="{link.replace("&", "&amp;")}"' in html
        assert client.get(link).status_code == 200


def test_changing_an_answer_asks_that_question_again_and_reranks(client, content):
    page = get(client, SWITCH)
    change = re.search(r'href="([^"]*ask=remote[^"]*)"', page.content.decode()).group(1).replace("&amp;", "&")
    assert "remote=" not in change.split("?")[1].replace("ask=remote", "")
    asked = client.get(change)
    assert "Does the remote (the key fob) lock and unlock the doors?" in text_of(asked)
    # The owner now says the doors don't react either: the ranking moves away from the boot lock.
    before = text_of(page)
    after = text_of(get(client, SWITCH.replace("doors-work", "remote-dead")))
    assert "The most likely cause" in before and "The microswitch or the rubber button over it has failed" in before
    assert "The microswitch or the rubber button over it has failed" not in after.split("How the causes compare")[0]


def test_an_outcome_names_the_cause_its_likelihood_the_bars_the_runner_up_and_the_telling_test(client, content):
    text = text_of(get(client, SWITCH))
    assert re.search(
        r"The most likely cause The microswitch or the rubber button over it has failed "
        r"How sure, from your answers: very likely \(\d+%\)",
        text,
    )
    assert "The microswitch or the rubber button over it has failed" in text
    assert re.search(r"How the causes compare The microswitch or its rubber button has failed: very likely \(\d+%\)", text)
    assert "Next most likely: A wire, the plug or the control to the lock is faulty" in text
    assert "The test that tells them apart: Bridge the two wires at the lock. What happens?" in text
    assert "Have you tried this yet?" in text and "Ask the dealer for goodwill" in text


def test_not_sure_to_everything_gives_no_verdict_but_the_quickest_checks_not_a_dead_end(client, content):
    query = "signs=answered&remote=not-tried&starts=not-sure&button=cannot&behind-trim=not-now"
    response = get(client, query)
    text, html = text_of(response), response.content.decode()
    # No verdict from how common each cause is: said first, as the page's heading.
    assert '<h1 id="outcome-title"' in html and "Your answers don't point to one cause yet" in text
    assert "Your answers don't point to one cause yet · " in html.split("</title>")[0]
    assert "likely" not in text.split("The most common causes")[1].split("Start over")[0]  # figures, no words
    assert "The microswitch or its rubber button has failed (47%)" in text  # 50 of the 106 in the base rates
    # The quickest checks, easiest first, with what each answer means.
    checks = text.split("The quickest checks, easiest first")[1].split("The most common causes")[0]
    assert "points to" in checks and "speaks against" in checks
    assert "What the repair costs" not in text and "Have you tried this yet?" not in text


def test_a_look_alike_says_this_site_covers_the_boot_lock_only_and_sells_no_repair(client, content):
    response = get(client, "signs=answered&signs=other-release")
    text, html = text_of(response), response.content.decode()
    assert "Not the boot lock: another release" in text
    assert "This site covers the boot lock only." in text
    assert "What the repair costs" not in text and "/goodwill/" not in html


def test_an_answer_that_rules_out_the_leader_is_named_with_a_way_to_change_it(client, content):
    # Everything points to the switch, but the owner says bridging the wires did nothing (which rules the switch out).
    query = (
        "signs=answered&signs=torn-rubber&signs=locks-by-itself&remote=doors-work&button=only-pressed-hard"
        "&behind-trim=yes&bridge=nothing"
    )
    text = text_of(get(client, query))
    assert "The microswitch or the rubber button over it has failed" in text
    assert "One of your answers speaks against this" in text
    assert "Bridge the two wires at the lock. What happens? Nothing happens Change" in text


def test_a_test_question_carries_its_how_to_in_place(client, content):
    response = get(client, "signs=answered&behind-trim=yes&ask=bridge")
    html, text = response.content.decode(), text_of(response)
    assert "Bridge the two wires at the lock. What happens?" in text
    assert '<details class="how-to">' in html  # expands without leaving the page, with or without JavaScript
    how_to = text.split("How do I check this?")[1]
    assert how_to.startswith(" 10–30 min · Easy You need: flat screwdriver")
    assert "Bridge the contacts and listen for a click" in how_to
    assert "How to reach the lock from inside" in how_to and "The whole guide" in how_to
    assert 'href="/guides/open-boot-from-inside/"' in html
    # A question without a how-to guide has no such box.
    assert "How do I check this?" not in text_of(get(client, "signs=answered&ask=remote"))


def test_a_sign_link_opens_the_checklist_with_that_sign_ticked(client, content):
    html = get(client, "signs=torn-rubber").content.decode()
    assert 'value="torn-rubber" checked' in html
    assert 'value="no-click">' in html


def test_the_overview_lists_signs_that_start_the_diagnosis(client, content):
    html = client.get(reverse("troubleshooter:problem_detail", kwargs={"slug": PROBLEM})).content.decode()
    assert f'href="{URL}?signs=no-click"' in html
    assert "The microswitch or its rubber button has failed" in html
    assert "Looks like it, but is something else" in html
    old = client.get(reverse("troubleshooter:diagnosis_from_sign", kwargs={"slug": PROBLEM, "sign_slug": "no-click"}))
    assert old.status_code == 302 and old["Location"] == f"{URL}?signs=no-click"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("find-cause,doors-work,no-click,clicks", f"{URL}?remote=doors-work&button=no-click&bridge=clicks-opens"),
        ("find-cause,remote-dead", f"{URL}?remote=remote-dead"),
        ("not-sure,no-remote,click-stays-shut,stiff", f"{URL}?remote=not-tried&button=click-stays-shut&latch=stiff"),
        ("find-cause", URL),
        ("open-now", "/guides/open-boot-from-inside/"),
    ],
)
def test_old_links_redirect_to_their_equivalent(client, content, old, new):
    response = client.get(URL, {"a": old})
    assert response.status_code == 301 and response["Location"] == new
    assert client.get(new).status_code == 200


def test_an_old_link_that_never_existed_gets_the_400_page(client, content):
    response = client.get(URL, {"a": "find-cause,banana"})
    assert response.status_code == 400 and "Start the questions again" in text_of(response)


@pytest.mark.parametrize(
    "query",
    ["remote=banana", "remote=doors-work&remote=remote-dead", "signs=answered&button=%3Cscript%3E", "starts=" + "x" * 3000],
)
def test_an_unknown_answer_gets_a_clear_400_with_a_way_on(client, content, query):
    response = get(client, query)
    assert response.status_code == 400
    text, html = text_of(response), response.content.decode()
    assert "This link doesn't fit the questions" in text
    assert "Start the questions again" in text and "<script>" not in html.split("<body")[1]
    if "signs=answered" in query:
        assert f'href="{URL}?signs=answered"' in html  # go on with the answers that fit


def test_a_draft_never_reaches_the_public_site(client, content):
    from troubleshooter.services import copy_version

    draft = copy_version(DiagnosisVersion.objects.get(status="published"))
    Cause.objects.filter(version=draft, slug="microswitch-failed").update(title="DRAFT TITLE")
    assert "DRAFT TITLE" not in text_of(get(client, SWITCH))
    assert "DRAFT TITLE" not in text_of(client.get(f"/problems/{PROBLEM}/outcomes/microswitch-failed/"))


def test_queries_per_step_stay_bounded_whatever_the_number_of_answers(client, content, django_assert_max_num_queries):
    for query in (
        "signs=answered&behind-trim=yes&ask=bridge",  # a question with its how-to
        "",
        "signs=answered",
        SWITCH,
        "signs=answered&signs=no-click&remote=not-tried&starts=yes&button=cannot&behind-trim=yes&bridge=nothing&latch=moves-freely&wires=clean",
    ):
        # 12 to show the step, and one insert to count it for the editors' "at a glance" page.
        with django_assert_max_num_queries(13):
            assert get(client, query).status_code == 200


def test_unknown_problem_is_404(client, content):
    assert client.get("/problems/nope/diagnose/").status_code == 404


QUESTION_SLUGS = ["signs", "remote", "starts", "button", "behind-trim", "bridge", "latch", "wires", "utm_source", "a", "ask"]
ANSWER_SLUGS = ["answered", "no-click", "doors-work", "not-sure", "cannot", "yes", "stiff", "clicks-opens", "x", "", "find-cause"]


@given(pairs=st.lists(st.tuples(st.sampled_from(QUESTION_SLUGS), st.one_of(st.sampled_from(ANSWER_SLUGS), st.text(max_size=20)))))
def test_any_query_gives_a_page_a_redirect_or_a_400_never_a_500(client, content, pairs):
    response = client.get(URL, pairs)
    assert response.status_code in (200, 301, 302, 400)


# --- "Did this solve it?" -------------------------------------------------------------------

FEEDBACK_URL = reverse("troubleshooter:outcome_feedback", kwargs={"problem_slug": PROBLEM, "slug": "microswitch-failed"})


def test_an_outcome_asks_tried_it_before_did_this_solve_it(client, content):
    page = get(client, SWITCH)
    text = text_of(page)
    assert "Have you tried this yet? Yes, I've tried it Not yet" in text and "Did this solve it?" not in text
    # Both answers are plain links (no JavaScript needed) to the same page, one step on.
    tried = get(client, f"{SWITCH}&tried=yes")
    assert "Did this solve it? Yes No" in text_of(tried) and "Have you tried this yet?" not in text_of(tried)
    later = text_of(get(client, f"{SWITCH}&tried=later"))
    assert "do what it says above when you can" in later and "come back to this page" in later
    assert "Did this solve it?" not in later


def test_tried_it_with_htmx_swaps_only_the_feedback_box(client, content):
    response = client.get(f"{URL}?{SWITCH}&tried=yes", headers={"HX-Request": "true", "HX-Target": "feedback"})
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="feedback"')
    assert "Did this solve it?" in text_of(response) and "<h1" not in html
    direct = client.get(OUTCOME + "?tried=later", headers={"HX-Request": "true", "HX-Target": "feedback"})
    assert direct.content.decode().lstrip().startswith('<div id="feedback"') and "come back" in text_of(direct)


def test_no_offers_the_runner_up_and_the_test_that_tells_them_apart(client, content):
    response = client.post(FEEDBACK_URL, {"solved": "no", "a": SWITCH}, follow=True)
    assert response.redirect_chain[-1][0] == f"{URL}?{SWITCH}&solved=no#feedback"
    text = text_of(response)
    assert "Sorry it did not solve it." in text
    assert re.search(
        r"The next most likely cause \((possible|unlikely)\): The fault is in the wires, the plug or the control of the lock",
        text,
    )
    assert "To tell them apart, check: Bridge the two wires at the lock. What happens?" in text
    assert Feedback.objects.get().answers == SWITCH


def test_one_answer_per_browser_and_cause_changing_it_updates_it(client, content):
    client.post(FEEDBACK_URL, {"solved": "no", "a": SWITCH})
    client.post(FEEDBACK_URL, {"solved": "yes", "a": SWITCH})
    client.post(FEEDBACK_URL, {"solved": "yes", "a": SWITCH})
    assert list(Feedback.objects.values_list("solved", "answers", "cause__slug")) == [(True, SWITCH, "microswitch-failed")]
    # Another browser is another owner.
    Client().post(FEEDBACK_URL, {"solved": "no", "a": SWITCH})
    assert sorted(Feedback.objects.values_list("solved", flat=True)) == [False, True]


def test_feedback_is_rate_limited_per_address_with_a_clear_page(client, content, settings):
    settings.FEEDBACK_RATE_LIMIT = (3, 600)
    for _ in range(3):
        assert Client().post(FEEDBACK_URL, {"solved": "yes", "a": SWITCH}).status_code == 302
    response = Client().post(FEEDBACK_URL, {"solved": "yes", "a": SWITCH})
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 600  # when this window ends
    text = text_of(response)
    assert "Too many answers from your connection" in text and "Back to" in text
    assert Feedback.objects.count() == 3


def test_a_mistaken_feedback_post_does_not_count_against_the_limit(client, content, settings):
    settings.FEEDBACK_RATE_LIMIT = (1, 600)
    assert client.post(FEEDBACK_URL, {"solved": "maybe"}).status_code == 400
    assert client.post(FEEDBACK_URL, {"solved": "yes", "a": SWITCH}).status_code == 302
    assert Feedback.objects.count() == 1


def test_feedback_with_htmx_returns_the_fragment(client, content):
    response = client.post(FEEDBACK_URL, {"solved": "yes", "a": SWITCH}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="feedback"') and "Good to hear it is sorted." in html
    # "No" names the runner-up in place, as the page without JavaScript does.
    no = client.post(FEEDBACK_URL, {"solved": "no", "a": SWITCH}, headers={"HX-Request": "true"})
    assert re.search(r"The next most likely cause \(\w+\): The fault is in the wires, the plug or the control", text_of(no))


def test_repair_costs_show_only_for_the_boot_lock_and_diy_only_with_a_repair_guide(client, content):
    switch = text_of(get(client, SWITCH))
    assert "What the repair costs" in switch and "Do it yourself (parts only)" in switch
    mechanism = text_of(get(client, "signs=answered&signs=click-stays-shut"))
    assert "The lock mechanism has seized" in mechanism
    assert "What the repair costs" in mechanism and "Do it yourself (parts only)" not in mechanism


def test_feedback_with_answers_that_end_elsewhere_goes_to_the_outcome_page(client, content):
    response = client.post(FEEDBACK_URL, {"solved": "yes", "a": "signs=answered&signs=other-release"})
    assert response.status_code == 302
    assert response["Location"] == f"/problems/{PROBLEM}/outcomes/microswitch-failed/?solved=yes#feedback"
    assert Feedback.objects.get().answers == ""


@pytest.mark.parametrize("data", [{}, {"solved": "maybe"}, {"solved": "yes", "a": "x" * 5000}])
def test_bad_feedback_is_a_clear_400_and_stores_nothing(client, content, data):
    response = client.post(FEEDBACK_URL, data)
    assert response.status_code == 400 and "Please choose yes or no" in text_of(response)
    assert Feedback.objects.count() == 0


def test_changing_the_checklist_keeps_its_ticks(client, content):
    html = get(client, SWITCH).content.decode()
    change = f"{URL}?signs=worse-in-wet-weather&amp;remote=doors-work&amp;button=no-click&amp;ask=signs"
    assert f'href="{change}"' in html
    reopened = client.get(change.replace("&amp;", "&")).content.decode()
    assert 'value="worse-in-wet-weather" checked' in reopened and 'value="no-click" checked' not in reopened


def test_an_outcome_reached_by_the_questions_is_titled_by_its_cause(client, content):
    html = get(client, SWITCH).content.decode()
    assert "<title>The microswitch or the rubber button over it has failed" in html


def test_tried_it_links_land_on_the_question_not_the_top_of_the_page(client, content):
    html = get(client, SWITCH).content.decode()
    assert f'href="{URL}?{SWITCH.replace("&", "&amp;")}&amp;tried=yes#feedback"' in html


def test_the_bridge_test_says_what_a_click_with_the_latch_shut_means(client, content):
    query = "signs=answered&remote=not-tried&starts=not-sure&button=cannot&behind-trim=yes&ask=bridge"
    text = text_of(get(client, query))
    assert "if you hear a click and the lock opens, then it is probably only the switch or rubber button" in text
    # Wherever the article's short rule shows (the how-to quotes its guide), the exception follows it.
    assert text.count("If you hear a click, the mechanism itself still works") == text.count(
        "A click but the latch stays shut means the electric part works and the latch itself is stuck"
    )
    # ...and what "bridge" means is said where it is asked for.
    assert "“bridging” means touching both metal contacts in the plug" in text
    assert "If it clicks but the latch stays shut, the electric part works and the latch itself is stuck" in text


def test_advice_for_what_the_owner_said_comes_first(client, content):
    text = text_of(get(client, "signs=answered&signs=locks-by-itself"))
    assert "What to do now Safety first: until the switch is replaced, check that the boot is shut" in text
    torn = text_of(get(client, "signs=answered&signs=torn-rubber"))
    assert "A torn rubber cover lets rain reach the switch behind it: replace the rubber button soon" in torn
    hard = text_of(get(client, "signs=answered&signs=torn-rubber&button=only-pressed-hard"))
    assert "If the boot opens when you press the switch through the tear, or press hard, the switch still works" in hard
    # Not for owners who said neither.
    plain = text_of(get(client, SWITCH))
    assert "Safety first" not in plain and "through the tear, or press hard" not in plain


def test_an_owner_who_cant_get_into_the_car_is_not_asked_to_press_the_button_or_get_behind_the_trim(client, content):
    """They answer what they know and "not sure" to the rest, tapping the links as served."""
    query, prompts = "signs=answered&signs=no-power", []
    for _screen in range(8):
        response = get(client, query)
        html = response.content.decode()
        if '<h1 id="outcome-title"' in html:
            break
        prompts.append(re.search(r"<h2[^>]*>(.*?)</h2>", html, re.S).group(1).strip())
        unsure = re.findall(r'href="[^"]*\?([^"#]*)"[^>]*>\s*(?:I haven|I can|Not now)', html)
        query = unsure[0].replace("&amp;", "&")
    # An outcome: the flat battery, or (a weak keyless key can't be told apart without more) the
    # honest page naming it first.
    assert '<h1 id="outcome-title"' in html, prompts
    assert not any("rubber button" in prompt or "get to the lock" in prompt for prompt in prompts), prompts
    assert "The car's battery is flat" in text_of(response).split("Start over")[0]


def test_a_battery_the_lock_ran_flat_leads_to_the_switch_with_charge_the_battery_first(client, content):
    # A dead car alone: the flat battery.
    alone = text_of(get(client, "signs=answered&signs=no-power&remote=remote-dead&starts=dark"))
    assert "Probably not the boot lock: the car's battery is flat" in alone
    # A dead car and a lock that kept locking and unlocking by itself: one fault, the switch, whose
    # consequence (the flat battery) comes first in what to do, with the worry about the key answered.
    page = get(client, "signs=answered&signs=locks-by-itself&signs=no-power")
    text = text_of(page)
    assert "The microswitch or the rubber button over it has failed" in text
    what_to_do = text.split("What to do now")[1]
    assert what_to_do.index("Charge the battery first") < what_to_do.index("Safety first")
    assert "re-paired at home" in what_to_do and "re-registers the key" in what_to_do


def test_every_quick_check_on_a_page_without_a_verdict_asks_its_question(client, content):
    query = "signs=answered&remote=not-tried&starts=not-sure&button=cannot&behind-trim=not-now"
    html = get(client, query).content.decode()
    checks = html.split("The quickest checks, easiest first")[1].split("The most common causes")[0]
    links = [href.replace("&amp;", "&") for href in re.findall(r'<a class="button secondary" href="([^"]+)"', checks)]
    assert links
    for link in links:
        asked = client.get(link)
        assert asked.status_code == 200 and '<h2 id="question-title"' in asked.content.decode(), link


def test_frost_says_let_it_thaw_first_and_no_part_is_named_until_the_thaw_is_tried(client, content):
    frost = "signs=answered&signs=worse-in-wet-weather&signs=frost&signs=torn-rubber&remote=doors-work"
    # The next question follows up the frost: has it thawed?
    assert "Try the boot again: does it open now?" in text_of(get(client, frost))
    # Not sure yet: every sign of a wet switch, but no verdict while a thaw might open it.
    text = text_of(get(client, frost + "&thawed=not-warmed-yet"))
    assert "Your answers don't point to one cause yet" in text
    assert text.index("Let it thaw first") < text.index("The quickest checks, easiest first")
    assert "Probably frozen" in text.split("The most common causes")[1] or "Ice in the button or the lock" in text
    # It opened once warm: the frozen outcome, with nothing to buy.
    thawed = text_of(get(client, "signs=answered&signs=no-click&signs=frost&thawed=opens-now"))
    assert "Probably frozen: let it thaw, nothing needs replacing yet" in thawed and "What the repair costs" not in thawed
    # Still shut once warm: the ice is ruled out, the switch is the verdict, and "thaw first" is no longer said.
    outcome = text_of(get(client, frost + "&thawed=still-shut"))
    assert "The microswitch or the rubber button over it has failed" in outcome
    assert "Let it thaw first" not in outcome
