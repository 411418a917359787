"""Named places on a lower app's page that a higher app may fill, so imports point one way.

Screening and cases show the region's response plan, which lives in `respond`, a
higher layer they must not import. Instead the lower page names a slot and hands
it plain values (`{% slot "screening.result" province=province %}`); the higher
app registers a filler for that slot when it starts (`AppConfig.ready`). Without
the higher app installed the slot renders nothing, and the lower app never learns
who filled it.

A filler takes the request and the slot's values and returns HTML (already
escaped, built from its own template) or an empty string.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

Filler = Callable[[HttpRequest, Mapping[str, Any]], str]

# Every slot a page may name, with the values it passes. A filler for a slot not listed here is
# refused when it registers, so a renamed slot cannot silently empty a page.
SLOTS: dict[str, str] = {
    "screening.result": "a worker's screening result: province (code or ''), indicators_present (bool)",
    "cases.case_detail": "a case's page: organisation_id (int)",
    "network.dashboard": "a member's home, after their work: no values (the member is the request's)",
}

_fillers: dict[str, list[Filler]] = {}


def slot_fill(name: str, filler: Filler) -> None:
    """Registers `filler` for the slot `name` (once per filler; registering it again does nothing)."""
    if name not in SLOTS:
        raise ImproperlyConfigured(f"no slot named {name!r}; the slots are {sorted(SLOTS)}")
    fillers = _fillers.setdefault(name, [])
    if filler not in fillers:
        fillers.append(filler)


def slot_render(name: str, request: HttpRequest, values: Mapping[str, Any]) -> SafeString:
    """What every filler of `name` returns for this request, one after the other."""
    if name not in SLOTS:
        raise ImproperlyConfigured(f"no slot named {name!r}; the slots are {sorted(SLOTS)}")
    parts = [filler(request, values) for filler in _fillers.get(name, [])]
    # Fillers return HTML they rendered from their own templates, so it is already escaped.
    return mark_safe("".join(parts))  # noqa: S308
