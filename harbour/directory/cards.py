"""The search pages' result cards, written in Python with exactly the HTML of `directory/_result.html`.

A page of twenty results drew `_result.html` twenty times, with `_hours.html` per schedule and `_beds.html`
per count: several hundred template nodes per card, about a quarter of a search page's own time. The
template stays as the reference: `tests/test_result_cards.py` draws every card both ways, in every
language, and requires the same HTML; `tests/test_pages_html.py` pins whole pages. A change to a card is
made in both.

What Django's templates do is kept: `{% translate %}` of a literal is not escaped (a translator's text is
trusted), a value is localised and escaped as `{{ value }}` is, a `blocktranslate` escapes its values and
not its text.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from django.template import defaultfilters
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_noop, ngettext

from harbour.directory.search import Beds, Result
from harbour.directory.templatetags.directory import days_label

# The literal texts of the cards' templates (`{% translate %}`, `blocktranslate` without a count).
_MESSAGES = (
    gettext_noop("Call for hours"),
    gettext_noop("Call for location"),
    gettext_noop("Confidential address:"),
    gettext_noop("Distance"),
    gettext_noop("Free"),
    gettext_noop("Hours"),
    gettext_noop("No phone listed"),
    gettext_noop("Not available in French: shown in English."),
    gettext_noop("Open 24 hours, every day"),
    gettext_noop("Open now"),
    gettext_noop("Phone"),
    gettext_noop("Places tonight"),
    gettext_noop("Safe regardless of immigration status"),
    gettext_noop("Unknown"),
    gettext_noop("Website"),
    gettext_noop("Where"),
    gettext_noop("about %(km)s km"),
    gettext_noop("last count %(when)s ago, more than a day"),
    gettext_noop("updated %(when)s ago"),
)


def _v(value: Any) -> str:
    """`{{ value }}`: localised, made a string and escaped (what `render_value_in_context` does); a plain
    string (most values) is escaped directly, as `conditional_escape` would."""
    if type(value) is str:
        return html.escape(value)
    value = localize(value)
    return conditional_escape(value if isinstance(value, str) else str(value))


def _hours(schedule: Any, w: dict[str, str]) -> str:
    """`directory/_hours.html` (with its last line's newline)."""
    if schedule.opens_at and schedule.closes_at:
        out = f"{_v(days_label(schedule))} {_v(schedule.opens_at[:5])}–{_v(schedule.closes_at[:5])}"
        if schedule.description:
            out += f" ({_v(schedule.description)})"
    elif schedule.description:
        out = _v(schedule.description)
    else:
        days = days_label(schedule)
        out = _v(days) if days else w["Call for hours"]
    return out + "\n"


def beds_html(beds: Beds, w: dict[str, str]) -> str:
    """`directory/_beds.html` (with its last line's newline)."""
    if beds.places_available is None:
        out = w["Unknown"]
        if beds.updated_at:
            when = _v(defaultfilters.timesince_filter(beds.updated_at))
            out += " (" + w["last count %(when)s ago, more than a day"] % {"when": when} + ")"
    else:
        count = beds.places_available
        places = ngettext("%(counter)s place", "%(counter)s places", count) % {"counter": _v(count)}
        when = _v(defaultfilters.timesince_filter(beds.updated_at))
        out = places + " (" + w["updated %(when)s ago"] % {"when": when} + ")"
    return out + "\n"


def _phones(result: Result, w: dict[str, str]) -> str:
    if not result.phones:
        return w["No phone listed"]
    parts = []
    for phone in result.phones:
        number = "None" if phone.number is None else str(phone.number)
        part = f'<a href="tel:{_v(number.replace(" ", ""))}">{_v(phone.number)}</a>'
        if phone.description:
            part += f" ({_v(phone.description)})"
        parts.append(part)
    return ", ".join(parts)


def _where(result: Result, w: dict[str, str]) -> str:
    if result.confidential:
        secret = result.confidential_address
        if secret:
            out = f'<span class="confidential">{w["Confidential address:"]}</span> {_v(secret.address_1)}'
            if secret.address_2:
                out += f", {_v(secret.address_2)}"
            return out + f", {_v(secret.city)} {_v(secret.postal_code)}"
        out = w["Call for location"]
        return out + f" ({_v(result.city)})" if result.city else out
    if result.address:
        return _v(result.address)
    return _v(result.city) if result.city else w["Call for location"]


def _hours_line(result: Result, w: dict[str, str]) -> str:
    if result.always_open:
        return w["Open 24 hours, every day"]
    if not result.schedules:
        return w["Call for hours"]
    out = f"<strong>{w['Open now']}</strong> · " if result.open_now else ""
    return out + "; ".join(_hours(schedule, w) for schedule in result.schedules)


def result_card(result: Result, page: _Page) -> str:
    """One `directory/_result.html`, for a result whose `text` the view has set (`views.service_text`)."""
    w = page.words
    text: dict[str, Any] = result.text  # type: ignore[attr-defined]
    service = result.service
    href = page.service_href(service.id)
    fell_back = ' lang="en"' if text["name_fell_back"] else ""
    organisation = service.organization
    lines = [
        '<li class="result">\n',
        f'  <h3><a href="{href}"{fell_back}>{_v(text["name"])}</a></h3>\n',
        "  " + (f'<p class="org">{_v(organisation.name)}</p>' if organisation else "") + "\n",
        "  " + (f'<p class="notice">{w["Not available in French: shown in English."]}</p>' if fell_back else "") + "\n",
        '  <dl class="reach">\n',
    ]
    distance = ""
    if result.distance_km is not None:
        km = defaultfilters.floatformat(result.distance_km, "0")
        distance = f"<dt>{w['Distance']}</dt><dd>" + w["about %(km)s km"] % {"km": km}
        if result.other_locations:
            count = result.other_locations
            others = ngettext("%(counter)s other location", "%(counter)s other locations", count)
            distance += " · " + others % {"counter": _v(count)}
        distance += "</dd>"
    lines += [
        f"    {distance}\n",
        f"    <dt>{w['Phone']}</dt>\n",
        f"    <dd>{_phones(result, w)}</dd>\n",
        f"    <dt>{w['Where']}</dt>\n",
        f"    <dd>{_where(result, w)}</dd>\n",
        f"    <dt>{w['Hours']}</dt>\n",
        f"    <dd>{_hours_line(result, w)}</dd>\n",
    ]
    website = result.website
    site = ""
    if website:
        site = f'<dt>{w["Website"]}</dt><dd><a href="{_v(website)}" rel="noreferrer noopener">{_v(website)}</a></dd>'
    beds = f"<dt>{w['Places tonight']}</dt><dd>{beds_html(result.beds, w)}</dd>" if result.beds else ""
    safe = f'<li class="safe">{w["Safe regardless of immigration status"]}</li>' if result.status_safe else ""
    free = f"<li>{w['Free']}</li>" if result.free else ""
    needs = "".join(f"<li>{_v(term.label)}</li>" for term in result.needs)
    lines += [
        f"    {site}\n",
        f"    {beds}\n",
        "  </dl>\n",
        '  <ul class="tags">\n',
        f"    {safe}\n",
        f"    {free}\n",
        f"    {needs}\n",
        "  </ul>\n",
        "</li>\n",
    ]
    return "".join(lines)


class _Page:
    """What every card of a page shares: the translated words, the service link and the link back."""

    def __init__(self, *, members: bool, from_results: str) -> None:
        self.words = _translated(get_language() or "")
        self.url_name = "directory:member_service" if members else "directory:service"
        self.back = f"?{_v(from_results)}" if from_results else ""
        # The link to a service, reversed once: `{% url %}` quotes the id as Django's `reverse` does below.
        self.prefix, self.suffix = reverse(self.url_name, args=[_PLACEHOLDER]).split(_PLACEHOLDER)

    def service_href(self, service_id: str) -> str:
        if service_id and "/" not in service_id:
            url = self.prefix + quote(service_id, safe=RFC3986_SUBDELIMS + "/~:@") + self.suffix
        else:  # what the path converter refuses: as `{% url %}` does, raises
            url = reverse(self.url_name, args=[service_id])
        return _v(url) + self.back


_PLACEHOLDER = "0"


@functools.lru_cache(maxsize=64)
def _translated(language: str) -> dict[str, str]:
    """The cards' words in the active language (`language` names it, for the cache)."""
    return {message: gettext(message) for message in _MESSAGES}


def result_cards(results: Iterable[Result], *, members: bool, from_results: str) -> SafeString:
    """The cards of a page of results, one after the other (as `{% for %}{% include %}{% endfor %}` wrote them)."""
    page = _Page(members=members, from_results=from_results)
    return mark_safe("".join(result_card(result, page) for result in results))  # noqa: S308 - values escaped
