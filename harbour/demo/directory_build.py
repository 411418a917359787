"""The demo directory: invented services in Canadian cities, written as HSDS 3.0 compiled service objects.

`manage.py directory_demo_build` writes `harbour/demo/data/demo_directory.json` from this
module; the output is the same on every run (a fixed random seed, ids derived
from names), so the file in the repository can be checked against it.

Every organisation, address and phone number is invented (phone numbers use the
555-01xx range reserved for fiction). City points come from the simplemaps
Canada Cities Database (CC BY 4.0) and postal areas from GeoNames (CC BY 4.0),
both bundled in `harbour/directory/data/` (see its `SOURCES.md`).

Dates are written relative to REFERENCE_DATE; the loader moves them to today,
so the demo always has a few records that are out of date and most that are not.
Harbour-specific facts that HSDS has no field for travel in an `x_harbour`
object on the service or location: French name and description, the
confidential address of a safe house, and tonight's bed count.
"""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass
from typing import Any

from harbour.core.reference import LANGUAGE_ENGLISH_NAMES
from harbour.directory import places
from harbour.directory import vocabulary as v

SEED = 20261122
REFERENCE_DATE = datetime.date(2026, 11, 15)
NAMESPACE = uuid.UUID("3f0c8e52-7d1b-4a8e-b6a4-2a9c5e0d7b31")
EXTENSION = "x_harbour"


@dataclass(frozen=True)
class City:
    name: str
    province: str
    latitude: float
    longitude: float
    fsas: tuple[str, ...]
    languages: tuple[str, ...]
    big: bool = False

    @property
    def utc_offset(self) -> float:
        return PROVINCE_UTC_OFFSETS[self.province]


# Standard time; HSDS schedule.timezone is a UTC offset.
PROVINCE_UTC_OFFSETS = {
    "NL": -3.5,
    "NS": -4,
    "NB": -4,
    "PE": -4,
    "QC": -5,
    "ON": -5,
    "MB": -6,
    "SK": -6,
    "AB": -7,
    "BC": -8,
    "YT": -7,
    "NT": -7,
    "NU": -5,
}

