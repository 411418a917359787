"""Every link from the rights pages into the directory names a need the directory knows."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from django.test import Client
from django.urls import reverse

from harbour.rights.models import FactSheet, Package, Topic
from harbour.rights.needs import DIRECTORY_NEED_CODES, NEED_LABELS, PACKAGE_NEEDS, TOPIC_NEEDS

RIGHTS = Path(__file__).resolve().parents[1]
NEED_IN_TEXT = re.compile(r"[?&](?:amp;)?need=([A-Za-z0-9_-]+)")


def directory_queries(path: str) -> list[dict[str, list[str]]]:
    """The query of every link on the page that goes to the directory's search."""
    response = Client().get(path)
    assert response.status_code == 200, path
    search = reverse("directory:search")
    links = [urlsplit(href.replace("&amp;", "&")) for href in re.findall(r'href="([^"]+)"', response.content.decode())]
    return [parse_qs(link.query) for link in links if link.path == search]


def test_the_rights_app_uses_only_the_directory_vocabulary_codes() -> None:
    # A spelling the directory does not know (legal-immigration, health, counselling) would find nothing.
    assert {"immigration-legal", "labour-rights", "health-care", "mental-health"} <= DIRECTORY_NEED_CODES
    assert not {"legal-immigration", "legal-labour", "health", "counselling"} & DIRECTORY_NEED_CODES
    used = set(PACKAGE_NEEDS) | {code for codes in TOPIC_NEEDS.values() for code in codes}
    assert used <= DIRECTORY_NEED_CODES, used - DIRECTORY_NEED_CODES
    assert set(NEED_LABELS) <= DIRECTORY_NEED_CODES
    assert used <= set(NEED_LABELS)  # every link has words
    assert set(TOPIC_NEEDS) == set(Topic.values)


def test_every_package_page_links_only_to_known_needs_around_its_city(rights_content) -> None:
    packages = list(Package.objects.all())
    assert packages
    for package in packages:
        queries = directory_queries(reverse("rights:package", kwargs={"slug": package.slug}))
        assert [query["need"][0] for query in queries] == list(PACKAGE_NEEDS)
        assert all(query["postcode"] == [package.postcode] for query in queries), package.slug


def test_every_fact_sheet_links_to_the_directory_for_its_topic(rights_content) -> None:
    sheets = list(FactSheet.objects.all())
    assert sheets
    for sheet in sheets:
        queries = directory_queries(reverse("rights:fact_sheet", kwargs={"slug": sheet.slug}))
        assert [query["need"][0] for query in queries] == list(TOPIC_NEEDS[sheet.topic]), sheet.slug
    trp = directory_queries(reverse("rights:fact_sheet", kwargs={"slug": "temporary-resident-permit"}))
    assert [query["need"][0] for query in trp] == ["immigration-legal", "trafficking-support"]


def test_no_content_file_or_template_links_to_an_unknown_need() -> None:
    files = [*(RIGHTS / "content").rglob("*.md"), *(RIGHTS / "content").rglob("*.yaml")]
    files += [*(RIGHTS / "templates").rglob("*.html")]
    assert files
    used = {code for path in files for code in NEED_IN_TEXT.findall(path.read_text(encoding="utf-8"))}
    assert used <= DIRECTORY_NEED_CODES, used - DIRECTORY_NEED_CODES
