"""Search: owners' words set answers, start the diagnosis with them, or point to a look-alike."""

import pytest
from django.urls import reverse

from problems.models import Problem
from tests.pagetext import read_page
from troubleshooter import selectors
from troubleshooter.diagnosis import POINTS_STRONGLY
from troubleshooter.models import Cause

PROBLEM = "micra-k12-boot-lock"
SEARCH = reverse("search:search")
URL = reverse("troubleshooter:diagnosis", kwargs={"slug": PROBLEM})

NO_CLICK = "Nothing happens when I press the boot button (with the car unlocked): no click"


def search(client, words):
    response = client.get(SEARCH, {"q": words})
    assert response.status_code == 200
    return response, read_page(response.content.decode())[0]


def outcome_url(slug):
    return reverse("troubleshooter:outcome_detail", kwargs={"problem_slug": PROBLEM, "slug": slug})


@pytest.mark.parametrize(
    ("words", "understood"),
    [
        ("boot won't open when it rains", "It opens only now and then, or it's worse in wet weather"),
        (
            "nothing happens when I press the button",
            NO_CLICK,
        ),
        ("my boot clicks but won't open", "I hear a click, but the boot stays shut"),
        ("the car locks and unlocks by itself", "The boot or the car opens, locks or unlocks by itself"),
        # An owner's own words (theanswerbank.co.uk, "Nissan Micra boot locking.unlocking problems").
        ("Boot was locking and unlocking itself", "The boot or the car opens, locks or unlocks by itself"),
        ("the rubber is torn", "The rubber cover over the button is torn or split"),
        ("it works sometimes", "It opens only now and then"),
        ("the boot keeps popping open while I'm driving", "The boot or the car opens, locks or unlocks by itself"),
        ("I can hear the normal sound but nothing opens", "I hear a click, but the boot stays shut"),
        (
            "tailgate won't open, no clicky noises",
            NO_CLICK,
        ),
    ],
)
def test_owners_words_are_read_as_the_signs_they_describe(client, content, words, understood):
    _response, text = search(client, words)
    assert f"What you describe {understood}" in text
    assert "Find the cause from here" in text


@pytest.mark.parametrize(
    ("words", "first_hit"),
    [
        ("what does the garage charge", "What does a garage charge to repair the boot lock?"),
        ("soldering the switch", "Replace the microswitch yourself"),
    ],
)
def test_pages_that_match_are_listed_best_first_with_a_summary(client, content, words, first_hit):
    response, text = search(client, words)
    assert "pages that match" in text or "page that matches" in text
    html = response.content.decode()
    assert html.index(first_hit) < html.index("</ul>", html.index("guide-list"))


def test_a_search_starts_the_diagnosis_with_the_answers_set_and_the_trail_says_so(client, content):
    words = "no click when I press the boot button but the remote opens the doors"
    response, _text = search(client, words)
    html = response.content.decode()
    assert f'<form method="post" action="{URL}words/"><input type="hidden" name="words" value="{words}">' in html

    posted = client.post(f"{URL}words/", {"words": words})
    location = posted["Location"]
    assert location.startswith(f"{URL}?signs=no-click&remote=doors-work&w=")
    assert "click" not in location.split("w=")[1] and "press" not in location  # a token, not the words
    page = client.get(location)
    html = page.content.decode()
    text = read_page(html)[0]
    assert f"You typed: “{words}”" in text
    assert "Yes, the doors lock and unlock (from what you typed)" in text
    assert 'value="no-click" checked' in html  # the sign is ticked on the checklist, which stays changeable
    # Changing the answer drops it and the mark; the links carry the token, never the words.
    token = location.split("w=")[1]
    change = f"{URL}?signs=no-click&ask=remote&w={token}"
    assert f'href="{change.replace("&", "&amp;")}"' in html
    assert "press+the+boot" not in html and "press%20the" not in html
    asked = read_page(client.get(change).content.decode())[0]
    assert (
        "Yes, the doors lock and unlock (from what you typed)" not in asked
        and "Does the remote (the key fob) lock and unlock the doors?" in asked
    )


@pytest.mark.parametrize(
    ("words", "lookalike"),
    [
        ("I pull the fuel flap release and the flap stays shut, it's been like this for a week now", "other-release"),
        ("the bonnet release is stuck", "other-release"),
        ("the key light is flashing and the car won't start", "remote-or-immobiliser"),
        ("car stood unused for weeks, can't get in", "flat-battery"),
        ("central locking and the windows stopped working", "central-electrics"),
    ],
)
def test_words_about_another_fault_get_its_lookalike_not_boot_pages(client, content, words, lookalike):
    response, text = search(client, words)
    assert "This site covers the Micra boot lock: this sounds like something else" in text
    html = response.content.decode()
    assert f'href="{outcome_url(lookalike)}"' in html
    assert "pages that match" not in text and "page that matches" not in text
    assert "/guides/" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_words_that_match_nothing_say_what_the_site_covers(client, content):
    response, text = search(client, "xylophone quasar")
    assert "We could not match that" in text
    assert "This site covers the Micra boot lock. If it is something else, it could be:" in text
    assert f'href="{outcome_url("other-release")}"' in response.content.decode()
    assert "Answer a few questions" in text and "Open the boot from inside, now" in text


def test_every_lookalike_is_reachable_from_search_with_its_own_signs_words(client, content):
    """Data-driven: for each look-alike, the owners' words of an answer pointing strongly to it find it."""
    model = selectors.published_model(Problem.objects.get(slug=PROBLEM))
    lookalikes = [c for c in model.causes if c.kind == Cause.Kind.LOOKALIKE]
    assert lookalikes
    for cause in lookalikes:
        phrases = [
            phrase.strip()
            for question in model.questions
            for answer in question.evidence_answers
            if answer.marks.get(cause.slug) == POINTS_STRONGLY
            for phrase in answer.keywords.split(",")[:1]
        ]
        assert phrases, f"no owners' words point to {cause.slug}"
        html = client.get(SEARCH, {"q": phrases[0]}).content.decode()
        assert f'href="{outcome_url(cause.slug)}"' in html, (cause.slug, phrases[0])


def test_search_input_limits(client, content):
    assert client.get(SEARCH, {"q": ""}).status_code == 200
    too_long = client.get(SEARCH, {"q": "x" * 500})
    assert too_long.status_code == 400 and "at most 200 characters" in read_page(too_long.content.decode())[0]
    nul = client.get(SEARCH, {"q": "rain\x00"})
    assert nul.status_code == 400 and "Null characters are not allowed." in read_page(nul.content.decode())[0]
    assert client.get(SEARCH, {"q": '"* OR NEAR( ) ^ -:'}).status_code == 200


def test_words_in_an_old_diagnosis_link_are_dropped_never_kept_and_never_an_error(client, content):
    response = client.get(URL, {"signs": "no-click", "q": "  lots   of   space " + "x" * 400})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?signs=no-click"
    assert client.get(response["Location"]).status_code == 200


def test_an_entry_without_a_stored_vector_is_still_found(content):
    """PostgreSQL: an index row written by a server that did not know the stored vector (during a
    rolling deploy) is searched all the same."""
    from django.db import connection

    from search import index
    from search.models import SearchEntry

    if connection.vendor != "postgresql":
        pytest.skip("the stored vector is PostgreSQL's")
    SearchEntry.objects.update(search_vector=None)
    assert [entry.title for entry in index.search("what does the garage charge")][:1] == [
        "What does a garage charge to repair the boot lock?"
    ]
