"""Template filters for the directory: opening days in the reader's language."""

from __future__ import annotations

from django import template
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from harbour.directory.models import Schedule
from harbour.directory.search import WEEKDAYS

register = template.Library()

_CODES = WEEKDAYS  # the schedule's day codes, Monday first


@register.filter
def days_label(schedule: Schedule) -> str:
    """ "Every day", "Mon–Fri", or the days listed ("Tue, Thu"), in the page's language."""
    days = [code for code in _CODES if code in (schedule.byday or "").upper()]
    if len(days) == 7:
        return _("Every day")
    if days == list(_CODES[:5]):
        return f"{WEEKDAYS_ABBR[0]}–{WEEKDAYS_ABBR[4]}"
    return ", ".join(str(WEEKDAYS_ABBR[_CODES.index(code)]) for code in days)


@register.filter
def language_name(code: str) -> str:
    """A language in its own name, so a reader finds theirs whatever the page's language."""
    from harbour.core.reference import LANGUAGE_NAMES

    return LANGUAGE_NAMES.get(code, code)
