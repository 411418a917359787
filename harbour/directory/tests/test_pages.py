"""The directory's pages: public search and service pages, members' search, hotline, beds, upkeep, coverage."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from harbour.core.models import AuditEntry
from harbour.directory import places
from harbour.directory.models import BedAvailability, Service
from harbour.directory.tests.factories import service_make
from harbour.testing import Cast, signed_in

pytestmark = pytest.mark.django_db

DOWNTOWN = places.Point(43.6426, -79.3871)
SECRET_STREET = "77 Hidden Orchard Lane"


def url(name: str, language: str = "en", **kwargs: str) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def shelter(cast: Cast) -> Service:
    return service_make(
        name="Harbour House safe beds",
        name_fr="Lits sécuritaires de Harbour House",
        organisation=cast.harbour_house,
        needs=["shelter"],
        populations=["women"],
        confidential=True,
        point=DOWNTOWN,
        street=SECRET_STREET,
        phone="+1 416 555 0142",
        always_open=True,
        status_safe=True,
    )


def test_other_apps_link_with_need_and_postcode_and_get_nearest_results(shelter: Service):
    service_make(name="Far legal clinic", needs=["legal-aid"], point=places.Point(49.8951, -97.1384))
    page = Client().get(url("directory:search") + "?need=shelter&postcode=M5V+2T6").content.decode()
    assert "Harbour House safe beds" in page
    assert "Far legal clinic" not in page
    assert 'value="M5V 2T6"' in page  # what was typed stays in the box


def test_public_result_shows_call_for_location_and_the_intake_phone_never_the_address(shelter: Service):
    for language in ("en", "fr", "es", "ar"):
        page = Client().get(url("directory:search", language) + "?place=Toronto&need=shelter").content.decode()
        assert "+1 416 555 0142" in page, language
        assert SECRET_STREET not in page, language
        assert "M5V 9Z9" not in page, language
    page = Client().get(url("directory:search") + "?place=Toronto").content.decode()
    assert "Call for location" in page
    detail = Client().get(url("directory:service", service_id=shelter.id)).content.decode()
    assert "Call for location" in detail and "+1 416 555 0142" in detail
    assert SECRET_STREET not in detail and "M5V 9Z9" not in detail


def test_public_pages_write_no_audit_entry_and_members_pages_audit_each_address_shown(cast: Cast, shelter: Service):
    Client().get(url("directory:search") + "?place=Toronto")
    assert not AuditEntry.objects.exists()
    page = signed_in(cast.carol).get(url("directory:member_search") + "?place=Toronto").content.decode()
    assert SECRET_STREET in page
    entry = AuditEntry.objects.get()
    assert entry.actor == cast.carol and entry.record_type == "directory.confidentialaddress"
    # Filed under the shelter's organisation, whose administrators read their audit log.
    assert entry.organisation_id == cast.harbour_house.pk
    detail = signed_in(cast.bob).get(url("directory:member_service", service_id=shelter.id)).content.decode()
    assert SECRET_STREET in detail
    assert AuditEntry.objects.count() == 2


def test_liaisons_and_researchers_never_reach_a_confidential_address(cast: Cast, shelter: Service):
    for member in (cast.lee, cast.rhea, cast.pat):
        for name, kwargs in (
            ("directory:member_search", {}),
            ("directory:member_service", {"service_id": shelter.id}),
            ("directory:hotline", {}),
        ):
            response = signed_in(member).get(url(name, **kwargs) + "?place=Toronto&need=shelter")
            assert response.status_code in (403, 404)
            assert SECRET_STREET not in response.content.decode()


def test_french_pages_use_french_names_and_say_when_they_fall_back_to_english(shelter: Service):
    service_make(name="English-only food bank", needs=["food"])
    page = Client().get(url("directory:search", "fr") + "?place=Toronto").content.decode()
    assert "Lits sécuritaires de Harbour House" in page
    assert "English-only food bank" in page
    assert page.count("Non disponible en français") == 1


def test_need_labels_follow_the_page_language(shelter: Service):
    assert "Un endroit sûr où dormir" in Client().get(url("directory:search", "fr")).content.decode()
    assert "Un lugar seguro para quedarse" in Client().get(url("directory:search", "es")).content.decode()


def test_an_unknown_place_gets_a_clear_message_and_keeps_what_was_typed(shelter: Service):
    response = Client().get(url("directory:search") + "?place=Atlantis&need=shelter")
    page = response.content.decode()
    assert response.status_code == 200
    assert "We do not know this place" in page
    assert 'value="Atlantis"' in page
    assert 'value="shelter" id="id_need_0" checked' in page or ('value="shelter"' in page and "checked" in page)


def test_near_me_takes_a_point_only_when_sent_and_rounds_it(shelter: Service):
    response = Client().get(url("directory:search") + "?lat=43.64263&lon=-79.38712&need=shelter")
    assert "Harbour House safe beds" in response.content.decode()
    # The button exists only for the script; without it the page explains how to search.
    page = Client().get(url("directory:search")).content.decode()
    assert 'class="near-me" hidden' in page


def test_hotline_quick_search_finds_by_need_words_and_place(cast: Cast, shelter: Service):
    client = signed_in(cast.hana)
    page = client.get(url("directory:hotline") + "?need=safe+place&place=M5V").content.decode()
    assert "autofocus" in page
    assert "+1 416 555 0142" in page and "24/7" in page
    assert SECRET_STREET in page
    # In French, the French label works too.
    page = client.get(url("directory:hotline", "fr") + "?need=endroit+s%C3%BBr&place=Toronto").content.decode()
    assert "+1 416 555 0142" in page


def test_beds_are_posted_in_two_taps_by_the_shelters_own_staff(cast: Cast, shelter: Service):
    client = signed_in(cast.hana)
    location = shelter.service_at_locations.get().location
    assert location is not None
    page = client.get(url("directory:beds")).content.decode()
    assert 'name="places_available" value="3"' in page
    response = client.post(url("directory:beds"), {"location": location.id, "places_available": "3"})
    assert response.status_code == 302
    beds = BedAvailability.objects.get()
    assert beds.places_available == 3 and beds.updated_by == cast.hana
    # Another organisation's worker cannot post for this shelter.
    response = signed_in(cast.carol).post(url("directory:beds"), {"location": location.id, "places_available": "1"})
    assert response.status_code == 404
    assert BedAvailability.objects.count() == 1


def test_a_count_older_than_a_day_shows_as_unknown(cast: Cast, shelter: Service):
    location = shelter.service_at_locations.get().location
    BedAvailability.objects.create(
        location=location, places_available=4, updated_at=timezone.now() - datetime.timedelta(hours=30)
    )
    page = signed_in(cast.bob).get(url("directory:member_search") + "?place=Toronto").content.decode()
    assert "Unknown" in page and "4 places" not in page


def test_administrators_edit_and_verify_only_their_own_services(cast: Cast, shelter: Service):
    Service.objects.filter(pk=shelter.pk).update(assured_date=datetime.date(2025, 1, 1))
    alice = signed_in(cast.alice)
    page = alice.get(url("directory:my_services")).content.decode()
    assert "Harbour House safe beds" in page and "out of date" in page
    response = alice.post(url("directory:service_verify", service_id=shelter.id))
    assert response.status_code == 302
    shelter.refresh_from_db()
    assert shelter.assured_date == timezone.localdate()
    # Who verified is in the audit log, under the listing's organisation; never in the public listing.
    verified = AuditEntry.objects.get(record_type="directory.service", record_id=shelter.id)
    assert (verified.actor_id, verified.action, verified.organisation_id) == (
        cast.alice.pk,
        AuditEntry.Action.UPDATE,
        cast.harbour_house.pk,
    )
    assert shelter.assurer_email is None
    omar = signed_in(cast.omar)
    assert omar.get(url("directory:service_edit", service_id=shelter.id)).status_code == 404
    assert omar.post(url("directory:service_verify", service_id=shelter.id)).status_code == 404
    response = alice.post(
        url("directory:service_edit", service_id=shelter.id),
        {"name": "Harbour House beds", "name_fr": "", "description": "Beds.", "status": "active"},
    )
    assert response.status_code == 302
    shelter.refresh_from_db()
    assert shelter.name == "Harbour House beds" and shelter.name_fr == ""
    assert (
        AuditEntry.objects.filter(record_type="directory.service", record_id=shelter.id, actor=cast.alice).count() == 2
    )


def test_a_reminder_goes_after_six_months_without_verification_and_monthly_after(
    cast: Cast, shelter: Service, django_capture_on_commit_callbacks: Any
):
    today = datetime.date(2026, 11, 22)
    for age, expected in ((182, 0), (183, 1), (184, 0), (213, 1)):
        Service.objects.filter(pk=shelter.pk).update(assured_date=today - datetime.timedelta(days=age))
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("directory_verification_reminders", "--date", today.isoformat())
        assert len(mail.outbox) == expected, age
        if expected:
            message = mail.outbox[0]
            assert message.to == [cast.alice.email]
            assert "Harbour House safe beds" in message.body


def test_coordinators_list_stale_records(cast: Cast, shelter: Service):
    service_make(name="Old listing", assured_date=timezone.localdate() - datetime.timedelta(days=400))
    page = signed_in(cast.cora).get(url("directory:stale")).content.decode()
    assert "Old listing" in page and "Harbour House safe beds" not in page


def test_coverage_gaps_name_the_missing_help_near_each_city_and_export_as_csv(cast: Cast, shelter: Service):
    client = signed_in(cast.cora)
    page = client.get(url("directory:gaps") + "?radius=50&need=shelter&population=men").content.decode()
    assert "Toronto, ON" in page and "Winnipeg, MB" in page  # Harbour House's and the clinic's cities
    assert "<svg" in page and "<table" in page
    response = client.get(url("directory:gaps_csv") + "?radius=50&need=shelter&population=men")
    rows = response.content.decode().splitlines()
    assert rows[0].startswith("city,province,kind,code")
    assert "Toronto,ON,need,shelter,A safe place to stay,1,50" in rows
    assert "Winnipeg,MB,need,shelter,A safe place to stay,0,50" in rows
    assert "Toronto,ON,combination,shelter+men,A safe place to stay + Men,0,50" in rows
    assert "Toronto,ON,population,women,Women,1,50" in rows


def test_the_radius_choices_read_in_the_language_of_the_page():
    from django.utils import translation

    from harbour.directory.forms import SearchForm

    with translation.override("zh-hans"):
        chinese = str(dict(SearchForm().fields["radius"].choices)["50"])  # type: ignore[attr-defined]
    with translation.override("en"):
        english = str(dict(SearchForm().fields["radius"].choices)["50"])  # type: ignore[attr-defined]
    assert english == "50 km"
    assert chinese == "50 公里"


@pytest.mark.parametrize(
    ("query", "english", "french"),
    [
        ("q=" + "x" * 101, "at most 100 characters", "au plus 100 caractères"),
        ("place=Toronto&radius=7", "Choose a distance from the list", "Choisissez une distance"),
        ("place=Toronto&need=no-such-need", "not a need we know", "n’est pas un besoin"),
        ("place=Toronto&population=zz", "not a group of people we know", "n’est pas un groupe"),
        ("place=Toronto&language=xx", "not a language we know", "n’est pas une langue"),
        ("lat=99&lon=-79.4", "Your location could not be used", "Votre position n’a pas pu"),
        ("lat=north&lon=-79.4", "Your location could not be used", "Votre position n’a pas pu"),
        ("postcode=" + "M" * 11, "We do not know this place", "Nous ne connaissons pas"),
    ],
)
def test_a_wrong_search_value_is_explained_in_the_readers_language_and_what_was_typed_stays(
    shelter: Service, query: str, english: str, french: str
) -> None:
    for language, expected in (("en", english), ("fr", french)):
        response = Client().get(url("directory:search", language) + "?" + query + "&q2=unused&free=on")
        assert response.status_code == 200
        page = response.content.decode()
        assert 'id="search-errors"' in page and expected in page, (language, query)
        assert 'name="free" id="id_free" checked' in page  # the rest of the choices stay
        name, _sep, value = query.split("&")[-1].partition("=")
        if name in ("q", "lat"):
            assert f'value="{value}"' in page  # what was typed is still in the form


def test_the_search_forms_checkbox_lists_are_djangos_markup_written_faster():
    import re

    from django import forms as django_forms
    from django.http import QueryDict

    from harbour.directory.forms import SearchForm

    form = SearchForm(QueryDict("need=shelter&need=food&language=fr&population=women"))
    assert form.is_valid()

    def spaces(html: str) -> str:
        return re.sub(r"\s+", " ", html).replace(" </div>", "</div>").strip()

    for name in ("need", "population", "language"):
        widget = form.fields[name].widget
        django = django_forms.CheckboxSelectMultiple.render(widget, name, form[name].value(), {"id": f"id_{name}"})
        assert spaces(str(form[name])) == spaces(django)
        assert str(form[name]).count(" checked") == len(form[name].value())


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "More than 3 services found"), ("fr", "Plus de 3 services trouvés")]
)
def test_past_the_bound_the_page_says_more_than_and_still_offers_the_next_page(
    monkeypatch: pytest.MonkeyPatch, language: str, heading: str
):
    from harbour.directory import search

    monkeypatch.setattr(search, "COUNT_BOUND", 3)
    for number in range(25):
        service_make(name=f"Shelter {number:02d}", needs=["shelter"], point=DOWNTOWN)
    client = Client()
    for query in ("?need=shelter", "?need=shelter&postcode=M5V+2T6", "?q=shelter"):
        page = client.get(url("directory:search", language) + query, follow=True).content.decode()
        assert heading in page and 'rel="next"' in page, query
        later = client.get(url("directory:search", language) + query + "&offset=20", follow=True).content.decode()
        assert heading in later and 'rel="next"' not in later and later.count('<li class="result">') == 5, query
    monkeypatch.setattr(search, "COUNT_BOUND", 25)
    page = client.get(url("directory:search", language) + "?need=shelter", follow=True).content.decode()
    assert "25 services" in page and heading not in page


def test_the_deepest_page_offers_no_next_link_that_would_show_it_again(monkeypatch: pytest.MonkeyPatch):
    from harbour.directory import views

    monkeypatch.setattr(views, "MAX_OFFSET", 20)
    for number in range(45):
        service_make(name=f"Shelter {number:02d}", needs=["shelter"], point=DOWNTOWN)
    client = Client()
    second = client.get(url("directory:search") + "?need=shelter&offset=20", follow=True).content.decode()
    assert 'rel="prev"' in second and 'rel="next"' not in second
    first = client.get(url("directory:search") + "?need=shelter", follow=True).content.decode()
    assert 'rel="next"' in first
