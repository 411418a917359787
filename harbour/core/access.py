"""Access policy: every view declares who may use it, and one middleware enforces it.

A view without a declared policy is refused. Person-data views can only name
roles from PERSON_DATA_ROLES: asking for any other role fails at import time,
so a liaison or researcher can never be let in by a typo or a later edit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from harbour.core.responses import error_page
from harbour.core.roles import ALL_ROLES, NEVER_PERSON_DATA_ROLES, PERSON_DATA_ROLES

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from harbour.network.models import Member

View = TypeVar("View", bound=Callable[..., HttpResponse])


@dataclass(frozen=True)
class Policy:
    """Who may use a view. `roles` is None for views open to everyone."""

    name: str
    roles: frozenset[str] | None
    person_data: bool = False
    # Members of organisations not (or no longer) vetted reach only their own account pages.
    allow_unvetted: bool = False

    @property
    def is_public(self) -> bool:
        return self.roles is None

    def allows(self, member: Member | AnonymousUser | None) -> bool:
        if self.roles is None:
            return True
        if member is None or not member.is_authenticated or not member.is_active:
            return False
        if member.role not in self.roles:
            return False
        if not self.allow_unvetted and not member.organisation.is_vetted:
            return False
        if self.person_data:
            return member.may_see_person_data
        return True


def _declare(policy: Policy) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        if hasattr(view, "harbour_access"):
            raise ImproperlyConfigured(f"{view.__qualname__} declares two access policies")
        view.harbour_access = policy  # type: ignore[attr-defined]
        return view

    return decorate


def public(view: View) -> View:
    """Open to everyone, with no account. Such pages hold no one's data."""
    return _declare(Policy("public", None))(view)


def members(*roles: str, allow_unvetted: bool = False) -> Callable[[View], View]:
    """Signed-in members of vetted organisations; only the given roles when any are named.

    `allow_unvetted` opens a view to members whose organisation waits for vetting
    or was suspended: only for pages about their own account.
    """
    allowed = frozenset(roles) if roles else ALL_ROLES
    unknown = allowed - ALL_ROLES
    if unknown:
        raise ImproperlyConfigured(f"unknown roles {sorted(unknown)}")
    return _declare(Policy("members", allowed, allow_unvetted=allow_unvetted))


def person_data(*roles: str) -> Callable[[View], View]:
    """Views that show or change a person-level record; never open to liaisons or researchers."""
    allowed = frozenset(roles) if roles else PERSON_DATA_ROLES
    if allowed & NEVER_PERSON_DATA_ROLES or not allowed <= PERSON_DATA_ROLES:
        raise ImproperlyConfigured(
            f"person-data views may only name {sorted(PERSON_DATA_ROLES)}, not {sorted(allowed)}"
        )
    return _declare(Policy("person_data", allowed, person_data=True))


def policy_of(view: Callable[..., Any]) -> Policy | None:
    return getattr(view, "harbour_access", None)


def _views_by_name(
    patterns: Iterable[URLPattern | URLResolver], namespace: str, found: dict[str, Callable[..., Any]]
) -> dict[str, Callable[..., Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            _views_by_name(pattern.url_patterns, inner, found)
        elif pattern.name:
            # Like reverse(), the first pattern with a name wins.
            found.setdefault(f"{namespace}{pattern.name}", pattern.callback)
    return found


@functools.cache
def _view_named(name: str) -> Callable[..., Any]:
    view = _views_by_name(get_resolver().url_patterns, "", {}).get(name)
    if view is None:
        raise NoReverseMatch(f"no view is named {name!r}")
    return view


def may_use(member: Member | AnonymousUser | None, view_name: str) -> bool:
    """Whether the access policy would let `member` open the view named `view_name` ("cases:case_edit").

    Templates ask this (`{% if user|may_use:"cases:case_edit" %}`) before showing a link, so a
    link is shown exactly when its page would open. A view without a policy opens to no one; an
    unknown name raises, as `{% url %}` does.
    """
    policy = policy_of(_view_named(view_name))
    return policy is not None and policy.allows(member)


def signed_in_member(request: HttpRequest) -> Member:
    """The member making this request, for views the policy opens to members only.

    The access policy lets no one else reach them; should one ever be reached otherwise, this
    refuses (403) instead of handing an anonymous user to code that expects a member.
    """
    # The member model (AUTH_USER_MODEL) lives in network, above core: named through settings.
    if not isinstance(request.user, get_user_model()) or not request.user.is_authenticated:
        raise PermissionDenied
    return request.user


def forbidden(request: HttpRequest) -> HttpResponse:
    return error_page(
        request,
        title=_("You do not have access to this page"),
        message=_(
            "Your role does not include this page. If you think it should, ask your organisation's administrator."
        ),
        status=403,
    )


class AccessPolicyMiddleware:
    """Refuses any view that declares no policy, and anyone its policy does not allow."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: Iterable[Any],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        policy = policy_of(view_func)
        if policy is None:
            return forbidden(request)
        request.harbour_policy = policy  # type: ignore[attr-defined]
        if policy.is_public:
            return None
        user = request.user
        if not user.is_authenticated:
            return sign_in_redirect(request)
        if not policy.allows(user):
            return forbidden(request)
        return None


def sign_in_redirect(request: HttpRequest, *, notice: str = "") -> HttpResponseRedirect:
    """To the sign-in page, coming back to this page afterwards.

    Only the path comes back, never the query string: it may hold a searched place or a
    person's answer, and the sign-in keeps `next` in the session row while it waits for a code.
    The `notice` says why, from the sign-in page's fixed list; nothing is stored for it
    (a message would need a cookie or a session for someone who is not signed in).
    """
    query = {"next": request.path}
    if notice:
        query["notice"] = notice
    return HttpResponseRedirect(f"{resolve_url(settings.LOGIN_URL)}?{urlencode(query)}")
