"""Pages of the directory app: search (public, members, hotline), a service, beds tonight, upkeep, coverage gaps.

The place a person searches from arrives in the query string, is turned into a
point for this one answer, and goes nowhere else: no log line (the access log
drops query strings), no database row, no other service.
"""

from __future__ import annotations

import csv
import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from harbour.core import access, roles, sealed_query
from harbour.directory import actions, cards, coverage, search, vocabulary
from harbour.directory.forms import BedsForm, QuickSearchForm, SearchForm, ServiceEditForm
from harbour.directory.models import Location, Service
from harbour.network.models import Member

PAGE_SIZE = 20
# A service page opened from a search carries that search here, to link back to it.
RESULTS_PARAMETER = "results"
# Who may see confidential addresses and beds: the network's front line and its coordinators.
# Liaisons (government, law enforcement) and researchers never do.


def service_text(service: Service) -> dict[str, Any]:
    """The service's name and description in the page's language, and which of them fell back to English."""
    french = (get_language() or "en").startswith("fr")
    name, description = service.name, service.description or ""
    name_fell_back = description_fell_back = False
    if french:
        if service.name_fr:
            name = service.name_fr
        else:
            name_fell_back = True
        if service.description_fr:
            description = service.description_fr
        elif description:
            description_fell_back = True
    return {
        "name": name,
        "description": description,
        "name_fell_back": name_fell_back,
        "description_fell_back": description_fell_back,
        "fell_back": name_fell_back or description_fell_back,
    }


# The deepest page a search offers (500 pages of 20): a link further would show this page again.
MAX_OFFSET = 10_000


def _page_links(request: HttpRequest, results: search.SearchResults) -> dict[str, str]:
    links = {}
    params = request.GET.copy()
    if results.has_next and results.offset + results.limit <= MAX_OFFSET:
        params["offset"] = str(results.offset + results.limit)
        links["next"] = "?" + params.urlencode()
    if results.has_previous:
        params["offset"] = str(max(0, results.offset - results.limit))
        links["previous"] = "?" + params.urlencode()
    return links


def _offset(given: QueryDict) -> int:
    try:
        return max(0, min(int(given.get("offset", "0")), MAX_OFFSET))
    except ValueError:
        return 0


def _wider_link(request: HttpRequest, radius: float) -> str | None:
    wider = [km for km in search.RADIUS_CHOICES_KM if km > radius]
    if not wider:
        return None
    params: QueryDict = request.GET.copy()
    params["radius"] = str(wider[0])
    params.pop("offset", None)
    return "?" + params.urlencode()


def _search_page(request: HttpRequest, *, members: bool) -> HttpResponse:
    if not members:
        # The public's answers leave the address (and so Back after the quick exit): core/sealed_query.py.
        sealed = sealed_query.sealed_redirect(request)
        if sealed is not None:
            return sealed
    given = request.GET if members else sealed_query.answers(request)
    form = SearchForm(given or None, members=members)
    results = None
    query = None
    if form.is_bound and form.is_valid():
        query = form.search_query(include_confidential=members)
        if not query.is_empty:
            results = search.search(query, limit=PAGE_SIZE, offset=_offset(given))
            if members:
                _audit_confidential(request, results.results)
    for result in results.results if results else []:
        result.text = service_text(result.service)  # type: ignore[attr-defined]
    # A service page opened from these results links back to them (the phone's Back button leaves Harbour).
    from_results = urlencode({RESULTS_PARAMETER: request.GET.urlencode()}) if results else ""
    context = {
        "form": form,
        "results": results,
        "members": members,
        "origin_label": form.origin_label if form.is_bound else "",
        "page_links": _page_links(request, results) if results else {},
        "wider_link": _wider_link(request, query.radius_km) if results and query and query.origin else None,
        # The cards, as directory/_result.html draws them (cards.py).
        "result_cards": (
            cards.result_cards(results.results, members=members, from_results=from_results) if results else ""
        ),
    }
    return render(request, "directory/search.html", context)


def _results_link(request: HttpRequest, *, members: bool) -> str:
    """The search a service page was opened from, as a link back to it; the empty directory if none."""
    search_url = reverse("directory:member_search" if members else "directory:search")
    carried = QueryDict(request.GET.get(RESULTS_PARAMETER, ""))
    # Only the search form's own fields travel back: this link never carries anything else.
    kept = QueryDict(mutable=True)
    for name in SearchForm.base_fields:
        for value in carried.getlist(name):
            kept.appendlist(name, value)
    for name in ("offset", sealed_query.SEALED):
        if name in carried:
            kept[name] = carried[name]
    return f"{search_url}?{kept.urlencode()}" if kept else ""