CITIES: tuple[City, ...] = (
    City("Toronto", "ON", 43.7417, -79.3733, ("M5V", "M4N", "M6H", "M3B"), ("es", "tl", "pa", "zh", "pt"), True),
    City("Montréal", "QC", 45.5089, -73.5617, ("H2X", "H2Z", "H3C"), ("fr", "es", "ar", "ht"), True),
    City("Vancouver", "BC", 49.25, -123.1, ("V6B", "V5V", "V5T"), ("zh", "pa", "tl", "vi", "ko"), True),
    City("Calgary", "AB", 51.05, -114.0667, ("T2R", "T2M", "T2S"), ("tl", "uk", "pa", "es"), True),
    City("Edmonton", "AB", 53.5344, -113.4903, ("T5J", "T5K", "T5H"), ("tl", "uk", "so", "ar"), True),
    City("Ottawa", "ON", 45.4247, -75.695, ("K1P", "K1N", "K2P"), ("fr", "ar", "so"), True),
    City("Winnipeg", "MB", 49.8844, -97.1464, ("R3B", "R2H", "R3L"), ("tl", "pa", "oj", "cr", "fr"), True),
    City("Halifax", "NS", 44.6475, -63.5906, ("B3J", "B3H", "B3K"), ("ar", "fr"), True),
    City("Quebec City", "QC", 46.8139, -71.2081, ("G1K", "G1R"), ("fr", "es")),
    City("Hamilton", "ON", 43.2567, -79.8692, ("L8R", "L8P"), ("ar", "es", "pa")),
    City("Kitchener", "ON", 43.4186, -80.4728, ("N2C", "N2G"), ("es", "ar")),
    City("London", "ON", 42.9836, -81.2497, ("N6B", "N6A"), ("ar", "es")),
    City("Windsor", "ON", 42.2833, -83.0, ("N8X", "N9A"), ("ar", "es")),
    City("Leamington", "ON", 42.0667, -82.5833, ("N8H",), ("es", "th")),
    City("Niagara Falls", "ON", 43.06, -79.1067, ("L2E", "L2G"), ("es", "th")),
    City("Brampton", "ON", 43.6833, -79.7667, ("L6V", "L6W"), ("pa", "hi", "tl")),
    City("Thunder Bay", "ON", 48.3822, -89.2461, ("P7C", "P7E"), ("oj", "fr")),
    City("Sudbury", "ON", 46.49, -81.01, ("P3C", "P3B"), ("fr", "oj")),
    City("Victoria", "BC", 48.4283, -123.3647, ("V8W", "V8V"), ("zh",)),
    City("Surrey", "BC", 49.19, -122.8489, ("V3T", "V3V"), ("pa", "hi", "tl")),
    City("Abbotsford", "BC", 49.05, -122.3167, ("V2S", "V2T"), ("pa", "es", "th")),
    City("Kelowna", "BC", 49.8881, -119.4956, ("V1Y",), ("es", "th", "vi")),
    City("Prince George", "BC", 53.9169, -122.7494, ("V2L",), ("cr",)),
    City("Lethbridge", "AB", 49.6942, -112.8328, ("T1H", "T1K"), ("es", "tl")),
    City("Red Deer", "AB", 52.2681, -113.8111, ("T4P", "T4N"), ("tl", "es")),
    City("Saskatoon", "SK", 52.1333, -106.6833, ("S7L", "S7M"), ("cr", "tl", "uk")),
    City("Regina", "SK", 50.4547, -104.6067, ("S4K", "S4R"), ("tl", "cr")),
    City("Brandon", "MB", 49.8483, -99.95, ("R7B", "R7A"), ("es", "uk")),
    City("Sherbrooke", "QC", 45.4, -71.9, ("J1H", "J1J"), ("fr", "es")),
    City("Gatineau", "QC", 45.4833, -75.65, ("J8P", "J8T"), ("fr", "ar")),
    City("Trois-Rivières", "QC", 46.35, -72.55, ("G8Z", "G8T"), ("fr", "es")),
    City("Moncton", "NB", 46.1328, -64.7714, ("E1C", "E1A"), ("fr",)),
    City("Saint John", "NB", 45.2806, -66.0761, ("E2L", "E2K"), ("fr", "ar")),
    City("Fredericton", "NB", 45.9636, -66.6431, ("E3B", "E3C"), ("fr",)),
    City("Charlottetown", "PE", 46.2403, -63.1347, ("C1A", "C1C"), ("fr", "zh")),
    City("St. John's", "NL", 47.4817, -52.7971, ("A1C", "A1H"), ("ar",)),
    City("Whitehorse", "YT", 60.7029, -135.0691, ("Y1A",), ("fr", "tl")),
    City("Yellowknife", "NT", 62.4709, -114.4053, ("X1A",), ("fr", "tl")),
    City("Iqaluit", "NU", 63.7598, -68.5107, ("X0A",), ("iu", "fr")),
)
AREA_CODES = {
    "ON": "416",
    "QC": "514",
    "BC": "604",
    "AB": "403",
    "MB": "204",
    "SK": "306",
    "NS": "902",
    "PE": "902",
    "NB": "506",
    "NL": "709",
    "YT": "867",
    "NT": "867",
    "NU": "867",
}
FRENCH_PROVINCES = frozenset({"QC", "NB"})


@dataclass(frozen=True)
class Kind:
    """A kind of service: what it offers, for whom, and how it runs."""

    key: str
    org_suffix: str
    name_en: str
    name_fr: str
    description_en: str
    description_fr: str
    needs: tuple[str, ...]
    populations: tuple[str, ...]
    safe_share: float  # share of such services that are safe regardless of status
    always_open: bool = False
    confidential: bool = False
    shelter: bool = False
    paid_share: float = 0.0
    everywhere: bool = False  # every city gets one; the others only big cities, or some


