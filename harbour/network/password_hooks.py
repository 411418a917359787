"""Moments when a member's password is in hand, for apps that keep something under it.

The password is known only while a member signs in, changes it or resets it, and
network imports no app above it; so an app that protects a key with the member's
password (reports: each receiver's key pair) registers a hook here, once, from its
AppConfig.ready(). A hook never stores the password: it derives what it needs and
returns. A hook that fails must not stop a sign-in, so its errors are its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from django.http import HttpRequest

    from harbour.network.models import Member


class PasswordHook(Protocol):
    def __call__(
        self, *, request: HttpRequest, member: Member, password: str, previous_password: str | None
    ) -> None: ...


_hooks: dict[str, PasswordHook] = {}


def register(name: str, hook: PasswordHook | Callable[..., None]) -> None:
    """Adds a hook under `name`; registering the same name again replaces it (ready() may run twice in tests)."""
    _hooks[name] = hook


def password_entered(
    *, request: HttpRequest, member: Member, password: str, previous_password: str | None = None
) -> None:
    """Tells every hook the member's current password: `previous_password` after a change, None otherwise.

    After a reset (the member forgot it) no previous password is known: whatever was kept
    under the old one stays locked until the app's own recovery opens it.
    """
    for hook in list(_hooks.values()):
        hook(request=request, member=member, password=password, previous_password=previous_password)
