"""Every link from the rights pages into the directory names a need the directory knows."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from django.test import Client
from django.urls import reverse

from harbour.rights.models import Package
from harbour.rights.needs import DIRECTORY_NEED_CODES, PACKAGE_NEEDS

RIGHTS = Path(__file__).resolve().parents[1]
NEED_IN_TEXT = re.compile(r"[?&](?:amp;)?need=([A-Za-z0-9_-]+)")


def test_the_need_codes_are_the_directory_vocabulary_codes() -> None:
    # A spelling the directory does not know (legal-immigration, health, counselling) would find nothing.
    assert {"immigration-legal", "labour-rights", "health-care", "mental-health"} <= DIRECTORY_NEED_CODES
    assert not {"legal-immigration", "legal-labour", "health", "counselling"} & DIRECTORY_NEED_CODES
    assert {code for code, _label in PACKAGE_NEEDS} <= DIRECTORY_NEED_CODES


def test_every_package_page_links_only_to_known_needs_around_its_city(rights_content) -> None:
    search = reverse("directory:search")
    packages = list(Package.objects.all())
    assert packages
    for package in packages:
        html = Client().get(reverse("rights:package", kwargs={"slug": package.slug})).content.decode()
        links = [urlsplit(href.replace("&amp;", "&")) for href in re.findall(r'href="([^"]+)"', html)]
        to_directory = [parse_qs(link.query) for link in links if link.path == search]
        assert {query["need"][0] for query in to_directory} == {code for code, _label in PACKAGE_NEEDS}
        assert all(query["postcode"] == [package.postcode] for query in to_directory), package.slug


def test_no_content_file_or_template_links_to_an_unknown_need() -> None:
    files = [*(RIGHTS / "content").rglob("*.md"), *(RIGHTS / "content").rglob("*.yaml")]
    files += [*(RIGHTS / "templates").rglob("*.html")]
    assert files
    used = {code for path in files for code in NEED_IN_TEXT.findall(path.read_text(encoding="utf-8"))}
    assert used <= DIRECTORY_NEED_CODES, used - DIRECTORY_NEED_CODES