KINDS: tuple[Kind, ...] = (
    Kind(
        "women_shelter",
        "Women's Safe House",
        "Emergency safe house for women",
        "Maison d'hébergement d'urgence pour femmes",
        "Confidential emergency housing for women and their children leaving violence or exploitation. "
        "Call the intake line any time; staff arrange a safe way to arrive.",
        "Hébergement d'urgence confidentiel pour les femmes et leurs enfants qui fuient la violence ou "
        "l'exploitation. Appelez la ligne d'accueil à toute heure; l'équipe organise une arrivée sécuritaire.",
        ("shelter", "trafficking-support", "crisis-line"),
        ("women", "gender-diverse", "families", "sexual-exploitation-survivors", "no-immigration-status"),
        0.9,
        always_open=True,
        confidential=True,
        shelter=True,
        everywhere=True,
    ),
    Kind(
        "men_shelter",
        "Men's Safe House",
        "Safe house for men leaving forced labour",
        "Maison sécuritaire pour hommes sortant du travail forcé",
        "Short-term confidential housing for men who left an exploitative job, with help to recover wages "
        "and documents.",
        "Hébergement confidentiel de courte durée pour les hommes qui ont quitté un travail abusif, avec de l'aide "
        "pour récupérer salaires et documents.",
        ("shelter", "trafficking-support", "labour-rights"),
        ("men", "labour-trafficking-survivors", "newcomers", "no-immigration-status"),
        0.8,
        always_open=True,
        confidential=True,
        shelter=True,
    ),
    Kind(
        "youth_shelter",
        "Youth Shelter",
        "Emergency beds for youth",
        "Lits d'urgence pour les jeunes",
        "Beds, meals and a caring adult for young people aged 16 to 24 who have nowhere safe to stay.",
        "Lits, repas et un adulte bienveillant pour les jeunes de 16 à 24 ans sans endroit sûr où dormir.",
        ("shelter", "food", "child-protection"),
        ("youth", "gender-diverse"),
        0.6,
        always_open=True,
        shelter=True,
    ),
    Kind(
        "family_shelter",
        "Family Shelter",
        "Family shelter and housing help",
        "Refuge familial et aide au logement",
        "Rooms for families with children, and help to find a permanent home.",
        "Chambres pour les familles avec enfants, et aide pour trouver un logement permanent.",
        ("shelter", "housing-help"),
        ("families", "children", "newcomers"),
        0.5,
        always_open=True,
        shelter=True,
    ),
    Kind(
        "worker_clinic",
        "Migrant Workers Legal Clinic",
        "Free legal advice for migrant workers",
        "Conseils juridiques gratuits pour les travailleurs migrants",
        "Lawyers and community legal workers help with unpaid wages, unsafe work, tied work permits and "
        "leaving an abusive employer. No immigration status needed.",
        "Des avocats et intervenants juridiques aident pour les salaires impayés, le travail dangereux, les "
        "permis de travail fermés et le départ d'un employeur abusif. Aucun statut requis.",
        ("labour-rights", "legal-aid", "immigration-legal"),
        ("newcomers", "no-immigration-status", "labour-trafficking-survivors", "men", "women"),
        0.95,
        everywhere=True,
    ),
    Kind(
        "immigration_clinic",
        "Refugee and Immigration Law Centre",
        "Immigration and refugee legal help",
        "Aide juridique en immigration et pour les réfugiés",
        "Advice on temporary resident permits for victims of trafficking, refugee claims, humanitarian "
        "applications and replacing identity documents.",
        "Conseils sur les permis de séjour temporaires pour victimes de la traite, les demandes d'asile, les "
        "demandes humanitaires et le remplacement des pièces d'identité.",
        ("immigration-legal", "legal-aid", "identity-documents"),
        ("newcomers", "no-immigration-status", "families"),
        0.9,
    ),
    Kind(
        "health_centre",
        "Community Health Centre",
        "Health care without a health card",
        "Soins de santé sans carte d'assurance maladie",
        "Nurses and doctors see people without provincial health coverage. Interpreters on request.",
        "Infirmières et médecins reçoivent les personnes sans assurance maladie provinciale. Interprètes sur demande.",
        ("health-care", "mental-health", "interpretation"),
        ("women", "men", "children", "families", "newcomers", "no-immigration-status"),
        0.7,
        everywhere=True,
    ),
    Kind(
        "counselling",
        "Survivor Counselling Collective",
        "Counselling for survivors of exploitation",
        "Counselling pour les personnes survivantes d'exploitation",
        "Trauma-informed counselling, one-on-one or in groups, for survivors of trafficking and sexual exploitation.",
        "Counselling tenant compte des traumatismes, individuel ou en groupe, pour les personnes survivantes de "
        "la traite et de l'exploitation sexuelle.",
        ("mental-health", "trafficking-support"),
        ("sexual-exploitation-survivors", "labour-trafficking-survivors", "women", "gender-diverse", "youth"),
        0.8,
        paid_share=0.3,
    ),
    Kind(
        "crisis_line",
        "Crisis Line",
        "24-hour crisis and trafficking help line",
        "Ligne d'écoute et d'aide 24 heures",
        "Talk to someone now, in confidence, day or night. Interpreters in many languages.",
        "Parlez à quelqu'un maintenant, en toute confidentialité, de jour comme de nuit. "
        "Interprètes en plusieurs langues.",
        ("crisis-line", "trafficking-support", "interpretation"),
        ("women", "men", "gender-diverse", "youth", "labour-trafficking-survivors", "sexual-exploitation-survivors"),
        1.0,
        always_open=True,
    ),
    Kind(
        "food_bank",
        "Community Food Bank",
        "Food bank and free meals",
        "Banque alimentaire et repas gratuits",
        "Groceries once a week and a hot meal every weekday. No identification asked.",
        "Épicerie une fois par semaine et un repas chaud chaque jour de semaine. Aucune pièce d'identité demandée.",
        ("food", "clothing"),
        ("families", "children", "men", "women", "newcomers"),
        0.8,
        everywhere=True,
    ),
    Kind(
        "clothing",
        "Clothing Exchange",
        "Free clothing and winter gear",
        "Vêtements et équipement d'hiver gratuits",
        "Clothes, boots and coats for adults and children, free.",
        "Vêtements, bottes et manteaux gratuits pour adultes et enfants.",
        ("clothing",),
        ("families", "children", "newcomers"),
        0.7,
    ),
    Kind(
        "employment",
        "Employment Access Centre",
        "Help finding safe work",
        "Aide pour trouver un emploi sécuritaire",
        "Job search, résumés, work rights workshops and language classes for newcomers.",
        "Recherche d'emploi, CV, ateliers sur les droits au travail et cours de langue pour les nouveaux arrivants.",
        ("employment-help", "language-classes", "labour-rights"),
        ("newcomers", "youth", "men", "women"),
        0.3,
    ),
    Kind(
        "settlement",
        "Newcomer Settlement Services",
        "Settlement help for newcomers",
        "Aide à l'établissement des nouveaux arrivants",
        "Help with housing, school, health coverage, interpretation and language classes in your first "
        "years in Canada.",
        "Aide pour le logement, l'école, l'assurance maladie, l'interprétation et les cours de langue pendant vos "
        "premières années au Canada.",
        ("settlement", "interpretation", "language-classes", "housing-help"),
        ("newcomers", "families", "children", "youth"),
        0.4,
        everywhere=True,
    ),
    Kind(
        "interpretation",
        "Community Interpreters",
        "Interpretation by phone and in person",
        "Interprétation par téléphone et en personne",
        "Trained community interpreters for appointments with lawyers, doctors and services.",
        "Interprètes communautaires formés pour les rendez-vous chez l'avocat, le médecin et les services.",
        ("interpretation",),
        ("newcomers", "no-immigration-status"),
        0.9,
        paid_share=0.2,
    ),
    Kind(
        "transport",
        "Safe Rides Program",
        "Free rides to appointments and shelter",
        "Transport gratuit vers les rendez-vous et l'hébergement",
        "Volunteer drivers and transit tickets to reach a shelter, a clinic or court.",
        "Chauffeurs bénévoles et titres de transport pour se rendre à un refuge, une clinique ou au tribunal.",
        ("transportation",),
        ("women", "men", "families"),
        0.8,
    ),
    Kind(
        "youth_outreach",
        "Youth Protection Outreach",
        "Outreach and protection for children and youth",
        "Intervention et protection pour les enfants et les jeunes",
        "Street outreach and a drop-in for young people at risk of sexual exploitation.",
        "Travail de rue et halte-accueil pour les jeunes à risque d'exploitation sexuelle.",
        ("child-protection", "trafficking-support", "mental-health"),
        ("children", "youth", "sexual-exploitation-survivors", "gender-diverse"),
        0.7,
    ),
    Kind(
        "workers_centre",
        "Workers' Action Centre",
        "Workers' centre: wages, rights and safe work",
        "Centre des travailleurs : salaires, droits et travail sécuritaire",
        "Workers help workers claim unpaid wages, report unsafe housing on farms and find a new employer.",
        "Des travailleurs aident d'autres travailleurs à réclamer leurs salaires, signaler un logement dangereux "
        "à la ferme et trouver un nouvel employeur.",
        ("labour-rights", "employment-help", "trafficking-support"),
        ("labour-trafficking-survivors", "newcomers", "no-immigration-status", "men"),
        0.9,
    ),
    Kind(
        "drop_in",
        "Drop-In Centre",
        "Drop-in with meals, health and support",
        "Halte-accueil avec repas, santé et soutien",
        "A safe place to rest, eat, see a nurse and talk with a support worker. Sex workers welcome.",
        "Un endroit sûr pour se reposer, manger, voir une infirmière et parler à une intervenante. "
        "Travailleuses du sexe bienvenues.",
        ("trafficking-support", "health-care", "food"),
        ("sexual-exploitation-survivors", "women", "gender-diverse"),
        0.9,
    ),
)

