"""The person's own copy: a printable page of everything held, in their language, and the JSON."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.urls import reverse

from harbour.cases import actions
from harbour.cases.models import Case
from harbour.core.models import AuditEntry
from harbour.testing import Cast, signed_in

pytestmark = pytest.mark.django_db


def _full_case(cast: Cast, languages: tuple[str, ...] = ("fr",)) -> Case:
    case = actions.open_case(
        by=cast.bob,
        consent=actions.ConsentGiven(
            "open_case", ("case", "contact", "needs", "profile", "safety_plan"), language="fr"
        ),
        summary="Cherche un avocat",
        details=actions.CaseDetails(
            alias="Soleil", contact="+1 555 0100", languages=languages, needs=("legal",), safety_plan="Appeler Ana"
        ),
    )
    actions.note_add(by=cast.bob, case=case, text="Préfère le matin")
    actions.task_add(by=cast.bob, case=case, title="Réserver l'interprète", due_on=date(2030, 1, 2), owner=cast.bob)
    actions.milestone_add(
        by=cast.bob, case=case, kind="trp_issued", happened_on=date(2026, 3, 1), expires_on=date(2026, 9, 1)
    )
    actions.record_consent(
        by=cast.bob, case=case, given=actions.ConsentGiven("refer", ("case",), recipient_id=cast.prairie_clinic.pk)
    )
    actions.refer_case(by=cast.bob, case=case, recipient=cast.prairie_clinic, need="legal", categories=["case"])
    return case


def test_the_printable_page_holds_everything_in_the_persons_language(cast: Cast) -> None:
    case = _full_case(cast)
    response = signed_in(cast.bob).get(reverse("cases:case_print", args=[case.reference]))
    assert response.status_code == 200
    page = response.content.decode()
    document = page[page.index('<article class="case-document"') :]
    assert document.startswith('<article class="case-document" lang="fr"')
    assert "Ce que Harbour House garde à votre sujet" in document
    for held in ("Soleil", "+1 555 0100", "Cherche un avocat", "Appeler Ana", "Préfère le matin", "2030-01-02"):
        assert held in document, held
    assert "Réserver l&#x27;interprète" in document
    assert "Permis de séjour temporaire" in document and "2026-09-01" in document
    assert "Prairie Legal Clinic" in document
    # The consent, in the words the person heard.
    assert "Vous pouvez choisir" in document
    # The worker's own parts of the page stay in the worker's language.
    assert "Back to case" in page and 'lang="en"' in page
    assert AuditEntry.objects.filter(record_type="cases.case", action=AuditEntry.Action.EXPORT).count() == 1


def test_another_language_can_be_chosen_and_a_strange_one_is_ignored(cast: Cast) -> None:
    case = _full_case(cast, languages=("ko",))
    client = signed_in(cast.bob)
    url = reverse("cases:case_print", args=[case.reference])
    page = client.get(url).content.decode()
    assert '<article class="case-document" lang="en"' in page
    assert "The case names none of Harbour's languages" in page
    assert '<article class="case-document" lang="fr"' in client.get(url, {"language": "fr"}).content.decode()
    for strange in ("xx", "../fr", "", "\x00"):
        response = client.get(url, {"language": strange})
        assert response.status_code == 200 and '<article class="case-document" lang="en"' in response.content.decode()


def test_a_case_in_a_right_to_left_language_prints_right_to_left(cast: Cast) -> None:
    case = _full_case(cast, languages=("ko", "ar"))
    page = signed_in(cast.bob).get(reverse("cases:case_print", args=[case.reference])).content.decode()
    assert '<article class="case-document" lang="ar" dir="rtl">' in page


def test_the_json_holds_tasks_the_protection_path_referrals_and_the_closure(cast: Cast) -> None:
    case = _full_case(cast)
    actions.case_close(by=cast.bob, case=case, reason="referred")
    document = json.loads(signed_in(cast.bob).get(reverse("cases:case_export", args=[case.reference])).content)
    assert document["notes"] == ["Préfère le matin"]
    assert document["tasks"] == [{"what": "Réserver l'interprète", "due_on": "2030-01-02", "done_at": None}]
    assert document["protection_path"] == [{"step": "trp_issued", "on": "2026-03-01", "expires_on": "2026-09-01"}]
    assert document["referrals"][0]["recipient"] == "Prairie Legal Clinic"
    assert document["case"]["closure_reason"] == "referred" and document["case"]["alias"] == "Soleil"


def test_nobody_outside_the_cases_writers_prints_it(cast: Cast) -> None:
    case = _full_case(cast)
    url = reverse("cases:case_print", args=[case.reference])
    for member in (cast.carol, cast.omar, cast.lee, cast.rhea, cast.cora, cast.hana):
        response = signed_in(member).get(url)
        assert response.status_code in (403, 404), member.email
        assert "Soleil" not in response.content.decode()
