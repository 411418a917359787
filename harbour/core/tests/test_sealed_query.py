"""A public search's answers travel in a code bound to the browser's CSRF cookie, never in the address."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from harbour.core.sealed_query import SEALED

pytestmark = pytest.mark.django_db

TYPED = "Lanternfish"


def _sealed(client: Client, url: str, **answers: str) -> str:
    response = client.get(url, {"seal": "1", **answers})
    assert response.status_code == 303
    location = response["Location"]
    assert TYPED not in location and list(parse_qs(urlsplit(location).query)) == [SEALED]
    return location


@pytest.mark.parametrize("name", ["directory:search", "rights:library"])
def test_a_sent_search_comes_back_only_to_the_browser_that_sent_it(name: str):
    client = Client()
    location = _sealed(client, reverse(name), q=TYPED)
    assert f'value="{TYPED}"' in client.get(location).content.decode()
    # After the quick exit (no CSRF cookie), or in another browser, the same address shows an empty form.
    client.get(reverse("leave"))
    assert TYPED not in client.get(location).content.decode()
    assert TYPED not in Client().get(location).content.decode()


def test_a_next_page_or_a_wider_search_is_sealed_again_with_the_first_answers():
    client = Client()
    location = _sealed(client, reverse("directory:search"), q=TYPED, radius="25")
    wider = client.get(location + "&radius=100")
    assert wider.status_code == 303 and TYPED not in wider["Location"]
    page = client.get(wider["Location"]).content.decode()
    assert f'value="{TYPED}"' in page and '<option value="100" selected>' in page


def test_links_with_plain_parameters_from_other_pages_still_answer_at_once():
    response = Client().get(reverse("directory:search"), {"need": "shelter"})
    assert response.status_code == 200


def test_a_tampered_or_foreign_code_shows_an_empty_form_and_no_error():
    client = Client()
    location = _sealed(client, reverse("rights:library"), q=TYPED)
    for broken in (location[:-3] + "AAA", f"{reverse('rights:library')}?{SEALED}=not-a-code"):
        response = client.get(broken)
        assert response.status_code == 200 and TYPED not in response.content.decode()