# Demo network organisations (harbour/demo/data/demo_network.json) that run a service here:
# same name, so the loader links the directory record to the network member.
NETWORK_ORGANISATIONS: dict[tuple[str, str], str] = {
    ("Toronto", "women_shelter"): "Lakeshore Women's Shelter (demo)",
    ("Toronto", "worker_clinic"): "Downtown Migrant Workers Legal Clinic (demo)",
    ("Montréal", "settlement"): "Accueil Nouveaux Arrivants Montréal (demo)",
    ("Montréal", "health_centre"): "Clinique Santé Sans Statut (demo)",
    ("Vancouver", "workers_centre"): "Fraser Valley Farm Workers' Centre (demo)",
    ("Vancouver", "men_shelter"): "Pacific Safe House for Men (demo)",
    ("Winnipeg", "counselling"): "Prairie Anti-Trafficking Coalition (demo)",
    ("Calgary", "settlement"): "St. Brigid's Newcomer Ministry (demo)",
    ("Halifax", "settlement"): "Atlantic Newcomer Support (demo)",
    ("Regina", "worker_clinic"): "Saskatchewan Workers' Legal Aid (demo)",
}

NAME_WORDS = (
    "Riverside",
    "Northern Lights",
    "Maple",
    "Cedar",
    "Unity",
    "Bridges",
    "Open Door",
    "Compass",
    "Lighthouse",
    "Willow",
    "Aurora",
    "Keystone",
    "Tamarack",
    "Prairie Wind",
    "Harbourview",
    "Birch",
    "Good Neighbour",
    "Wayfinder",
)
STREETS = (
    "King Street",
    "Main Street",
    "Queen Street",
    "Church Street",
    "Park Avenue",
    "Elm Street",
    "Victoria Avenue",
    "Water Street",
    "Mill Road",
    "Station Road",
)
RUE = ("rue Principale", "rue Saint-Jean", "boulevard des Érables", "rue Notre-Dame", "avenue du Parc")
LDU_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"


