"""The directory's search and service pages write exactly the HTML they wrote before their rendering was sped up.

Each page below is compared, byte for byte, with the copy kept in `pages_html/` (written from the templates
before the results were drawn in Python, issue 20 item 3): the same results, in the same order, with the
same markup, in English, French and Arabic (right to left). The data is the benchmark's generated directory
(fixed seed, fixed ids) and a few hand-made services for what it lacks (a confidential shelter with beds, a
name only in English on a French page, several locations, markup characters in names); the clock is fixed.

To write the copies again after a change meant to alter the HTML, run this file with HARBOUR_WRITE_PAGES_HTML=1
(it then fails, so that a run that writes never passes), and read the difference before committing it.
"""

from __future__ import annotations

import datetime
import functools
import os
import re
from pathlib import Path
from unittest import mock

import pytest
from django.template import defaultfilters
from django.test import Client
from django.utils import timesince

from harbour.directory import bench, vocabulary
from harbour.directory.interchange import import_path
from harbour.directory.models import (
    Address,
    Attribute,
    BedAvailability,
    ConfidentialAddress,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    point_text,
)
from harbour.directory.taxonomy_map import taxonomies_ensure
from harbour.testing import Cast, signed_in

pytestmark = pytest.mark.django_db

COPIES = Path(__file__).parent / "pages_html"
WRITE = os.environ.get("HARBOUR_WRITE_PAGES_HTML") == "1"
# A Tuesday, 11:00 in Toronto: some generated hours are open, some closed.
NOW = datetime.datetime(2026, 12, 8, 16, 0, tzinfo=datetime.UTC)
LANGUAGES = ("en", "fr", "ar")
TORONTO = (43.6426, -79.3871)

PUBLIC_SEARCHES = {
    "text": "q=counselling",
    "text-page-2": "q=counselling&offset=20",
    "place": "place=M5V+3L9&radius=500",
    "place-page-2": "place=M5V+3L9&radius=500&offset=20",
    "need": "need=crisis-line",
    "text-need": "q=counselling&need=shelter",
    "place-text-need": "place=M5V+3L9&radius=500&q=shelter&need=shelter",
    "place-filters": "place=Toronto&radius=100&language=fr&status_safe=on",
    "place-open-now": "place=M5V+3L9&radius=250&open_now=on&need=crisis-line",
    "population-free": "population=women&free=on",
    "nothing": "q=zzqqxx&place=M5V+3L9&radius=5",
    "organisation-name": "q=Refuge",
}
MEMBER_SEARCHES = {
    "members-place": "place=M5V+3L9&radius=25",
    "members-need": "need=shelter",
}
SERVICES = ("hand-refuge", "hand-clinic", "hand-markup", "hand-no-phone")


