"""The worker's screening: nothing stored while screening, pause and resume by code, handing the answers to cases."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from harbour.screening import catalogue
from harbour.testing import Cast, signed_in

from .test_self_check import compiled_catalogues  # noqa: F401  # the built .mo files, for pages in French and Thai

ANSWERS = {"q_recruited": "yes", "q_job_different": "yes", "q_violence": "yes", "q_from_abroad": "no"}


def _stored_rows() -> dict[str, int]:
    """Every table's row count: screening knows no other app's models, and stores nothing in any."""
    return {model._meta.label: model._base_manager.count() for model in apps.get_models() if model._meta.managed}


@pytest.mark.django_db
def test_screening_and_its_reading_store_nothing(cast: Cast) -> None:
    client = signed_in(cast.bob)
    before = _stored_rows()
    assert client.get(reverse("screening:worker")).status_code == 200
    assert client.post(reverse("screening:worker"), {**ANSWERS, "do": "open:recruitment"}).status_code == 200
    response = client.post(
        reverse("screening:worker"), {**ANSWERS, "province": "MB", "postcode": "R3C 1A1", "do": "result"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Palermo Protocol" in page and "Criminal Code" in page and "Immigration and Refugee Protection Act" in page
    assert "Tracia" in page  # Manitoba's plan
    assert "postcode=R3C" in page and "1A1" not in page  # only the area reaches the directory link
    assert _stored_rows() == before


@pytest.mark.django_db
def test_deeper_sections_open_on_demand(cast: Cast) -> None:
    client = signed_in(cast.hana)
    first = client.get(reverse("screening:worker")).content.decode()
    assert 'name="q_debt_grows"' not in first
    opened = client.post(reverse("screening:worker"), {"do": "open:debt"}).content.decode()
    assert 'name="q_debt_grows"' in opened


def _code(page: str) -> str:
    match = re.search(r'id="resume-code">([^<]+)<', page)
    assert match, page
    return match.group(1).strip()


@pytest.mark.django_db
def test_pause_and_resume_bring_the_answers_back_without_storing_them(cast: Cast) -> None:
    client = signed_in(cast.bob)
    before = _stored_rows()
    paused = client.post(reverse("screening:worker"), {**ANSWERS, "q_debt_grows": "unknown", "do": "pause"})
    code = _code(paused.content.decode())
    assert _stored_rows() == before
    resumed = signed_in(cast.alice).post(reverse("screening:resume"), {"code": code}).content.decode()
    assert 'name="q_violence" value="yes" checked' in resumed
    assert 'name="q_from_abroad" value="no" checked' in resumed
    assert 'name="q_debt_grows" value="unknown" checked' in resumed  # its section reopened


@pytest.mark.django_db
def test_another_organisation_cannot_resume_a_code(cast: Cast) -> None:
    code = _code(signed_in(cast.bob).post(reverse("screening:worker"), {**ANSWERS, "do": "pause"}).content.decode())
    response = signed_in(cast.carol).post(reverse("screening:resume"), {"code": code})
    assert response.status_code == 400
    assert "cannot be opened" in response.content.decode()
    assert code in response.content.decode()  # what was typed is kept


@pytest.mark.django_db
def test_liaison_and_researcher_cannot_screen(cast: Cast) -> None:
    for member in (cast.lee, cast.rhea, cast.cora):
        assert signed_in(member).post(reverse("screening:worker"), {**ANSWERS, "do": "result"}).status_code == 403


@pytest.mark.django_db
def test_every_question_of_every_section_can_be_skipped(cast: Cast) -> None:
    page = signed_in(cast.bob).post(reverse("screening:worker"), {"do": "all"}).content.decode()
    for question in catalogue.load().questions:
        for value in ("", "yes", "no", "unknown", "declined"):
            checked = " checked" if value == "" else ""
            assert f'name="q_{question.id}" value="{value}"{checked}>' in page, (question.id, value)
    skipped = signed_in(cast.bob).post(reverse("screening:worker"), {"do": "result"})
    assert skipped.status_code == 200


@pytest.mark.django_db
def test_the_panel_shows_the_answers_behind_each_279_04_2_factor(cast: Cast) -> None:
    answers = {"q_conditions_worse": "yes", "q_fear_if_stop": "no", "do": "result"}
    page = signed_in(cast.bob).post(reverse("screening:worker"), answers).content.decode()
    factor = re.search(r"Deception <span class=\"help\">\(s\. 279\.04\(2\)\(b\)\)</span>\s*<ul>(.*?)</ul>", page)
    assert factor, page
    assert factor.group(1) == "<li>Are the pay, the hours or the conditions worse than you were promised?: Yes</li>"


@pytest.mark.django_db
def test_a_workers_services_nearby_lead_to_the_members_directory_with_confidential_addresses(cast: Cast) -> None:
    page = signed_in(cast.bob).post(
        reverse("screening:worker"), {**ANSWERS, "province": "MB", "postcode": "R3C 1A1", "do": "result"}
    )
    html = page.content.decode()
    links = re.findall(r'href="([^"]*directory/[^"]*)"', html)
    assert links, html
    members = reverse("directory:member_search")
    assert all(link.startswith(members) for link in links), links
    assert any("need=" in link and "postcode=R3C" in link for link in links)
    assert f'href="{reverse("directory:search")}' not in html


@pytest.mark.django_db
def test_a_screening_without_needs_still_leads_to_the_members_directory(cast: Cast) -> None:
    html = signed_in(cast.hana).post(reverse("screening:worker"), {"do": "result"}).content.decode()
    assert f'href="{reverse("directory:member_search")}"' in html
    assert f'href="{reverse("directory:search")}"' not in html


# A change of language in the middle of a screening: the form itself goes to the other language's page.


@pytest.fixture
def language_restored() -> Iterator[None]:
    """A request activates its page's language for the thread; the next test starts in English again."""
    yield
    translation.activate("en")


