"""The worker's screening: nothing stored while screening, pause and resume by code, handing the answers to cases."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from harbour.network.models import Member
from harbour.screening import catalogue
from harbour.testing import Cast

ANSWERS = {"q_recruited": "yes", "q_job_different": "yes", "q_violence": "yes", "q_from_abroad": "no"}


def _client(member: Member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def _stored_rows() -> dict[str, int]:
    """Every table's row count: screening knows no other app's models, and stores nothing in any."""
    return {model._meta.label: model._base_manager.count() for model in apps.get_models() if model._meta.managed}


@pytest.mark.django_db
def test_screening_and_its_reading_store_nothing(cast: Cast) -> None:
    client = _client(cast.bob)
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
    client = _client(cast.hana)
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
    client = _client(cast.bob)
    before = _stored_rows()
    paused = client.post(reverse("screening:worker"), {**ANSWERS, "q_debt_grows": "unknown", "do": "pause"})
    code = _code(paused.content.decode())
    assert _stored_rows() == before
    resumed = _client(cast.alice).post(reverse("screening:resume"), {"code": code}).content.decode()
    assert 'name="q_violence" value="yes" checked' in resumed
    assert 'name="q_from_abroad" value="no" checked' in resumed
    assert 'name="q_debt_grows" value="unknown" checked' in resumed  # its section reopened


@pytest.mark.django_db
def test_another_organisation_cannot_resume_a_code(cast: Cast) -> None:
    code = _code(_client(cast.bob).post(reverse("screening:worker"), {**ANSWERS, "do": "pause"}).content.decode())
    response = _client(cast.carol).post(reverse("screening:resume"), {"code": code})
    assert response.status_code == 400
    assert "cannot be opened" in response.content.decode()
    assert code in response.content.decode()  # what was typed is kept


@pytest.mark.django_db
def test_liaison_and_researcher_cannot_screen(cast: Cast) -> None:
    for member in (cast.lee, cast.rhea, cast.cora):
        assert _client(member).post(reverse("screening:worker"), {**ANSWERS, "do": "result"}).status_code == 403


@pytest.mark.django_db
def test_every_question_of_every_section_can_be_skipped(cast: Cast) -> None:
    page = _client(cast.bob).post(reverse("screening:worker"), {"do": "all"}).content.decode()
    for question in catalogue.load().questions:
        for value in ("", "yes", "no", "unknown", "declined"):
            checked = " checked" if value == "" else ""
            assert f'name="q_{question.id}" value="{value}"{checked}>' in page, (question.id, value)
    skipped = _client(cast.bob).post(reverse("screening:worker"), {"do": "result"})
    assert skipped.status_code == 200


@pytest.mark.django_db
def test_the_panel_shows_the_answers_behind_each_279_04_2_factor(cast: Cast) -> None:
    answers = {"q_conditions_worse": "yes", "q_fear_if_stop": "no", "do": "result"}
    page = _client(cast.bob).post(reverse("screening:worker"), answers).content.decode()
    factor = re.search(r"Deception <span class=\"help\">\(s\. 279\.04\(2\)\(b\)\)</span>\s*<ul>(.*?)</ul>", page)
    assert factor, page
    assert factor.group(1) == "<li>Are the pay, the hours or the conditions worse than you were promised?: Yes</li>"


@pytest.mark.django_db
def test_a_workers_services_nearby_lead_to_the_members_directory_with_confidential_addresses(cast: Cast) -> None:
    page = _client(cast.bob).post(
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
    html = _client(cast.hana).post(reverse("screening:worker"), {"do": "result"}).content.decode()
    assert f'href="{reverse("directory:member_search")}"' in html
    assert f'href="{reverse("directory:search")}"' not in html