def _hand_made() -> None:
    """Services the generated data lacks, with fixed ids; their names sort first ("Aa…")."""
    taxonomies_ensure()
    keeper = Organization.objects.create(id="hand-org-1", name="Aa Refuge Network", website="https://refuge.example")
    plain = Organization.objects.create(id="hand-org-2", name='Quiet <Collective> & "Friends"')

    def term(code: str) -> str:
        found = vocabulary.need(code) or vocabulary.population(code)
        found = found or next((t for t in vocabulary.SAFETY if t.code == code), None)
        assert found is not None, code
        return found.id

    def service(sid: str, org: Organization, name: str, terms: list[str], **fields: object) -> Service:
        made = Service.objects.create(id=sid, organization=org, name=name, status="active", **fields)
        made.search_text = made.compute_search_text()
        made.save(update_fields=["search_text"])
        for code in terms:
            Attribute.objects.create(
                id=f"{sid}-{code}", link_id=sid, link_entity="service", taxonomy_term_id=term(code)
            )
        return made

    def location(lid: str, org: Organization, lat: float, lon: float, **fields: object) -> Location:
        return Location.objects.create(id=lid, organization=org, name=lid, latitude=lat, longitude=lon, **fields)

    safety = [t.code for t in vocabulary.SAFETY]
    refuge = service(
        "hand-refuge",
        keeper,
        "Aa Refuge safe beds",
        ["shelter", "crisis-line", "women", *safety],
        name_fr="Aa Refuge lits sûrs",
        description="Shelter and counselling for women.",
        description_fr="Hébergement et counselling.",
    )
    hidden = location("hand-loc-refuge", keeper, 43.65, -79.38, confidential=True)
    Address.objects.create(id="hand-addr-refuge", location=hidden, city="Toronto", state_province="ON")
    from harbour.network.models import Organisation

    owner = Organisation.objects.get(name="Harbour House")
    keeper.network_organisation = owner
    keeper.save()
    ConfidentialAddress.objects.create(
        location=hidden,
        key_owner=owner,
        address_1="77 Hidden Orchard Lane",
        address_2="Unit 2",
        city="Toronto",
        state_province="ON",
        postal_code="M5V 9Z9",
        point=point_text(43.6426, -79.3871),
    )
    ServiceAtLocation.objects.create(id="hand-sal-refuge", service=refuge, location=hidden)
    Phone.objects.create(id="hand-phone-refuge", service=refuge, number="+1 416 555 0142", description="intake, 24/7")
    Schedule.objects.create(
        id="hand-sched-refuge", service=refuge, byday="MO,TU,WE,TH,FR,SA,SU", opens_at="00:00:00", closes_at="23:59:59"
    )
    Language.objects.create(id="hand-lang-refuge-fr", service=refuge, code="fr", name="French")
    Language.objects.create(id="hand-lang-refuge-ar", location=hidden, code="ar", name="Arabic")
    CostOption.objects.create(id="hand-cost-refuge", service=refuge, amount=0, currency="CAD")
    BedAvailability.objects.create(location=hidden, places_available=3, updated_at=NOW - datetime.timedelta(hours=3))

    clinic = service(
        "hand-clinic",
        keeper,
        "Aab Clinic for counselling",
        ["health-care", "mental-health", "shelter", "women"],
        url="https://clinic.example/?a=1&b=2",
    )
    for index, (lat, lon, city) in enumerate([(43.70, -79.40, "Toronto"), (45.50, -73.57, "Montréal")]):
        at = location(f"hand-loc-clinic-{index}", keeper, lat, lon)
        Address.objects.create(
            id=f"hand-addr-clinic-{index}",
            location=at,
            address_1=f"{index + 10} King Street",
            address_2="Suite <B>" if index == 0 else "",
            city=city,
            state_province="ON" if index == 0 else "QC",
            postal_code="M5V 1A1" if index == 0 else "",
        )
        ServiceAtLocation.objects.create(id=f"hand-sal-clinic-{index}", service=clinic, location=at)
        Schedule.objects.create(
            id=f"hand-sched-clinic-{index}", location=at, byday="MO,TU,WE,TH,FR", opens_at="09:00", closes_at="17:00"
        )
        Phone.objects.create(id=f"hand-phone-clinic-{index}", location=at, number=f"+1 514 555 010{index}")
    Schedule.objects.create(id="hand-sched-clinic-s1", service=clinic, byday="SA,SU", description="By appointment")
    Schedule.objects.create(id="hand-sched-clinic-s2", service=clinic, byday="TU,TH")
    Schedule.objects.create(id="hand-sched-clinic-s3", service=clinic, byday="", opens_at="10:00", closes_at="12:00")
    Language.objects.create(id="hand-lang-clinic-es", service=clinic, code="es", name="Spanish")
    Language.objects.create(id="hand-lang-clinic-fr", location_id="hand-loc-clinic-0", code="fr-CA", name="French")
    CostOption.objects.create(id="hand-cost-clinic", service=clinic, amount=20, currency="CAD")
    stale = location("hand-loc-clinic-beds", keeper, 43.66, -79.39, confidential=True)
    ServiceAtLocation.objects.create(id="hand-sal-clinic-beds", service=clinic, location=stale)
    BedAvailability.objects.create(location=stale, places_available=1, updated_at=NOW - datetime.timedelta(days=2))

    markup = service(
        "hand-markup",
        plain,
        'Aac L\'Abri <Nord> & "Sud"',
        ["crisis-line", "shelter", "women"],
        description="Counselling & shelter <b>now</b>.",
    )
    at = location("hand-loc-markup", plain, 43.64, -79.38)
    Address.objects.create(id="hand-addr-markup", location=at, address_1="1 <Main> & Co", city="Toronto")
    ServiceAtLocation.objects.create(id="hand-sal-markup", service=markup, location=at)
    Phone.objects.create(id="hand-phone-markup", organization=plain, number="+1 647 555 0199", description="<ask>")
    Schedule.objects.create(
        id="hand-sched-markup",
        service=markup,
        byday="MO,WE",
        opens_at="08:30",
        closes_at="20:00",
        description="drop-in",
    )
    CostOption.objects.create(id="hand-cost-markup", service=markup, amount=0, currency="CAD")

    lonely = service("hand-no-phone", plain, "Aad Counselling without a phone", ["crisis-line", "mental-health"])
    nowhere = location("hand-loc-nowhere", plain, 43.6426, -79.3871)
    ServiceAtLocation.objects.create(id="hand-sal-nowhere", service=lonely, location=nowhere)
    service("hand-inactive", plain, "Aa Closed counselling", ["crisis-line"]).__class__.objects.filter(
        id="hand-inactive"
    ).update(status="inactive")


