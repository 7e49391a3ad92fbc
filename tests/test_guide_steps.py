"""Guides made for doing: one step per screen, as plain links (no JavaScript needed)."""

from django.urls import reverse

from tests.pagetext import read_page

URL = reverse("guides:guide_detail", kwargs={"slug": "replace-microswitch"})


def text(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.content.decode(), read_page(response.content.decode())[0]


def test_step_by_step_shows_one_step_with_back_and_next(client, content):
    html, words = text(client, "?step=2")
    assert "Step 2 of 6" in words and "Undo the two 10 mm nuts" in words
    assert "Release the trim clips" not in words and "Disconnect the plug" not in words
    assert "Tools" not in words  # only the step: it fits the screen
    assert 'href="?step=1" rel="prev"' in html and 'href="?step=3" rel="next"' in html
    _html, first = text(client, "?step=1")
    assert "Back" not in first.split("Step 1 of 6")[1].split("All steps")[0] and "Tools first" in first
    last_html, last = text(client, "?step=6")
    assert "Finished" in last and 'rel="next"' not in last_html


def test_the_whole_guide_offers_step_by_step_and_lists_tools_first(client, content):
    html, words = text(client)
    assert 'href="?step=1"' in html
    assert words.index("Tools") < words.index("Parts") < words.index("Steps")


def test_a_step_that_is_not_there_shows_the_whole_guide(client, content):
    for query in ("?step=99", "?step=0", "?step=abc", "?step=-1"):
        _html, words = text(client, query)
        assert "Undo the two 10 mm nuts" in words and "Test the lock" in words
