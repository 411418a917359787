"""Middleware that keeps Harbour from learning or leaking who its visitors are."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.debug import SafeExceptionReporterFilter

from harbour.core import access
from harbour.core.responses import error_page

logger = logging.getLogger(__name__)

Handler = Callable[[HttpRequest], HttpResponse]

# The only request headers Harbour keeps. Everything else a browser or proxy
# sends (user agent, client hints, forwarding chains, CDN client addresses) is
# removed before any view, log or error report can see it. An allowlist, so a
# header nobody thought of is dropped too.
KEPT_HEADERS = frozenset(
    {
        "HTTP_HOST",
        "HTTP_ACCEPT",
        "HTTP_ACCEPT_ENCODING",
        "HTTP_ACCEPT_LANGUAGE",
        "HTTP_CACHE_CONTROL",
        "HTTP_CONNECTION",
        "HTTP_COOKIE",
        "HTTP_IF_MODIFIED_SINCE",
        "HTTP_IF_NONE_MATCH",
        "HTTP_ORIGIN",
        "HTTP_PRAGMA",
        "HTTP_RANGE",
        "HTTP_REFERER",
        "HTTP_SEC_FETCH_DEST",
        "HTTP_SEC_FETCH_MODE",
        "HTTP_SEC_FETCH_SITE",
        "HTTP_SEC_FETCH_USER",
        "HTTP_UPGRADE_INSECURE_REQUESTS",
        "HTTP_X_CSRFTOKEN",
        "HTTP_X_FORWARDED_PROTO",
        "HTTP_X_REQUESTED_WITH",
    }
)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(self), interest-cohort=()"


def forget_client_middleware(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        request.META["REMOTE_ADDR"] = "0.0.0.0"  # noqa: S104 - a placeholder, not a bind address
        for key in [k for k in request.META if k.startswith("HTTP_") and k not in KEPT_HEADERS]:
            del request.META[key]
        return get_response(request)

    return middleware


def security_headers_middleware(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if not request.path.startswith(settings.STATIC_URL):
            # No page is kept by the browser or a proxy: a member's page may be
            # about a person, and a visitor's page may be seen on a shared phone.
            response["Cache-Control"] = "no-store"
        return response

    return middleware


def idle_timeout_middleware(get_response: Handler) -> Handler:
    """Signs a member out after HARBOUR_IDLE_TIMEOUT_MINUTES without a request,
    and after HARBOUR_SESSION_HOURS in any case."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get("harbour_last_seen")
            started = request.session.setdefault("harbour_signed_in_at", now)
            limit = settings.HARBOUR_IDLE_TIMEOUT_MINUTES * 60
            too_old = isinstance(started, int) and now - started > settings.SESSION_COOKIE_AGE
            if too_old or (isinstance(last, int) and now - last > limit):
                logout(request)
                return access.sign_in_redirect(request, notice="ended" if too_old else "idle")
            if not isinstance(last, int) or now - last >= settings.HARBOUR_LAST_SEEN_RESOLUTION_SECONDS:
                # Kept to the minute, so a member's every page is not also a write (and, on SQLite,
                # a disk sync) of the session row; the timeout can end up to a minute early, never late.
                request.session["harbour_last_seen"] = now
        return get_response(request)

    return middleware


class ForgetfulExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports carry no request headers, cookies or form data at all."""

    def get_safe_request_meta(self, request: HttpRequest) -> dict[str, Any]:
        return {}

    def get_post_parameters(self, request: HttpRequest | None) -> dict[str, Any]:
        return {}

    def get_safe_cookies(self, request: HttpRequest) -> dict[str, Any]:
        return {}


DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """The "try again" page while the database is away: 503, translated, and drawn without the database.

    The layout would otherwise ask the session and the messages for the signed-in member, which needs the
    database again; the page is drawn as for a visitor. A form that was being sent is said not to be saved:
    every write runs in one transaction, so nothing of it was kept.
    """
    request.user = AnonymousUser()
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    sent = request.method == "POST"
    response = error_page(
        request,
        title=_("Harbour is not available for a moment"),
        message=(
            _("What you sent was not saved. Please wait a minute and send it again.")
            if sent
            else _("Please wait a minute and try again.")
        ),
        status=503,
    )
    response["Retry-After"] = "60"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database that went away during a view into the "try again" page instead of a 500.

    Errors raised by other middleware (the session, the sign-in) reach `harbour.core.views.server_error`,
    which draws the same page.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            logger.warning("database unavailable: %s", type(exception).__name__)
            return database_unavailable(request)
        return None
