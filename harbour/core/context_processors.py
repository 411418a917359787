"""Values every page's layout needs: the language switcher, the quick exit, the demo banner."""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import get_language, get_language_info


@cache
def _language_infos() -> tuple[tuple[str, str, bool], ...]:
    """(code, name in that language, right to left) for every language, read once per process."""
    return tuple(
        (code, get_language_info(code)["name_local"], get_language_info(code)["bidi"]) for code, _ in settings.LANGUAGES
    )


def translated_urls(full_path: str) -> dict[str, str]:
    """This address in every language, as `django.urls.translate_url` gives it for each.

    Harbour's page patterns are not translated: only the language prefix changes, so an address
    that resolves is resolved once and given each prefix (Django's function resolves and reverses
    it once per language, about 2 ms a page for ten languages). An address outside the language
    prefix, or one that resolves to nothing, stays as it is.
    """
    codes = [code for code, _name, _bidi in _language_infos()]
    parsed = urlsplit(full_path)
    prefix, _slash, rest = parsed.path[1:].partition("/")
    if prefix not in codes:
        return dict.fromkeys(codes, full_path)
    try:
        resolve(unquote(parsed.path))
    except Resolver404:
        return dict.fromkeys(codes, full_path)
    return {
        code: urlunsplit((parsed.scheme, parsed.netloc, f"/{code}/{rest}", parsed.query, parsed.fragment))
        for code in codes
    }


def harbour(request: HttpRequest) -> dict[str, Any]:
    policy = getattr(request, "harbour_policy", None)
    urls = translated_urls(request.get_full_path())
    languages = [
        {"code": code, "name_local": name_local, "url": urls[code], "bidi": bidi}
        for code, name_local, bidi in _language_infos()
    ]
    current = get_language()
    return {
        "harbour_languages": languages,
        # A draft language says so on every page, and offers the complete ones.
        "draft_language": current not in settings.HARBOUR_COMPLETE_LANGUAGES,
        "complete_languages": [entry for entry in languages if entry["code"] in settings.HARBOUR_COMPLETE_LANGUAGES],
        "quick_exit_url": settings.HARBOUR_QUICK_EXIT_URL,
        "quick_exit_href": reverse("leave"),
        "public_page": policy is None or policy.is_public,
        "demo_mode": settings.HARBOUR_DEMO,
    }