def _id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(part) for part in parts)))


def _slug(text: str) -> str:
    """A host name label: ASCII letters and digits, single hyphens, at most 50 characters."""
    return "-".join(places.fold(text).split())[:50].strip("-")


class _Builder:
    def __init__(self) -> None:
        self.random = random.Random(SEED)  # noqa: S311 - invented demo data, not security
        self.phone_counter = 0

    def phone(self, city: City, owner: str, description: str) -> dict[str, Any]:
        self.phone_counter += 1
        number = f"+1 {AREA_CODES[city.province]} 555 01{self.phone_counter % 100:02d}"
        return {"id": _id("phone", owner, description), "number": number, "type": "voice", "description": description}

    def postal_code(self, city: City) -> str:
        r = self.random
        fsa = r.choice(city.fsas)
        # Every invented code starts its second half with 0, so none equals a code tests search for.
        return f"{fsa} 0{r.choice(LDU_LETTERS)}{r.randint(0, 9)}"

    def point_near(self, city: City, km: float) -> tuple[float, float]:
        r = self.random
        lat = city.latitude + r.uniform(-km, km) / 111.0
        lon = city.longitude + r.uniform(-km, km) / 78.0
        return round(lat, 5), round(lon, 5)

    def street(self, city: City) -> str:
        r = self.random
        streets = RUE if city.province in FRENCH_PROVINCES else STREETS
        return f"{r.randint(10, 2400)} {r.choice(streets)}"

    def address(self, city: City, owner: str) -> dict[str, Any]:
        return {
            "id": _id("address", owner),
            "address_1": self.street(city),
            "city": city.name,
            "state_province": city.province,
            "postal_code": self.postal_code(city),
            "country": "CA",
            "address_type": "physical",
        }

    def schedules(self, city: City, kind: Kind, owner: str) -> list[dict[str, Any]]:
        base = {"freq": "WEEKLY", "timezone": city.utc_offset}
        if kind.always_open:
            return [
                {
                    **base,
                    "id": _id("schedule", owner, 0),
                    "byday": "MO,TU,WE,TH,FR,SA,SU",
                    "opens_at": "00:00:00",
                    "closes_at": "23:59:59",
                    "description": "Open 24 hours a day, every day.",
                }
            ]
        r = self.random
        pattern = r.choice(("weekdays", "weekdays", "evenings", "saturday"))
        opens = r.choice(("08:30:00", "09:00:00", "10:00:00"))
        closes = r.choice(("16:30:00", "17:00:00", "18:00:00"))
        schedules = [
            {
                **base,
                "id": _id("schedule", owner, 0),
                "byday": "MO,TU,WE,TH,FR",
                "opens_at": opens,
                "closes_at": closes,
                "description": f"Monday to Friday, {opens[:5]} to {closes[:5]}.",
            }
        ]
        if pattern == "evenings":
            schedules.append(
                {
                    **base,
                    "id": _id("schedule", owner, 1),
                    "byday": "TU,TH",
                    "opens_at": "18:00:00",
                    "closes_at": "21:00:00",
                    "description": "Tuesday and Thursday evenings, 18:00 to 21:00.",
                }
            )
        elif pattern == "saturday":
            schedules.append(
                {
                    **base,
                    "id": _id("schedule", owner, 1),
                    "byday": "SA",
                    "opens_at": "10:00:00",
                    "closes_at": "14:00:00",
                    "description": "Saturday, 10:00 to 14:00.",
                }
            )
        return schedules

    def languages(self, city: City, owner: str) -> list[dict[str, Any]]:
        r = self.random
        codes = ["en"]
        if city.province in FRENCH_PROVINCES:
            codes = ["fr", "en"]
        extra = [code for code in city.languages if code not in codes]
        codes += r.sample(extra, k=min(len(extra), r.randint(0, 3)))
        return [
            {"id": _id("language", owner, code), "name": LANGUAGE_ENGLISH_NAMES[code], "code": code} for code in codes
        ]

    def attributes(self, owner: str, terms: list[v.Term]) -> list[dict[str, Any]]:
        attributes = []
        for term in terms:
            attributes.append(
                {
                    "id": _id("attribute", owner, term.taxonomy.key, term.code),
                    "link_type": v.LINK_TYPES[term.taxonomy.key],
                    "link_entity": "service",
                    "link_id": owner,
                    "taxonomy_term_id": term.id,
                    "value": "true",
                }
            )
            if term.open_eligibility:
                oe_id, _title = term.open_eligibility
                attributes.append(
                    {
                        "id": _id("attribute", owner, "open-eligibility", oe_id),
                        "link_type": v.LINK_TYPES[v.OPEN_ELIGIBILITY_TAXONOMY.key],
                        "link_entity": "service",
                        "link_id": owner,
                        "taxonomy_term_id": v.open_eligibility_term_id(oe_id),
                        "value": "true",
                    }
                )
        return attributes

    def location(self, city: City, kind: Kind, owner: str, name: str, index: int) -> dict[str, Any]:
        location_id = _id("location", owner, index)
        location: dict[str, Any] = {
            "id": location_id,
            "location_type": "physical",
            "name": name,
            "phones": [],
            "languages": [],
            "accessibility": [],
            "schedules": [],
            "contacts": [],
        }
        if kind.confidential:
            # The public sees the city and its postal area's centre; the real address and point
            # travel in the extension (as harbour.directory.confidential keeps them).
            real_lat, real_lon = self.point_near(city, 6)
            secret = self.address(city, location_id)
            coarse = places.coarse_point(secret["postal_code"], city.name, city.province)
            latitude, longitude = (coarse.latitude, coarse.longitude) if coarse else (city.latitude, city.longitude)
            location["addresses"] = [
                {
                    "id": secret["id"],
                    # Required by HSDS; left empty, as Harbour's own export writes them for such places.
                    "address_1": "",
                    "postal_code": "",
                    "city": city.name,
                    "state_province": city.province,
                    "country": "CA",
                    "address_type": "physical",
                }
            ]
            location[EXTENSION] = {
                "confidential": True,
                "confidential_address": {**secret, "latitude": real_lat, "longitude": real_lon},
            }
        else:
            latitude, longitude = self.point_near(city, 5)
            location["addresses"] = [self.address(city, location_id)]
            if self.random.random() < 0.3:
                location["accessibility"] = [
                    {
                        "id": _id("accessibility", location_id),
                        "description": "Step-free entrance and an accessible washroom.",
                    }
                ]
            location[EXTENSION] = {"confidential": False}
        location["latitude"] = latitude
        location["longitude"] = longitude
        if kind.shelter:
            r = self.random
            location[EXTENSION]["beds"] = {
                "places_available": r.choice((0, 0, 1, 2, 3, 4, 6)),
                # Some counts are fresh, some are more than a day old and show as unknown.
                "hours_ago": r.choice((1, 3, 5, 8, 20, 30, 50)),
            }
        return location

    def service(self, city: City, kind: Kind, number: int, organisation: dict[str, Any]) -> dict[str, Any]:
        r = self.random
        service_id = _id("service", city.name, kind.key, number)
        suffix = f" ({number + 1})" if number else ""
        name = f"{kind.name_en}{suffix}"
        terms = [t for code in kind.needs if (t := v.need(code))] + [
            t for code in kind.populations if (t := v.population(code))
        ]
        if r.random() < kind.safe_share:
            terms += list(v.SAFETY)
        elif r.random() < 0.5:
            terms.append(v.SAFETY[0])
        verified_days_ago = r.choice((3, 10, 25, 40, 60, 90, 120, 150)) if r.random() > 0.15 else r.randint(190, 420)
        assured = REFERENCE_DATE - datetime.timedelta(days=verified_days_ago)
        paid = r.random() < kind.paid_share
        intake = self.phone(city, service_id, "Intake line" if kind.confidential else "Main line")
        service: dict[str, Any] = {
            "id": service_id,
            "organization_id": organisation["id"],
            "name": name,
            "alternate_name": None,
            "description": kind.description_en,
            "url": f"https://{_slug(organisation['name'])}.example/{kind.key.replace('_', '-')}",
            "email": f"intake@{_slug(organisation['name'])}.example",
            "status": "active",
            "interpretation_services": "Interpreters can be arranged by phone." if r.random() < 0.5 else None,
            "application_process": "Call the intake line." if kind.confidential else "Walk in or call ahead.",
            "fees_description": "A sliding scale; nobody is turned away." if paid else "Free.",
            "assured_date": assured.isoformat(),
            "assurer_email": f"intake@{_slug(organisation['name'])}.example",
            "last_modified": f"{assured.isoformat()}T12:00:00Z",
            "phones": [intake],
            "schedules": self.schedules(city, kind, service_id),
            "languages": self.languages(city, service_id),
            "cost_options": [
                {
                    "id": _id("cost", service_id),
                    "option": "Sliding scale" if paid else "Free",
                    "currency": "CAD",
                    "amount": 20 if paid else 0,
                    "amount_description": "per session, reduced on request" if paid else "no charge",
                }
            ],
            "attributes": self.attributes(service_id, terms),
            "contacts": [],
            "funding": [],
            "required_documents": [],
            "service_areas": [],
            "metadata": [],
        }
        # Most services have a French name and description; some do not, and the French page says so.
        extension: dict[str, Any] = {}
        if city.province in FRENCH_PROVINCES or r.random() < 0.75:
            extension["name_fr"] = f"{kind.name_fr}{suffix}"
            extension["description_fr"] = kind.description_fr
        service[EXTENSION] = extension
        single = kind.shelter or kind.key == "crisis_line"
        locations = 1 if single else 1 + (r.random() < 0.12) + (r.random() < 0.05)
        service["service_at_locations"] = []
        for index in range(locations):
            location_name = organisation["name"] if index == 0 else f"{organisation['name']}, site {index + 1}"
            location = self.location(city, kind, service_id, location_name, index)
            service["service_at_locations"].append(
                {
                    "id": _id("service_at_location", service_id, index),
                    "phones": [],
                    "schedules": [],
                    "contacts": [],
                    "location": location,
                }
            )
        return service

    def organisation(self, city: City, kind: Kind, word: str) -> dict[str, Any]:
        name = NETWORK_ORGANISATIONS.get((city.name, kind.key)) or f"{word} {kind.org_suffix} {city.name} (demo)"
        org_id = _id("organization", name)
        return {
            "id": org_id,
            "name": name,
            "description": f"{kind.org_suffix} serving {city.name} and the area around it. Invented for the demo.",
            "email": f"info@{_slug(name)}.example",
            "website": f"https://{_slug(name)}.example",
            "phones": [],
            "contacts": [],
            "locations": [],
            "funding": [],
            "programs": [],
            "organization_identifiers": [],
        }


