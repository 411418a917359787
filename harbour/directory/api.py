"""The HSDS 3.0 API: published directory data, no person data, open to everyone.

Parameters combine with AND. A parameter that cannot be understood is a 400
with a JSON problem naming it; nothing here answers 500 for bad input. A
postal code asked about is used for the query only: never stored or logged.
"""

from __future__ import annotations

import datetime
import functools
import json
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any, cast

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from harbour.core import access
from harbour.directory import hsds, openapi, places, query
from harbour.directory.models import HSDSRecord, Organization, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
DEFAULT_PROXIMITY_M = 100_000
MAX_PROXIMITY_M = 5_000_000
MAX_TEXT = 200
NDJSON = "application/x-ndjson"


class BadParameter(Exception):
    def __init__(self, parameter: str, reason: str) -> None:
        super().__init__(f"{parameter}: {reason}")
        self.parameter = parameter
        self.reason = reason


def problem(status: int, title: str, detail: str = "", errors: Sequence[BadParameter] = ()) -> JsonResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = [{"parameter": e.parameter, "reason": e.reason} for e in errors]
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


ViewFunction = Callable[..., HttpResponse]


def read_only(view: ViewFunction) -> ViewFunction:
    """GET and HEAD only; any other method gets 405 as JSON, as every other answer of the API is.

    Exempt from CSRF: the API keeps no session and writes nothing, so there is nothing to forge, and
    the check would answer a POST with the HTML "form expired" page before this one could say 405.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = problem(405, "Method not allowed", f"{request.method} is not allowed: this API is read-only.")
            response["Allow"] = "GET, HEAD"
            return response
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)


class Params:
    """Reads query parameters, collecting every problem instead of stopping at the first."""

    def __init__(self, request: HttpRequest) -> None:
        self.get = request.GET
        self.errors: list[BadParameter] = []

    def _fail(self, name: str, reason: str) -> None:
        self.errors.append(BadParameter(name, reason))

    def text(self, name: str) -> str:
        value = self.get.get(name, "")
        if len(value) > MAX_TEXT:
            self._fail(name, f"at most {MAX_TEXT} characters")
            return ""
        if "\x00" in value:
            self._fail(name, "contains a NUL character")
            return ""
        return value.strip()

    def texts(self, name: str) -> list[str]:
        """A parameter given several times, or as a comma-separated list."""
        out: list[str] = []
        for value in self.get.getlist(name):
            if len(value) > MAX_TEXT * 10 or "\x00" in value:
                self._fail(name, "too long or not text")
                continue
            out.extend(part.strip() for part in value.split(",") if part.strip())
        return out

    def integer(self, name: str, default: int, minimum: int, maximum: int) -> int:
        raw = self.get.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            self._fail(name, "should be a whole number")
            return default
        if not minimum <= value <= maximum:
            self._fail(name, f"should be between {minimum} and {maximum}")
            return default
        return value

    def boolean(self, name: str) -> bool:
        raw = self.get.get(name, "").lower()
        if raw in ("", "false", "0", "no"):
            return False
        if raw in ("true", "1", "yes"):
            return True
        self._fail(name, "should be true or false")
        return False

    def moment(self, name: str) -> datetime.datetime | None:
        raw = self.get.get(name, "")
        if not raw:
            return None
        try:
            value = datetime.datetime.fromisoformat(raw.replace(" ", "+"))
        except ValueError:
            self._fail(name, "should be a date and time such as 2025-01-31T00:00:00Z")
            return None
        if timezone.is_naive(value):
            value = value.replace(tzinfo=datetime.UTC)
        try:
            # In UTC: databases refuse some offsets Python accepts (such as -18:56).
            return value.astimezone(datetime.UTC)
        except (OverflowError, ValueError):
            self._fail(name, "is out of range")
            return None

    def format(self) -> str:
        raw = self.get.get("format", "json") or "json"
        if raw not in ("json", "ndjson"):
            self._fail("format", "should be json or ndjson")
            return "json"
        return raw


Renderer = Callable[[Sequence[str]], list[dict[str, Any]]]


def _renderer(
    kind: str,
    trim: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    cut: Callable[[], hsds.Node] | None = None,
) -> Renderer:
    """The nested objects of records by id (`hsds.render_ids`: in the order given, one not held left out).

    `trim` changes each object before it is answered; `cut`, when given, is the node to read instead
    of the whole kind's: the same node with what `trim` would remove left unread.
    """

    def render(ids: Sequence[str]) -> list[dict[str, Any]]:
        out = hsds.render_ids(ids, cut() if cut else hsds.root_node(kind))
        return [trim(o) for o in out] if trim else out

    return render


def _listing(
    request: HttpRequest, params: Params, qs: QuerySet[Any], render: Renderer, *, one_pass: bool = False
) -> HttpResponse:
    """A page of `qs` in the standard's envelope; `one_pass` when the database must sort every match anyway."""
    per_page = params.integer("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    page = params.integer("page", 1, 1, 10_000_000)
    fmt = params.format()
    if params.errors:
        return problem(400, "Bad request", "Some parameters are not valid.", params.errors)
    if fmt == "ndjson":
        # Streamed (every result, no pages); the access policy's view type names HttpResponse only.
        return cast(HttpResponse, StreamingHttpResponse(_stream(qs, render), content_type=NDJSON))
    total, ids = query.count_and_page(qs, (page - 1) * per_page, per_page, one_pass=one_pass)
    contents = render(ids)  # a record deleted meanwhile is left out
    pages = math.ceil(total / per_page)
    body = {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": total == 0,
        "contents": contents,
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def _stream(qs: QuerySet[Any], render: Renderer, batch: int = 500) -> Iterator[str]:
    ids = list(qs.values_list("id", flat=True))
    for start in range(0, len(ids), batch):
        for obj in render(ids[start : start + batch]):
            yield hsds.dumps(obj) + "\n"


def _one(model: type[HSDSRecord], record_id: str, render: Renderer) -> HttpResponse:
    found = render([record_id[:64]])
    if not found:
        return problem(404, "Not found", f"No {hsds.TABLE_OF_MODEL[model]} has this id.")
    return JsonResponse(found[0], json_dumps_params={"ensure_ascii": False})


def _only_scalars(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if not isinstance(v, list | dict)}


def _service_filter(params: Params) -> query.ServiceFilter:
    return query.ServiceFilter(
        search=params.text("search"),
        taxonomy_term_ids=params.texts("taxonomy_term_id"),
        taxonomy_id=params.text("taxonomy_id"),
        organization_id=params.text("organization_id"),
        modified_after=params.moment("modified_after"),
    )


@access.public
@read_only
def root(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        {"version": hsds.HSDS_VERSION, "openapi_url": request.build_absolute_uri(reverse("hsds:openapi"))}
    )


@access.public
@read_only
def openapi_document(request: HttpRequest) -> HttpResponse:
    return HttpResponse(json.dumps(openapi.document(), ensure_ascii=False), content_type="application/json")


@access.public
@read_only
def services(request: HttpRequest) -> HttpResponse:
    params = Params(request)
    service_filter = _service_filter(params)
    full = params.boolean("full")
    minimal = params.boolean("minimal")
    qs = query.services(service_filter)
    one_pass = query.sorts_every_match(service_filter)
    if minimal:
        cut = _cut_to_scalars("service_list")
        return _listing(request, params, qs, _renderer("service_list", _only_scalars, cut), one_pass=one_pass)
    return _listing(request, params, qs, _renderer("service" if full else "service_list"), one_pass=one_pass)


@access.public
@read_only
def service(request: HttpRequest, id: str) -> HttpResponse:  # noqa: A002 - the standard's name
    return _one(Service, id, _renderer("service"))


@access.public
@read_only
def organizations(request: HttpRequest) -> HttpResponse:
    params = Params(request)
    search = params.text("search")
    full = params.boolean("full") or params.boolean("full_service")
    qs = query.organizations(search)
    return _listing(request, params, qs, _renderer("organization" if full else "organization_list"))


def _organization_services_brief(obj: dict[str, Any]) -> dict[str, Any]:
    obj["services"] = [_only_scalars(s) for s in obj.get("services", [])]
    return obj


def _cut_to_scalars(kind: str) -> Callable[[], hsds.Node]:
    """The node of `kind` with nothing nested (what `_only_scalars` leaves)."""
    return lambda: hsds.scalars_only(hsds.root_node(kind))


def _organization_with_services_brief() -> hsds.Node:
    """An organisation's node with its services without anything nested (what `_organization_services_brief`
    leaves of them)."""
    return hsds.nested_scalars_only(hsds.root_node("organization"), "services")


@access.public
@read_only
def organization(request: HttpRequest, id: str) -> HttpResponse:  # noqa: A002
    params = Params(request)
    full_service = params.boolean("full_service")
    if params.errors:
        return problem(400, "Bad request", "Some parameters are not valid.", params.errors)
    if full_service:
        return _one(Organization, id, _renderer("organization"))
    render = _renderer("organization", _organization_services_brief, _organization_with_services_brief)
    return _one(Organization, id, render)


@access.public
@read_only
def service_at_locations(request: HttpRequest) -> HttpResponse:
    params = Params(request)
    service_filter = _service_filter(params)
    full = params.boolean("full")
    postcode = params.text("postcode")
    proximity = params.integer("proximity", DEFAULT_PROXIMITY_M, 1, MAX_PROXIMITY_M) if postcode else None
    if "proximity" in request.GET and not postcode:
        params.errors.append(BadParameter("proximity", "needs a postcode"))
    if postcode:
        point = places.postcode_point(postcode)
        if point is None:
            params.errors.append(BadParameter("postcode", "not a Canadian postal code this directory knows"))
        elif proximity is not None:
            service_filter.near = query.Near(point, proximity / 1000)
    qs = query.service_at_locations(service_filter)
    render = _renderer("service_at_location" if full else "service_at_location_list")
    return _listing(request, params, qs, render, one_pass=query.sorts_every_match(service_filter))


@access.public
@read_only
def service_at_location(request: HttpRequest, id: str) -> HttpResponse:  # noqa: A002
    return _one(ServiceAtLocation, id, _renderer("service_at_location"))


@access.public
@read_only
def taxonomies(request: HttpRequest) -> HttpResponse:
    params = Params(request)
    search = params.text("search")
    qs = Taxonomy.objects.all()
    for word in query.words(search):
        qs = qs.filter(name__icontains=word)
    return _listing(request, params, qs.order_by("id"), _renderer("taxonomy"))


@access.public
@read_only
def taxonomy(request: HttpRequest, id: str) -> HttpResponse:  # noqa: A002
    return _one(Taxonomy, id, _renderer("taxonomy"))


@access.public
@read_only
def taxonomy_terms(request: HttpRequest) -> HttpResponse:
    params = Params(request)
    qs = query.taxonomy_terms(
        search=params.text("search"),
        taxonomy_id=params.text("taxonomy_id"),
        parent_id=params.text("parent_id"),
        top_only=params.boolean("top_only"),
    )
    return _listing(request, params, qs, _renderer("taxonomy_term"))


@access.public
@read_only
def taxonomy_term(request: HttpRequest, id: str) -> HttpResponse:  # noqa: A002
    return _one(TaxonomyTerm, id, _renderer("taxonomy_term"))