def _worker_url(language: str) -> str:
    with translation.override(language):
        return reverse("screening:worker")


def _language_buttons(page: str) -> dict[str, tuple[str, str]]:
    """Each language button of the layout: the form it posts, and the action it asks for, by the page it posts to."""
    found = re.findall(r'<button type="submit" form="([^"]*)" formaction="([^"]+)" name="do" value="(\w+)"', page)
    return {url: (form, action) for form, url, action in found}


def _form(page: str, form_id: str) -> str:
    found = re.search(rf'<form method="post" action="[^"]+"[^>]* id="{form_id}"[^>]*>(.*?)</form>', page, re.DOTALL)
    assert found is not None, form_id
    return found.group(1)


@pytest.mark.django_db
@pytest.mark.usefixtures("compiled_catalogues", "language_restored")
def test_changing_language_in_the_middle_keeps_the_answers_and_open_sections_and_stores_nothing(cast: Cast) -> None:
    client = signed_in(cast.bob)
    before = _stored_rows()
    page = client.post(_worker_url("en"), {**ANSWERS, "postcode": "R3C", "do": "open:debt"}).content.decode()
    # Every language is a button of the screening's own form, asking for the questions again in that language.
    buttons = _language_buttons(page)
    assert buttons[_worker_url("fr")] == ("screening", "questions")
    assert buttons[_worker_url("th")] == ("screening", "questions")
    form = _form(page, "screening")
    assert 'name="q_debt_grows"' in form and 'name="shown" value="debt"' in form
    # What the browser sends when the French button is pressed: the form as it stands, without JavaScript.
    switched = client.post(
        _worker_url("fr"), {**ANSWERS, "postcode": "R3C", "shown": ["core", "debt"], "do": "questions"}
    )
    french = switched.content.decode()
    assert switched.status_code == 200
    assert '<html lang="fr"' in french and "<h1>Dépistage</h1>" in french
    for question_id, value in ANSWERS.items():
        assert f'name="{question_id}" value="{value}" checked' in french, question_id
    assert 'name="q_debt_grows"' in french  # the section opened but not yet answered is still open
    assert 'name="postcode" value="R3C"' in french
    # Nothing kept: no new row anywhere, nothing added to the member's session.
    assert _stored_rows() == before
    session = repr(dict(client.session))
    assert not any(word in session for word in ("recruited", "job_different", "debt", "R3C")), session


@pytest.mark.django_db
@pytest.mark.usefixtures("compiled_catalogues", "language_restored")
def test_changing_language_on_the_reading_keeps_the_answers_and_stores_nothing(cast: Cast) -> None:
    client = signed_in(cast.bob)
    before = _stored_rows()
    posted = {**ANSWERS, "province": "MB", "postcode": "R3C", "do": "result"}
    page = client.post(_worker_url("en"), posted).content.decode()
    assert _language_buttons(page)[_worker_url("fr")] == ("screening", "result")
    carried = dict(re.findall(r'name="(q_\w+|province|postcode)" value="(\w+)"', _form(page, "screening")))
    assert carried == {**ANSWERS, "province": "MB", "postcode": "R3C"}
    french = client.post(_worker_url("fr"), {**carried, "do": "result"}).content.decode()
    assert '<html lang="fr"' in french and "<h1>Lecture du dépistage</h1>" in french
    assert "Tracia" in french  # still Manitoba's plan: the province came along
    assert dict(re.findall(r'name="(q_\w+)" value="(\w+)"', _form(french, "screening"))) == ANSWERS
    assert _stored_rows() == before