def _audit_confidential(request: HttpRequest, results: list[search.Result]) -> None:
    shown = [r.location for r in results if r.confidential_address is not None and r.location is not None]
    if shown:
        member = access.signed_in_member(request)
        actions.confidential_addresses_view(by=member, locations=shown)


@access.public
def search_public(request: HttpRequest) -> HttpResponse:
    """The public directory search; other apps link here with ?need=<code>&postcode=<A1A 1A1>."""
    return _search_page(request, members=False)


@access.members(*roles.FRONT_LINE)
def search_members(request: HttpRequest) -> HttpResponse:
    """The members' search: confidential addresses (each showing audited) and beds tonight."""
    return _search_page(request, members=True)


def _service_or_404(service_id: str) -> Service:
    return get_object_or_404(
        # The page's phones, hours and languages come from search.results_for, which reads them itself.
        Service.objects.select_related("organization"),
        id=service_id,
    )


def _service_page(request: HttpRequest, service_id: str, *, members: bool) -> HttpResponse:
    service = _service_or_404(service_id)
    if not members and service.status != Service.Status.ACTIVE:
        raise Http404
    query = search.SearchQuery(include_confidential=members)
    every_location = search.results_for([service.id], query, every_location=True, known=[service])
    if members:
        _audit_confidential(request, every_location)
    context = {
        "service": service,
        "text": service_text(service),
        "result": every_location[0] if every_location else None,
        "locations": every_location,
        "members": members,
        "results_link": _results_link(request, members=members),
    }
    return render(request, "directory/service.html", context)


@access.public
def service_public(request: HttpRequest, service_id: str) -> HttpResponse:
    return _service_page(request, service_id, members=False)


@access.members(*roles.FRONT_LINE)
def service_members(request: HttpRequest, service_id: str) -> HttpResponse:
    return _service_page(request, service_id, members=True)


def quick_search(request: HttpRequest, form: QuickSearchForm) -> search.SearchResults | None:
    """The hotline's quick search for a bound form: nearest first within 250 km, confidential addresses audited.

    The hotline page and the respond app's console both show it.
    """
    if not form.is_bound or not form.is_valid():
        return None
    data = form.cleaned_data
    query = search.SearchQuery(
        text=data["text"],
        origin=data["origin"],
        radius_km=250.0 if data["origin"] else search.DEFAULT_RADIUS_KM,
        needs=data["needs"],
        open_now=bool(data.get("open_now")),
        has_place_now=bool(data.get("has_place_now")),
        include_confidential=True,
    )
    if query.is_empty:
        return None
    results = search.search(query, limit=10)
    _audit_confidential(request, results.results)
    for result in results.results:
        result.text = service_text(result.service)  # type: ignore[attr-defined]
    return results


@access.members(*roles.FRONT_LINE)
def hotline(request: HttpRequest) -> HttpResponse:
    """Keyboard-first: a need, a place, Enter; the nearest services with phone and hours."""
    form = QuickSearchForm(request.GET or None)
    return render(
        request,
        "directory/hotline.html",
        {"form": form, "results": quick_search(request, form), "needs": vocabulary.NEEDS},
    )


# --- beds tonight -------------------------------------------------------------------------


def _own_shelter_locations(member: Member) -> list[Location]:
    """The member's organisation's shelter locations, each with its latest count (`beds_places`, `beds_updated_at`)."""
    places_now, updated_at = search.latest_beds("id")
    return list(
        Location.objects.filter(organization__network_organisation=member.organisation)
        .filter(Q(confidential=True) | Q(bed_availability__isnull=False) | _shelter_service_q())
        .distinct()
        .annotate(beds_places=places_now, beds_updated_at=updated_at)
        .order_by("name", "id")
    )


def _shelter_service_q() -> Q:
    shelter = vocabulary.need("shelter")
    ids = [shelter.id] if shelter else []
    from harbour.directory.models import Attribute

    return Q(service_at_locations__service_id__in=Attribute.objects.filter(taxonomy_term_id__in=ids).values("link_id"))


