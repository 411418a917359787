"""A public search's answers, kept out of the page's address and so out of Back after the quick exit.

A GET search puts what the person typed and ticked in the address, and the
browser keeps that address in its history: after the quick exit, Back asks for
it again and Harbour would answer it again, answers and all, even with the
back-forward cache emptied (`core.views.leave`). So a public search form sends
a `seal` field; Harbour answers it with a redirect to the same page whose only
parameter is a short code holding the answers (`crypto.seal_code`), bound to
the browser's CSRF cookie. That cookie ends with the browser session, and the
quick exit deletes it: from then on the code opens nowhere, and Back finds an
empty form. Links other pages make with plain parameters (`?need=shelter`) are
answered as before; a plain parameter beside a code (a next page, a wider
radius) is merged into a new code.

Harbour keeps no copy of the answers: the code itself holds them.
"""

from __future__ import annotations

import zlib

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.middleware.csrf import get_token
from django.utils.http import urlencode

from harbour.core import crypto

SEALED = "a"
SEAL = "seal"
_PURPOSE = "sealed-query"
# Long enough for a session of reading; the CSRF cookie it is bound to usually ends first.
MAX_AGE_SECONDS = 12 * 60 * 60


def sealed_redirect(request: HttpRequest) -> HttpResponse | None:
    """A redirect to this page with its answers sealed, when the form sent them or a parameter joins a code."""
    params = request.GET.copy()
    code = params.get(SEALED)
    params.pop(SEALED, None)
    asked = params.pop(SEAL, None) is not None
    if not asked and not (code and params):
        return None
    answers = _open(request, code) if code else QueryDict(mutable=True)
    if "offset" not in params:
        answers.pop("offset", None)  # a new search, or a wider one, starts at its first page
    for key in params:
        answers.setlist(key, params.getlist(key))
    get_token(request)  # the browser's CSRF cookie, made now if it has none, is what the code is bound to
    sealed = crypto.seal_code(
        zlib.compress(answers.urlencode().encode("utf-8")), purpose=_PURPOSE, bound_to=request.META["CSRF_COOKIE"]
    )
    return HttpResponseRedirect(f"{request.path}?{urlencode({SEALED: sealed})}", status=303)


def answers(request: HttpRequest) -> QueryDict:
    """The parameters to answer: those sealed in the address when it holds a code (none once the code opens nowhere)."""
    code = request.GET.get(SEALED)
    if code is None:
        return request.GET
    return _open(request, code)


def _open(request: HttpRequest, code: str) -> QueryDict:
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return QueryDict(mutable=True)
    try:
        payload = crypto.open_code(code, purpose=_PURPOSE, bound_to=secret, max_age_seconds=MAX_AGE_SECONDS)
        return QueryDict(zlib.decompress(payload).decode("utf-8"), mutable=True)
    except (crypto.CodeError, zlib.error, UnicodeDecodeError):
        return QueryDict(mutable=True)
