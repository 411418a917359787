"""Values every page's layout needs: the language switcher, the quick exit, the demo banner."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils.translation import get_language, get_language_info


def harbour(request: HttpRequest) -> dict[str, Any]:
    policy = getattr(request, "harbour_policy", None)
    languages = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        languages.append(
            {
                "code": code,
                "name_local": info["name_local"],
                "url": translate_url(request.get_full_path(), code),
                "bidi": info["bidi"],
            }
        )
    current = get_language()
    return {
        "harbour_languages": languages,
        # A draft language says so on every page, and offers the complete ones.
        "draft_language": current not in settings.HARBOUR_COMPLETE_LANGUAGES,
        "complete_languages": [entry for entry in languages if entry["code"] in settings.HARBOUR_COMPLETE_LANGUAGES],
        "quick_exit_url": settings.HARBOUR_QUICK_EXIT_URL,
        # Where the quick exit's link goes without JavaScript: through Harbour (core.views.leave).
        "quick_exit_href": reverse("leave"),
        "public_page": policy is None or policy.is_public,
        "demo_mode": settings.HARBOUR_DEMO,
    }
