"""The language switcher's links are what `django.urls.translate_url` gives, for every kind of address."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

from harbour.core.context_processors import translated_urls

PATHS = [
    "/en/",
    "/fr/directory/?q=abri&need=shelter",
    "/en/directory/services/3f0c2b8e-7d0a-4c55-9a8e-2d3b7c6e1f00/",
    "/ar/rights/employment-standards/",
    "/zh-hans/self-check/",
    "/en/members/reports/12/",
    "/en/no/such/page/",
    "/api/hsds/services?search=x",
    "/healthz",
    "/xx/directory/",
]


@pytest.mark.parametrize("path", PATHS)
def test_every_language_link_is_djangos(path):
    prefix = path.split("/")[1]
    active = prefix if prefix in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(active):
        mine = translated_urls(path)
        assert mine == {code: translate_url(path, code) for code, _name in settings.LANGUAGES}
    if path.startswith("/fr/directory/"):
        assert mine["es"] == "/es/directory/?q=abri&need=shelter"