@access.members(*roles.SHELTER_STAFF)
def beds(request: HttpRequest) -> HttpResponse:
    """Beds tonight: one tap to open, one tap on the number of places free."""
    member = access.signed_in_member(request)
    locations = _own_shelter_locations(member)
    if request.method == "POST":
        location = next((loc for loc in locations if loc.id == request.POST.get("location")), None)
        if location is None:
            raise Http404
        form = BedsForm(request.POST)
        if form.is_valid():
            actions.beds_post(by=member, location=location, places_available=form.cleaned_data["places_available"])
            messages.success(
                request,
                _("Saved: %(count)s places at %(name)s.")
                % {
                    "count": form.cleaned_data["places_available"],
                    "name": location.name or _("your location"),
                },
            )
            return redirect("directory:beds")
        messages.error(request, _("Type a number of places from 0 to 500."))
    rows = [
        {"location": location, "beds": search.beds_from(location.beds_places, location.beds_updated_at)}  # type: ignore[attr-defined]
        for location in locations
    ]
    return render(request, "directory/beds.html", {"rows": rows, "choices": range(7)})


# --- keeping services current -------------------------------------------------------------


def _own_services(member: Member) -> QuerySet[Service]:
    return Service.objects.filter(organization__network_organisation=member.organisation)


def _stale_before() -> datetime.date:
    return timezone.localdate() - actions.VERIFY_EVERY


@access.members(*roles.ADMINISTRATORS)
def my_services(request: HttpRequest) -> HttpResponse:
    member = access.signed_in_member(request)
    services = _own_services(member).order_by("name", "id")
    return render(
        request,
        "directory/my_services.html",
        {"services": services, "stale_before": _stale_before()},
    )


def _own_service_or_404(request: HttpRequest, service_id: str) -> Service:
    member = access.signed_in_member(request)
    return get_object_or_404(_own_services(member), id=service_id)


@access.members(*roles.ADMINISTRATORS)
def service_edit(request: HttpRequest, service_id: str) -> HttpResponse:
    service = _own_service_or_404(request, service_id)
    member = access.signed_in_member(request)
    form = ServiceEditForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        actions.service_update(by=member, service=service, fields=form.cleaned_data)
        messages.success(request, _("Saved and marked as verified today."))
        return redirect("directory:my_services")
    return render(request, "directory/service_edit.html", {"form": form, "service": service})


@require_POST
@access.members(*roles.ADMINISTRATORS)
def service_verify(request: HttpRequest, service_id: str) -> HttpResponse:
    service = _own_service_or_404(request, service_id)
    member = access.signed_in_member(request)
    actions.service_verify(by=member, service=service)
    messages.success(request, _("Marked as verified today: %(name)s.") % {"name": service.name})
    return redirect("directory:my_services")


@access.members(*roles.COORDINATORS)
def stale(request: HttpRequest) -> HttpResponse:
    """Every active service not verified for six months, oldest first."""
    services = (
        Service.objects.active()
        .filter(Q(assured_date__lt=_stale_before()) | Q(assured_date__isnull=True))
        .select_related("organization", "organization__network_organisation")
        .order_by("assured_date", "name")
    )
    return render(request, "directory/stale.html", {"services": services[:500], "total": services.count()})


# --- coverage gaps --------------------------------------------------------------------------


def _gaps_for(request: HttpRequest) -> tuple[coverage.Coverage, int]:
    try:
        radius = int(request.GET.get("radius", "50"))
    except ValueError:
        radius = 50
    radius = radius if radius in search.RADIUS_CHOICES_KM else 50
    table = coverage.coverage(
        radius_km=float(radius), need=request.GET.get("need") or None, population=request.GET.get("population") or None
    )
    return table, radius


@access.members(*roles.COORDINATORS)
def gaps(request: HttpRequest) -> HttpResponse:
    table, radius = _gaps_for(request)
    return render(
        request,
        "directory/gaps.html",
        {
            "table": table,
            "radius": radius,
            "radius_choices": search.RADIUS_CHOICES_KM,
            "needs": vocabulary.NEEDS,
            "populations": vocabulary.POPULATIONS,
            "chosen_need": request.GET.get("need", ""),
            "chosen_population": request.GET.get("population", ""),
            "csv_query": urlencode(
                {k: v for k, v in request.GET.items() if k in {"radius", "need", "population"}} | {"radius": radius}
            ),
        },
    )


@access.members(*roles.COORDINATORS)
def gaps_csv(request: HttpRequest) -> HttpResponse:
    table, radius = _gaps_for(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="harbour-coverage-gaps-{radius}km.csv"'
    writer = csv.writer(response)
    writer.writerow(["city", "province", "kind", "code", "label", "services_within_km", "radius_km"])
    for row in table.rows:
        for cell in row.cells:
            code, label = cell.term.code, str(cell.term.label)
            if cell.kind == "combination" and table.combination:
                code = f"{table.combination[0].code}+{table.combination[1].code}"
                label = f"{table.combination[0].label} + {table.combination[1].label}"
            writer.writerow([row.city.name, row.city.province, cell.kind, code, label, cell.count, radius])
    return response
