"""The phone's Back button leaves Harbour on public pages, so a service page opened from a search links back to it."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from harbour.directory import places
from harbour.directory.models import Service
from harbour.directory.tests.factories import service_make
from harbour.testing import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(cast: Cast) -> Service:
    return service_make(name="Downtown legal clinic", needs=["legal-aid"], point=places.Point(43.6426, -79.3871))


def test_a_service_page_from_a_search_links_back_to_the_same_results(clinic: Service) -> None:
    search = reverse("directory:search")
    results = Client().get(search + "?need=legal-aid&postcode=M5V+2T6&radius=25").content.decode()
    link = re.search(r'<h3><a href="([^"]+)"', results)
    assert link is not None
    service_url = html.unescape(link.group(1))
    assert urlsplit(service_url).path == reverse("directory:service", args=[clinic.id])
    page = Client().get(service_url).content.decode()
    back = re.search(r'<a href="([^"]+)">Back to the results</a>', page)
    assert back is not None
    target = urlsplit(html.unescape(back.group(1)))
    assert target.path == search
    assert parse_qs(target.query) == {"need": ["legal-aid"], "postcode": ["M5V 2T6"], "radius": ["25"]}
    assert "Downtown legal clinic" in Client().get(html.unescape(back.group(1))).content.decode()


def test_a_service_page_opened_directly_goes_back_to_the_directory(clinic: Service) -> None:
    page = Client().get(reverse("directory:service", args=[clinic.id])).content.decode()
    assert f'<a href="{reverse("directory:search")}">Back to the directory</a>' in page
    assert "Back to the results" not in page


def test_the_link_back_carries_only_the_search_form_fields(clinic: Service) -> None:
    carried = "need=legal-aid&next=https%3A%2F%2Fexample.org&token=abc"
    page = Client().get(reverse("directory:service", args=[clinic.id]), {"results": carried}).content.decode()
    back = re.search(r'<a href="([^"]+)">Back to the results</a>', page)
    assert back is not None
    assert parse_qs(urlsplit(html.unescape(back.group(1))).query) == {"need": ["legal-aid"]}
