"""Middleware that keeps Harbour from learning or leaking who its visitors are."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.views.debug import SafeExceptionReporterFilter

from harbour.core import access

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
