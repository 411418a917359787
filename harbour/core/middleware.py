"""Middleware that keeps Harbour from learning or leaking who its visitors are."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.debug import SafeExceptionReporterFilter

Handler = Callable[[HttpRequest], HttpResponse]

# Request headers that identify a visitor's device or network. They are removed
# before any view, log or error report can see them.
IDENTIFYING_META = (
    "HTTP_USER_AGENT",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_X_CLIENT_IP",
    "HTTP_CLIENT_IP",
    "HTTP_SEC_CH_UA",
    "HTTP_SEC_CH_UA_PLATFORM",
    "HTTP_SEC_CH_UA_MOBILE",
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
        for key in IDENTIFYING_META:
            request.META.pop(key, None)
        return get_response(request)

    return middleware


def security_headers_middleware(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Anything a signed-in member sees may be about a person.
            response["Cache-Control"] = "no-store"
        return response

    return middleware


def idle_timeout_middleware(get_response: Handler) -> Handler:
    """Signs a member out after HARBOUR_IDLE_TIMEOUT_MINUTES without a request."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get("harbour_last_seen")
            limit = settings.HARBOUR_IDLE_TIMEOUT_MINUTES * 60
            if isinstance(last, int) and now - last > limit:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(minutes)d minutes without activity.")
                    % {"minutes": settings.HARBOUR_IDLE_TIMEOUT_MINUTES},
                )
                return redirect_to_login(request.get_full_path())
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
