"""Coverage gaps: for each city, which needs and populations have no service within a distance.

The cities are where the network works (working groups and vetted member
organisations) and where the directory has services. For each, the services
within reach are found with the same grid cells and bounding box as the search,
then exact distances; their needs and populations are counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from harbour.directory import places, query, vocabulary
from harbour.directory.models import Address, Attribute, Service, ServiceAtLocation
from harbour.network.models import Organisation, WorkingGroup


@dataclass(frozen=True)
class Cell:
    kind: str  # "need", "population" or "combination"
    term: vocabulary.Term
    count: int


@dataclass
class Row:
    city: places.Place
    cells: list[Cell] = field(default_factory=list)

    @property
    def gaps(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.count == 0 and cell.kind != "combination"]

    @property
    def combination(self) -> Cell | None:
        return next((cell for cell in self.cells if cell.kind == "combination"), None)


@dataclass
class Coverage:
    radius_km: float
    rows: list[Row]
    combination: tuple[vocabulary.Term, vocabulary.Term] | None = None

    @property
    def terms(self) -> int:
        return len(vocabulary.NEEDS) + len(vocabulary.POPULATIONS)


def network_cities() -> list[places.Place]:
    """Cities of working groups, vetted organisations and the directory's own addresses, each once."""
    names: set[tuple[str, str]] = set()
    names |= set(WorkingGroup.objects.values_list("city", "province"))
    names |= set(
        Organisation.objects.filter(vetting_status=Organisation.Vetting.VETTED).values_list("city", "province")
    )
    names |= {
        (str(city), province or "")
        for city, province in Address.objects.exclude(city__isnull=True)
        .exclude(city="")
        .values_list("city", "state_province")
        .distinct()
    }
    found: dict[tuple[str, str], places.Place] = {}
    for name, province in names:
        place = places.city_place(name, province or None) or places.city_place(name)
        if place is not None:
            found[(place.name, place.province)] = place
    return sorted(found.values(), key=lambda p: (p.province, p.name))


def _services_near(point: places.Point, radius_km: float) -> set[str]:
    """Active services with a location within `radius_km` (the grid cells and box on each service at a
    location's own copy of its location's point, then the exact distance)."""
    rows = ServiceAtLocation.objects.filter(
        query.in_box(point, radius_km), service__status=Service.Status.ACTIVE
    ).values_list("service_id", "latitude", "longitude")
    return {
        str(service_id)
        for service_id, latitude, longitude in rows
        if latitude is not None
        and longitude is not None
        and places.distance_km(point, places.Point(latitude, longitude)) <= radius_km
    }


def coverage(
    *,
    radius_km: float,
    need: str | None = None,
    population: str | None = None,
    cities: list[places.Place] | None = None,
) -> Coverage:
    """How many services within `radius_km` of each city serve each need and population."""
    combination = None
    need_term = vocabulary.need(need) if need else None
    population_term = vocabulary.population(population) if population else None
    if need_term and population_term:
        combination = (need_term, population_term)
    wanted = [*vocabulary.NEEDS, *vocabulary.POPULATIONS]
    wanted_ids = [term.id for term in wanted]
    near_each = [
        (city, _services_near(city.point, radius_km)) for city in (cities if cities is not None else network_cities())
    ]
    # The terms of every service within reach of any city, read once (a service near several cities
    # is counted for each, but its terms are not read again).
    terms_of: dict[str, set[str]] = {}
    within_reach = sorted(set().union(*(near for _city, near in near_each)))
    for start in range(0, len(within_reach), 900):
        links = Attribute.objects.filter(
            link_id__in=within_reach[start : start + 900], taxonomy_term_id__in=wanted_ids
        ).values_list("link_id", "taxonomy_term_id")
        for link_id, term_id in links:
            terms_of.setdefault(str(link_id), set()).add(str(term_id))
    rows = []
    for city, near in near_each:
        held = [terms_of.get(service_id, set()) for service_id in near]
        row = Row(city)
        for term in wanted:
            kind = "need" if term.taxonomy is vocabulary.NEEDS_TAXONOMY else "population"
            term_id = term.id
            row.cells.append(Cell(kind, term, sum(1 for ids in held if term_id in ids)))
        if combination:
            both = {combination[0].id, combination[1].id}
            row.cells.append(Cell("combination", combination[0], sum(1 for ids in held if both <= ids)))
        rows.append(row)
    return Coverage(radius_km, rows, combination)
