"""Public pages of the core: home, privacy, the quick exit, health check and error pages."""

from __future__ import annotations

import sys

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from harbour.core import access, readiness
from harbour.core.middleware import DATABASE_ERRORS, database_unavailable
from harbour.core.responses import error_page


@access.public
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@access.public
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


# The quick exit without JavaScript passes here. Chromium keeps pages sent with `no-store` in its
# back-forward cache, and Back would show them as the person left them, answers and all; it drops
# them when the site's cookies change, so this answer sets a cookie that holds nothing and is gone
# a second later. It deletes the CSRF cookie too: a form Back would send again is then refused, and
# a search's sealed answers open nowhere (core/sealed_query.py). `Clear-Site-Data` asks browsers
# that honour it to forget the site's cached files and offline fact sheets too (with JavaScript,
# harbour.js does that and goes straight to the site).
LEFT_COOKIE = "harbour-left"


@access.public
@require_safe
def leave(request: HttpRequest) -> HttpResponse:
    """The quick exit: on to the neutral site, leaving the browser nothing of Harbour to go back to."""
    response = HttpResponseRedirect(settings.HARBOUR_QUICK_EXIT_URL, status=303)
    response["Clear-Site-Data"] = '"cache", "storage"'
    response.set_cookie(
        LEFT_COOKIE, "", max_age=1, path="/", secure=request.is_secure(), httponly=True, samesite="Strict"
    )
    response.delete_cookie(
        settings.CSRF_COOKIE_NAME,
        path=settings.CSRF_COOKIE_PATH,
        domain=settings.CSRF_COOKIE_DOMAIN,
        samesite="Strict",  # as settings.CSRF_COOKIE_SAMESITE
    )
    # Nothing may set the CSRF cookie again on the way out (CsrfViewMiddleware would on a page that asked for it).
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
    return response


@access.public
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Says nothing else."""
    return HttpResponse("ok", content_type="text/plain")


@access.public
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: the database answers and every migration is applied. One word, no detail."""
    if readiness.ready():
        return HttpResponse("ready", content_type="text/plain")
    return HttpResponse("not ready", content_type="text/plain", status=503)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(
        request,
        title=_("Page not found"),
        message=_("This page does not exist, or you do not have access to it."),
        status=404,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    # Called while the exception is being handled: a database gone away in a middleware gets the
    # "try again" page too.
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable(request)
    return error_page(
        request,
        title=_("Something went wrong"),
        message=_("Harbour could not finish this. Nothing you typed was shared. Please go back and try again."),
        status=500,
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Any PermissionDenied raised past the access policy: the same translated page, in the layout."""
    return access.forbidden(request)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(
        request, title=_("This request could not be read"), message=_("Please go back and try again."), status=400
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(
        request,
        title=_("This form expired"),
        message=_("For your safety, forms expire. Go back, reload the page and send it again."),
        status=403,
    )
