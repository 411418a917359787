"""What every network action shares: the refusal shown to a member, and absolute links for emails."""

from __future__ import annotations

from django.conf import settings


class ActionRefused(Exception):
    """The action cannot be done; the message is shown to the member as it is."""


def absolute_url(path: str) -> str:
    return settings.HARBOUR_SITE_URL.rstrip("/") + path