def _kinds_for(city: City, builder: _Builder) -> list[tuple[Kind, int]]:
    """Which services a city has: big cities have nearly everything, smaller ones a varying part."""
    r = builder.random
    chosen: list[tuple[Kind, int]] = []
    for kind in KINDS:
        if kind.everywhere or (city.name, kind.key) in NETWORK_ORGANISATIONS:
            copies = 2 if city.big and kind.key in {"women_shelter", "food_bank", "settlement"} else 1
        elif city.big:
            copies = 1
        else:
            copies = 1 if r.random() < 0.3 else 0
        chosen += [(kind, number) for number in range(copies)]
    return chosen


def _without_empty(value: Any) -> Any:
    """Drops absent properties (None, empty lists): HSDS leaves them out rather than writing null."""
    if isinstance(value, dict):
        return {k: _without_empty(v) for k, v in value.items() if v is not None and v != []}
    if isinstance(value, list):
        return [_without_empty(item) for item in value]
    return value


def build() -> list[dict[str, Any]]:
    """Every demo service as an HSDS 3.0 compiled service object, in a stable order."""
    builder = _Builder()
    services: list[dict[str, Any]] = []
    for city in CITIES:
        words = list(NAME_WORDS)
        builder.random.shuffle(words)
        for position, (kind, number) in enumerate(_kinds_for(city, builder)):
            organisation = builder.organisation(city, kind, words[position % len(words)])
            service = builder.service(city, kind, number, organisation)
            service["organization"] = organisation
            services.append(_without_empty(service))
    return services