@pytest.fixture
def directory(cast: Cast, tmp_path: Path) -> None:
    data = tmp_path / "directory.ndjson"
    with data.open("w", encoding="utf-8") as out:
        bench.generate(out, 150, 225, 20261122)
    import_path(data, quiet=True)
    bench.link_to_vocabulary()
    _hand_made()


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return _CSRF.sub('name="csrfmiddlewaretoken" value="…"', response.content.decode("utf-8"))


@pytest.fixture
def frozen():
    """The clock at NOW for the searches and for "updated 3 hours ago"."""
    since = functools.partial(timesince.timesince, now=NOW)
    with (
        mock.patch("django.utils.timezone.now", return_value=NOW),
        mock.patch.object(
            defaultfilters, "timesince", lambda d, now=None: since(d) if now is None else timesince.timesince(d, now)
        ),
    ):
        yield


def _pages(cast: Cast, language: str) -> dict[str, str]:
    public, members = Client(), signed_in(cast.bob)
    pages = {name: _page(public, f"/{language}/directory/?{query}") for name, query in PUBLIC_SEARCHES.items()}
    pages |= {
        name: _page(members, f"/{language}/members/directory/?{query}") for name, query in MEMBER_SEARCHES.items()
    }
    back = "?results=q%3Dcounselling%26offset%3D20"
    pages |= {f"service-{sid}": _page(public, f"/{language}/directory/services/{sid}/{back}") for sid in SERVICES}
    pages |= {
        f"members-service-{sid}": _page(members, f"/{language}/members/directory/services/{sid}/")
        for sid in SERVICES[:2]
    }
    return pages


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_directory_pages_write_the_html_they_wrote_before(cast: Cast, directory: None, frozen: None, language: str):
    pages = _pages(cast, language)
    if WRITE:
        COPIES.mkdir(exist_ok=True)
        for name, html in pages.items():
            (COPIES / f"{language}-{name}.html").write_text(html, encoding="utf-8")
        pytest.fail(f"wrote {len(pages)} copies in {COPIES}: read the difference, then run again without the variable")
    drifted = [name for name, html in pages.items() if (COPIES / f"{language}-{name}.html").read_text("utf-8") != html]
    assert drifted == []


def test_the_copies_hold_results_in_order_and_each_case_the_cards_draw():
    """The copies are worth comparing with: results in every search but the empty one, and every branch of a card."""
    english = {path.stem.removeprefix("en-"): path.read_text("utf-8") for path in COPIES.glob("en-*.html")}
    assert len(english) == len(PUBLIC_SEARCHES) + len(MEMBER_SEARCHES) + len(SERVICES) + 2
    for name in [*PUBLIC_SEARCHES, *MEMBER_SEARCHES]:
        cards = english[name].count('<li class="result">')
        assert (cards == 0) == (name == "nothing"), name
    everything = "".join(english.values())
    for branch in (
        "Confidential address:",
        "Call for location",
        "<strong>Open now</strong>",
        "Open 24 hours, every day",
        "By appointment",
        "Call for hours",
        "No phone listed",
        "other location",
        "Places tonight",
        "more than a day",
        "Safe regardless of immigration status",
        "<li>Free</li>",
        "&lt;Nord&gt; &amp; &quot;Sud&quot;",
        "Look further away",
        "Next results",
        "Previous results",
    ):
        assert branch in everything, branch
    french = "".join(path.read_text("utf-8") for path in COPIES.glob("fr-*.html"))
    assert 'lang="en"' in french and "Aa Refuge lits sûrs" in french
    assert 'dir="rtl"' in (COPIES / "ar-text.html").read_text("utf-8")
