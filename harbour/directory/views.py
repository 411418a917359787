"""Pages of the directory app."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from harbour.core import access


@access.members()
def search(request: HttpRequest) -> HttpResponse:
    """The public directory search; other apps link here with ?need=<code>&postcode=<A1A 1A1>.

    Other apps link here before the directory app has its pages; until then, it is not found
    (and not public, so the public-page checks do not visit it).
    """
    raise Http404
