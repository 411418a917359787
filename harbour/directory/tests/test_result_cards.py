"""`cards.result_cards` writes exactly what `directory/_result.html` writes, for every card, in every language."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from harbour.directory import cards, places, search
from harbour.directory.tests.test_pages_html import directory, frozen  # noqa: F401 - the fixtures
from harbour.directory.views import service_text

pytestmark = pytest.mark.django_db

TORONTO = places.Point(43.6426, -79.3871)
QUERIES = [
    search.SearchQuery(text="counselling"),
    search.SearchQuery(origin=TORONTO, radius_km=500.0),
    search.SearchQuery(origin=TORONTO, radius_km=250.0, needs=frozenset({"shelter"})),
    search.SearchQuery(needs=frozenset({"crisis-line"})),
]


def _template_cards(results: list[search.Result], *, members: bool, from_results: str) -> str:
    context = {"members": members, "from_results": from_results}
    return "".join(render_to_string("directory/_result.html", {**context, "result": result}) for result in results)


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_the_cards_are_the_templates_html_in_every_language(directory: None, frozen: None, language: str):  # noqa: F811
    drawn: list[str] = []
    with translation.override(language):
        for members in (False, True):
            for query in QUERIES:
                asked = search.SearchQuery(**{**query.__dict__, "include_confidential": members})
                results = search.search(asked, limit=20).results
                for result in results:
                    result.text = service_text(result.service)  # type: ignore[attr-defined]
                for from_results in ("", "results=q%3Dcounselling%26offset%3D20"):
                    mine = cards.result_cards(results, members=members, from_results=from_results)
                    assert mine == _template_cards(results, members=members, from_results=from_results)
                    drawn.append(mine)
    # The branches of a card were drawn: a confidential address shown, beds, open now, the safety tag, a link back.
    everything = "".join(drawn)
    for mark in ('class="confidential"', "<dt>", "<strong>", 'class="safe"', "tel:", "?results=", "/members/"):
        assert mark in everything, mark
    assert everything.count('<li class="result">') > 200
