"""Canadian places in memory: postal areas and cities to points, distances, bounding boxes.

Everything is read once from `harbour/directory/data/` and answered locally: a
place a visitor types is never sent to another service, and nothing here logs it.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
EARTH_RADIUS_KM = 6371.0088

PROVINCES = ("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT")
# A forward sortation area: the first three characters of a postal code.
_FSA = re.compile(r"^[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z]")


@dataclass(frozen=True, slots=True)
class Point:
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Place:
    """A named place with a point: a city, or the postal area (FSA) a postal code falls in."""

    name: str
    province: str
    point: Point
    population: int = 0


@dataclass(frozen=True, slots=True)
class BoundingBox:
    min_latitude: float
    max_latitude: float
    min_longitude: float
    max_longitude: float

    def contains(self, point: Point) -> bool:
        return (
            self.min_latitude <= point.latitude <= self.max_latitude
            and self.min_longitude <= point.longitude <= self.max_longitude
        )


def fold(text: str) -> str:
    """Lower case without accents or punctuation, for matching typed names ("montreal" is Montréal)."""
    if text.isascii():  # nothing to decompose (most of an import's text): the same result, sooner
        plain = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    plain = plain.replace("saint-", "st ").replace("saint ", "st ").replace("ste-", "ste ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


@cache
def _fsas() -> dict[str, Place]:
    with (DATA / "ca_fsa_centroids.csv").open(encoding="utf-8", newline="") as f:
        return {
            row["fsa"]: Place(
                row["place_name"], row["province_code"], Point(float(row["latitude"]), float(row["longitude"]))
            )
            for row in csv.DictReader(f)
        }


@cache
def _cities() -> tuple[dict[str, list[Place]], tuple[Place, ...]]:
    by_name: dict[str, list[Place]] = {}
    every: list[Place] = []
    with (DATA / "ca_places.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            place = Place(
                row["name"],
                row["province_code"],
                Point(float(row["latitude"]), float(row["longitude"])),
                int(row["population"]),
            )
            every.append(place)
            by_name.setdefault(fold(row["name"]), []).append(place)
    for places in by_name.values():
        places.sort(key=lambda p: -p.population)
    return by_name, tuple(every)


def normalise_postcode(text: str) -> str | None:
    """The FSA (first three characters, upper case) of a Canadian postal code, or None if it is not one."""
    compact = re.sub(r"[\s-]+", "", text or "").upper()
    if len(compact) not in (3, 6) or not _FSA.match(compact):
        return None
    if len(compact) == 6 and not re.fullmatch(r"[0-9][A-Z][0-9]", compact[3:]):
        return None
    return compact[:3]


def postcode_place(text: str) -> Place | None:
    fsa = normalise_postcode(text)
    return _fsas().get(fsa) if fsa else None


def postcode_point(text: str) -> Point | None:
    """The centre of the postal area of a Canadian postal code ("M5V 3L9" or just "M5V")."""
    place = postcode_place(text)
    return place.point if place else None


def city_place(name: str, province: str | None = None) -> Place | None:
    """The best-known place of that name (the most populous one), in `province` if given."""
    by_name, _every = _cities()
    candidates = by_name.get(fold(name or ""), [])
    if province:
        candidates = [p for p in candidates if p.province == province.upper()]
    return candidates[0] if candidates else None


def city_point(name: str, province: str | None = None) -> Point | None:
    place = city_place(name, province)
    return place.point if place else None


def cities() -> tuple[Place, ...]:
    """Every known city and town, most populous first within each name."""
    return _cities()[1]


def place_point(text: str, province: str | None = None) -> Point | None:
    """What a visitor typed in one box: a postal code, else a city name ("Regina" or "Regina, SK")."""
    point = postcode_point(text)
    if point:
        return point
    name, _sep, prov = (text or "").partition(",")
    prov = prov.strip().upper() or (province or "")
    return city_point(name.strip(), prov if prov in PROVINCES else None)


def nearest_city(point: Point, province: str | None = None) -> Place | None:
    candidates = [p for p in cities() if province is None or p.province == province]
    return min(candidates, key=lambda p: distance_km(point, p.point), default=None)


# A point is named after the nearest place only this close: past it the nearest place of over a
# thousand people (ca_places.csv) may be hundreds of kilometres away and says nothing true.
PLACE_LABEL_MAX_KM = 30.0


def nearby_place(point: Point) -> Place | None:
    """The nearest place, if it is within PLACE_LABEL_MAX_KM; None otherwise."""
    place = nearest_city(point)
    if place is None or distance_km(point, place.point) > PLACE_LABEL_MAX_KM:
        return None
    return place


# The clock a province's services keep (its most populous zone; HSDS gives a schedule's zone, when it
# does, as an offset). Saskatchewan keeps standard time all year.
PROVINCE_ZONES = {
    "NL": "America/St_Johns",
    "NS": "America/Halifax",
    "NB": "America/Moncton",
    "PE": "America/Halifax",
    "QC": "America/Toronto",
    "ON": "America/Toronto",
    "MB": "America/Winnipeg",
    "SK": "America/Regina",
    "AB": "America/Edmonton",
    "BC": "America/Vancouver",
    "YT": "America/Whitehorse",
    "NT": "America/Yellowknife",
    "NU": "America/Iqaluit",
}
# Official English and French names, as addresses write them.
PROVINCE_NAMES = {
    "AB": ("Alberta", "Alberta"),
    "BC": ("British Columbia", "Colombie-Britannique"),
    "MB": ("Manitoba", "Manitoba"),
    "NB": ("New Brunswick", "Nouveau-Brunswick"),
    "NL": ("Newfoundland and Labrador", "Terre-Neuve-et-Labrador"),
    "NS": ("Nova Scotia", "Nouvelle-Écosse"),
    "NT": ("Northwest Territories", "Territoires du Nord-Ouest"),
    "NU": ("Nunavut", "Nunavut"),
    "ON": ("Ontario", "Ontario"),
    "PE": ("Prince Edward Island", "Île-du-Prince-Édouard"),
    "QC": ("Quebec", "Québec"),
    "SK": ("Saskatchewan", "Saskatchewan"),
    "YT": ("Yukon", "Yukon"),
}


@cache
def _codes_by_folded_name() -> dict[str, str]:
    return {fold(name): code for code, names in PROVINCE_NAMES.items() for name in names}


def province_code(text: str | None) -> str | None:
    """A province or territory's code from its code or its English or French name ("Québec" is QC)."""
    if not text:
        return None
    code = text.strip().upper()
    if code in PROVINCES:
        return code
    return _codes_by_folded_name().get(fold(text))


def distance_km(a: Point, b: Point) -> float:
    """Great-circle (haversine) distance in kilometres."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(centre: Point, radius_km: float) -> BoundingBox:
    """A latitude/longitude box holding every point within `radius_km` of `centre` (for an indexed prefilter)."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    cos_lat = math.cos(math.radians(centre.latitude))
    # Near the poles the box spans every longitude.
    dlon = 180.0 if cos_lat < 1e-6 else min(180.0, math.degrees(radius_km / (EARTH_RADIUS_KM * cos_lat)))
    return BoundingBox(
        max(-90.0, centre.latitude - dlat),
        min(90.0, centre.latitude + dlat),
        max(-180.0, centre.longitude - dlon),
        min(180.0, centre.longitude + dlon),
    )


def coarse_point(postal_code: str | None, city: str | None, province: str | None) -> Point | None:
    """The point a confidential location shows the public: its postal area's centre, else its city's."""
    point = postcode_point(postal_code) if postal_code else None
    if point is None and city:
        point = city_point(city, province)
    return point
