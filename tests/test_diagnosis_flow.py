"""Walking the diagnosis: every outcome by its answers, HTMX vs plain, tampered links, query counts."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.pagetext import read_page
from tests.walks import walks_to_outcomes
from troubleshooter.models import Outcome, OutcomeFeedback, Problem, Symptom

PROBLEM = "micra-k12-boot-lock"
URL = reverse("troubleshooter:diagnosis", kwargs={"slug": PROBLEM})


def outcome_paths() -> dict[str, list[str]]:
    walks = walks_to_outcomes(Problem.objects.get(slug=PROBLEM))
    return {slug: [answer.slug for answer in answers] for slug, answers in walks.items()}


def text_of(response) -> str:
    return read_page(response.content.decode())[0]


def test_every_published_outcome_is_reached_and_shown(client, content):
    paths = outcome_paths()
    assert set(paths) == set(Outcome.objects.published().values_list("slug", flat=True))
    for slug, path in paths.items():
        response = client.get(URL, {"a": ",".join(path)})
        assert response.status_code == 200
        outcome = Outcome.objects.get(slug=slug)
        page = text_of(response)
        assert outcome.title in page, slug
        assert "Did this solve it?" in page


# The article's tests, answered as an owner would, and where they lead.
ARTICLE_WALKS = [
    (["open-now"], "First, open the boot from inside"),
    (["find-cause", "remote-dead"], "Probably not the boot lock: check the remote first"),
    (["find-cause", "doors-work", "no-click", "clicks"], "The microswitch behind the rubber button has failed"),
    (["find-cause", "doors-work", "sometimes"], "The microswitch behind the rubber button has failed"),
    (["find-cause", "doors-work", "no-click", "no-click", "stiff"], "The lock mechanism has seized"),
    (["find-cause", "doors-work", "click-stays-shut", "stiff"], "The lock mechanism has seized"),
    (
        ["find-cause", "doors-work", "no-click", "no-click", "moves-freely", "deposits-or-damage"],
        "Water has damaged the wires or the plug at the lock",
    ),
    (
        ["find-cause", "doors-work", "no-click", "no-click", "moves-freely", "looks-clean"],
        "The fault is in the wiring or the control, out of sight",
    ),
    (["not-sure", "no-remote", "not-sure", "cannot-test"], "Let the dealer or a garage find the fault"),
]


@pytest.mark.parametrize(("path", "title"), ARTICLE_WALKS)
def test_article_walks_end_on_the_right_outcome(client, content, path, title):
    response = client.get(URL, {"a": ",".join(path)})
    assert response.status_code == 200
    assert title in text_of(response)


def test_goodwill_outcomes_link_to_the_goodwill_page_with_the_diagnosis(client, content):
    path = "find-cause,doors-work,no-click,clicks"
    html = client.get(URL, {"a": path}).content.decode()
    assert f'href="/goodwill/?outcome=microswitch-failed&amp;a={path}"' in html
    goodwill = client.get("/goodwill/", {"outcome": "microswitch-failed", "a": path})
    assert "From your diagnosis: The microswitch behind the rubber button has failed" in text_of(goodwill)


def test_not_this_fault_does_not_push_goodwill_or_repair_costs(client, content):
    for query in ({"a": "find-cause,remote-dead"}, {"a": "find-cause,remote-dead", "solved": "no"}):
        html = client.get(URL, query).content.decode()
        assert "/goodwill/" not in html
        assert "What the repair costs" not in html


def test_an_answer_to_an_unpublished_outcome_is_not_offered(client, content):
    Outcome.objects.filter(slug="not-the-boot-lock").update(status=Outcome.Status.DRAFT)
    html = client.get(URL, {"a": "find-cause"}).content.decode()
    assert "No, the remote does nothing to the doors either" not in html
    assert "Yes, the doors lock and unlock" in html


def test_outcome_lists_guides_with_time_difficulty_and_cost(client, content):
    page = text_of(client.get(URL, {"a": "find-cause,doors-work,no-click,clicks"}))
    assert "Replace the microswitch yourself 30–60 min · Easy · parts €10–€40" in page
    assert "Independent garage: €150–€225" in page


def test_same_url_gives_full_page_or_htmx_fragment(client, content):
    query = {"a": "find-cause,doors-work"}
    full = client.get(URL, query)
    fragment = client.get(URL, query, headers={"HX-Request": "true"})
    assert full.status_code == fragment.status_code == 200
    assert full.content.decode().lstrip().startswith("<!doctype html>")
    assert "<html" not in fragment.content.decode() and "<head" not in fragment.content.decode()
    assert fragment.content.decode().lstrip().startswith('<div id="diagnosis"')
    assert "Unlock the car, then press the rubber button on the boot lid. What happens?" in text_of(fragment)
    assert "HX-Request" in full["Vary"] and "HX-Request" in fragment["Vary"]
    # htmx asks for the whole page when it cannot restore history from its cache.
    restore = client.get(URL, query, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.content.decode()


def test_every_link_in_a_step_works_without_javascript(client, content):
    html = client.get(URL, {"a": "find-cause,doors-work"}).content.decode()
    _, links = read_page(html)
    answer_links = [link for link in links if "a=find-cause,doors-work," in link]
    assert len(answer_links) == 5  # one per answer, all plain hrefs
    for link in answer_links:
        assert f'hx-get="{link}"' in html
        assert client.get(link).status_code == 200


def test_trail_shows_answers_and_change_drops_later_answers(client, content):
    page = client.get(URL, {"a": "find-cause,doors-work,no-click"})
    text = text_of(page)
    assert "Your 3 answers so far" in text
    assert "Does the remote lock and unlock the doors? Yes, the doors lock and unlock Change" in text
    assert "Question 4 of at most 6" in text
    # "Change" on the second answer goes back to that question with only the first answer kept...
    changed = client.get(URL, {"a": "find-cause"})
    assert "Does the remote lock and unlock the doors?" in text_of(changed)
    assert f'href="{URL}?a=find-cause"' in page.content.decode()
    # ...and a different answer there replaces everything after it.
    other = client.get(URL, {"a": "find-cause,remote-dead"})
    assert "Your 2 answers so far" in text_of(other)


def test_start_page_has_no_trail_and_a_progress_indication(client, content):
    text = text_of(client.get(URL))
    assert "Do you need to get into the boot right now?" in text
    assert "Question 1 of at most 6" in text
    assert "so far" not in text


MALFORMED = [
    "nonsense",
    "find-cause,nonsense",
    "open-now,find-cause",  # goes on after an outcome
    "find-cause,,doors-work",
    "find-cause;doors-work",
    "<script>alert(1)</script>",
    "find-cause," * 60,
    "ä" * 5000,
    "doors-work",  # a real answer, but not to the first question
    "%00",
]


@pytest.mark.parametrize("raw", MALFORMED)
def test_tampered_paths_get_a_clear_400_with_a_way_back(client, content, raw):
    response = client.get(URL, {"a": raw})
    assert response.status_code == 400
    text = text_of(response)
    assert "This link doesn't fit the questions" in text
    assert "Start the questions again" in text
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_stale_path_offers_to_continue_from_what_still_fits(client, content):
    response = client.get(URL, {"a": "find-cause,doors-work,removed-answer,clicks"})
    assert response.status_code == 400
    assert f'href="{URL}?a=find-cause,doors-work"' in response.content.decode()
    fragment = client.get(URL, {"a": "find-cause,removed"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 400 and "<html" not in fragment.content.decode()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    raw=st.one_of(
        st.text(max_size=300),
        st.lists(st.sampled_from(["find-cause", "doors-work", "no-click", "clicks", "stiff", "x"]), max_size=8).map(",".join),
    )
)
def test_any_path_gives_200_or_400_never_500(client, content, raw):
    response = client.get(URL, {"a": raw})
    assert response.status_code in (200, 400)


def test_queries_per_step_do_not_grow_with_the_path(client, content, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        client.get(URL)
    with django_assert_max_num_queries(10):
        client.get(URL, {"a": "find-cause,doors-work,no-click,no-click,moves-freely"})
    with django_assert_max_num_queries(12):
        client.get(URL, {"a": "find-cause,doors-work,no-click,no-click,moves-freely,looks-clean"})


def test_unknown_problem_is_404(client, content):
    assert client.get("/problems/nope/diagnose/").status_code == 404


def test_symptoms_start_the_diagnosis_at_their_answer(client, content):
    for symptom in Symptom.objects.exclude(implies_answer=None).select_related("implies_answer__question"):
        response = client.get(
            reverse("troubleshooter:diagnosis_from_symptom", kwargs={"slug": PROBLEM, "symptom_slug": symptom.slug}),
            follow=True,
        )
        assert response.status_code == 200
        text = text_of(response)
        answer = symptom.implies_answer
        assert f"{answer.question.prompt} {answer.label} Change" in text, symptom.slug


def test_overview_links_each_symptom_to_the_diagnosis(client, content):
    html = client.get(reverse("troubleshooter:problem_detail", kwargs={"slug": PROBLEM})).content.decode()
    for slug in Symptom.objects.values_list("slug", flat=True):
        assert f"/diagnose/from/{slug}/" in html


# --- "Did this solve it?" -------------------------------------------------------------------

FEEDBACK_URL = reverse("troubleshooter:outcome_feedback", kwargs={"problem_slug": PROBLEM, "slug": "microswitch-failed"})
SWITCH_PATH = "find-cause,doors-work,no-click,clicks"


def test_feedback_is_counted_per_outcome_and_no_offers_the_next_cause(client, content):
    response = client.post(FEEDBACK_URL, {"solved": "no", "a": SWITCH_PATH}, follow=True)
    assert response.redirect_chain[-1][0] == f"{URL}?a={SWITCH_PATH}&solved=no"
    text = text_of(response)
    assert "The next most likely cause: The lock mechanism has seized" in text
    client.post(FEEDBACK_URL, {"solved": "yes", "a": SWITCH_PATH})
    outcome = Outcome.objects.get(slug="microswitch-failed")
    assert list(OutcomeFeedback.objects.filter(outcome=outcome).values_list("solved", flat=True).order_by("pk")) == [False, True]


def test_feedback_with_htmx_returns_the_fragment(client, content):
    response = client.post(FEEDBACK_URL, {"solved": "yes", "a": SWITCH_PATH}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="feedback"') and "Good to hear it is sorted." in html


def test_feedback_without_a_valid_path_goes_to_the_outcome_page(client, content):
    response = client.post(FEEDBACK_URL, {"solved": "yes", "a": "garbage,path"})
    assert response.status_code == 302
    assert response["Location"] == "/problems/micra-k12-boot-lock/outcomes/microswitch-failed/?solved=yes"
    assert "Good to hear it is sorted." in text_of(client.get(response["Location"]))


@pytest.mark.parametrize("data", [{}, {"solved": "maybe"}, {"solved": "yes", "a": "x" * 5000}])
def test_bad_feedback_is_a_clear_400_and_stores_nothing(client, content, data):
    response = client.post(FEEDBACK_URL, data)
    assert response.status_code == 400
    assert "Please choose yes or no" in text_of(response)
    assert OutcomeFeedback.objects.count() == 0


def test_feedback_needs_csrf_and_post(content):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(FEEDBACK_URL, {"solved": "yes"}).status_code == 403
    assert strict.get(FEEDBACK_URL).status_code == 405
    assert OutcomeFeedback.objects.count() == 0


# --- Search -------------------------------------------------------------------------------------

SEARCH = reverse("troubleshooter:search")


@pytest.mark.parametrize(
    ("words", "first_hit"),
    [
        ("boot won't open when it rains", "It is worse in wet weather"),
        ("nothing happens when I press the button", "No click when you press the button"),
        ("what does the garage charge", "What does a garage charge to repair the boot lock?"),
        ("soldering the switch", "Replace the microswitch yourself"),
    ],
)
def test_search_finds_content_from_an_owners_words(client, content, words, first_hit):
    response = client.get(SEARCH, {"q": words})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(first_hit) < html.index("</ul>", html.index("guide-list"))


def test_search_with_no_match_offers_ways_forward(client, content):
    text = text_of(client.get(SEARCH, {"q": "xylophone quasar"}))
    assert "We could not match that" in text
    assert "Answer a few questions" in text and "Open the boot now, from inside" in text


def test_search_input_limits(client, content):
    assert client.get(SEARCH, {"q": ""}).status_code == 200
    too_long = client.get(SEARCH, {"q": "x" * 500})
    assert too_long.status_code == 400 and "at most 200 characters" in text_of(too_long)
    nul = client.get(SEARCH, {"q": "rain\x00"})
    assert nul.status_code == 400 and "Null characters are not allowed." in text_of(nul)
    assert client.get(SEARCH, {"q": '"* OR NEAR( ) ^ -:'}).status_code == 200


def test_search_follows_editors_changes(client, live_content):
    # Real commits (transactional test): the index is rebuilt when each change commits.
    symptom = Symptom.objects.get(slug="no-click")
    symptom.keywords = "xylophone"
    symptom.save()
    assert "No click when you press the button" in text_of(client.get(SEARCH, {"q": "xylophone"}))
    Symptom.objects.get(slug="no-click").delete()
    assert "We could not match that" in text_of(client.get(SEARCH, {"q": "xylophone"}))
