"""Pages of the rights app."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from harbour.core import access


@access.members()
def fact_sheet(request: HttpRequest, slug: str) -> HttpResponse:
    """A fact sheet by its topic slug (the slugs other apps link to are in harbour/rights/topics.py).

    Other apps link here before the rights app has its pages; until then, it is not found
    (and not public, so the public-page checks do not visit it).
    """
    raise Http404
