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

from collections.abc import Iterable
from typing import Any

from django.template import defaultfilters
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from harbour.directory.search import Beds, Result
from harbour.directory.templatetags.directory import days_label


def _v(value: Any) -> str:
    """`{{ value }}`: localised, made a string and escaped (what `render_value_in_context` does)."""
    value = localize(value)
    return conditional_escape(value if isinstance(value, str) else str(value))


def _hours(schedule: Any) -> str:
    """`directory/_hours.html` (with its last line's newline)."""
    if schedule.opens_at and schedule.closes_at:
        out = f"{_v(days_label(schedule))} {_v(schedule.opens_at[:5])}–{_v(schedule.closes_at[:5])}"
        if schedule.description:
            out += f" ({_v(schedule.description)})"
    elif schedule.description:
        out = _v(schedule.description)
    else:
        days = days_label(schedule)
        out = _v(days) if days else gettext("Call for hours")
    return out + "\n"


def beds_html(beds: Beds) -> str:
    """`directory/_beds.html` (with its last line's newline)."""
    if beds.places_available is None:
        out = gettext("Unknown")
        if beds.updated_at:
            when = _v(defaultfilters.timesince_filter(beds.updated_at))
            out += " (" + gettext("last count %(when)s ago, more than a day") % {"when": when} + ")"
    else:
        count = beds.places_available
        places = ngettext("%(counter)s place", "%(counter)s places", count) % {"counter": _v(count)}
        when = _v(defaultfilters.timesince_filter(beds.updated_at))
        out = places + " (" + gettext("updated %(when)s ago") % {"when": when} + ")"
    return out + "\n"


def _phones(result: Result) -> str:
    if not result.phones:
        return gettext("No phone listed")
    parts = []
    for phone in result.phones:
        number = "None" if phone.number is None else str(phone.number)
        part = f'<a href="tel:{_v(number.replace(" ", ""))}">{_v(phone.number)}</a>'
        if phone.description:
            part += f" ({_v(phone.description)})"
        parts.append(part)
    return ", ".join(parts)


def _where(result: Result) -> str:
    if result.confidential:
        secret = result.confidential_address
        if secret:
            out = f'<span class="confidential">{gettext("Confidential address:")}</span> {_v(secret.address_1)}'
            if secret.address_2:
                out += f", {_v(secret.address_2)}"
            return out + f", {_v(secret.city)} {_v(secret.postal_code)}"
        out = gettext("Call for location")
        return out + f" ({_v(result.city)})" if result.city else out
    if result.address:
        return _v(result.address)
    return _v(result.city) if result.city else gettext("Call for location")


def _hours_line(result: Result) -> str:
    if result.always_open:
        return gettext("Open 24 hours, every day")
    if not result.schedules:
        return gettext("Call for hours")
    out = f"<strong>{gettext('Open now')}</strong> · " if result.open_now else ""
    return out + "; ".join(_hours(schedule) for schedule in result.schedules)


def result_card(result: Result, *, members: bool, from_results: str) -> str:
    """One `directory/_result.html`, for a result whose `text` the view has set (`views.service_text`)."""
    text: dict[str, Any] = result.text  # type: ignore[attr-defined]
    service = result.service
    url = reverse("directory:member_service" if members else "directory:service", args=[service.id])
    href = _v(url) + (f"?{_v(from_results)}" if from_results else "")
    fell_back = ' lang="en"' if text["name_fell_back"] else ""
    organisation = service.organization
    lines = [
        '<li class="result">\n',
        f'  <h3><a href="{href}"{fell_back}>{_v(text["name"])}</a></h3>\n',
        "  " + (f'<p class="org">{_v(organisation.name)}</p>' if organisation else "") + "\n",
        "  "
        + (f'<p class="notice">{gettext("Not available in French: shown in English.")}</p>' if fell_back else "")
        + "\n",
        '  <dl class="reach">\n',
    ]
    distance = ""
    if result.distance_km is not None:
        km = defaultfilters.floatformat(result.distance_km, "0")
        distance = f"<dt>{gettext('Distance')}</dt><dd>" + gettext("about %(km)s km") % {"km": km}
        if result.other_locations:
            count = result.other_locations
            others = ngettext("%(counter)s other location", "%(counter)s other locations", count)
            distance += " · " + others % {"counter": _v(count)}
        distance += "</dd>"
    lines += [
        f"    {distance}\n",
        f"    <dt>{gettext('Phone')}</dt>\n",
        f"    <dd>{_phones(result)}</dd>\n",
        f"    <dt>{gettext('Where')}</dt>\n",
        f"    <dd>{_where(result)}</dd>\n",
        f"    <dt>{gettext('Hours')}</dt>\n",
        f"    <dd>{_hours_line(result)}</dd>\n",
    ]
    website = result.website
    site = ""
    if website:
        site = (
            f'<dt>{gettext("Website")}</dt><dd><a href="{_v(website)}" rel="noreferrer noopener">{_v(website)}</a></dd>'
        )
    beds = f"<dt>{gettext('Places tonight')}</dt><dd>{beds_html(result.beds)}</dd>" if result.beds else ""
    safe = f'<li class="safe">{gettext("Safe regardless of immigration status")}</li>' if result.status_safe else ""
    free = f"<li>{gettext('Free')}</li>" if result.free else ""
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


def result_cards(results: Iterable[Result], *, members: bool, from_results: str) -> SafeString:
    """The cards of a page of results, one after the other (as `{% for %}{% include %}{% endfor %}` wrote them)."""
    html = "".join(result_card(result, members=members, from_results=from_results) for result in results)
    return mark_safe(html)  # noqa: S308 - every value above is escaped
