"""Opening a case, from the cases page or from a screening, always records the person's consent first."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.urls import reverse

from harbour.cases.actions import (
    CaseDetails,
    ConsentGiven,
    ConsentMissing,
    case_open,
    open_case,
    open_case_from_screening,
)
from harbour.cases.models import Case, Consent
from harbour.cases.wording import WORDINGS, shown_fields, wording_in
from harbour.core.models import AuditEntry
from harbour.testing import Cast, signed_in

pytestmark = pytest.mark.django_db

ANSWERS = {"q_recruited": "yes", "q_job_different": "yes", "q_violence": "yes", "q_from_abroad": "no"}
AGREED = {"stage": "confirm", "agreed": "on", "means": "in_person", **shown_fields("open_case", "en")}


def test_a_case_opens_from_a_screening_only_with_consent_and_keeps_the_answers_encrypted(cast: Cast) -> None:
    client = signed_in(cast.bob)
    url = reverse("cases:case_from_screening")
    form = client.post(url, ANSWERS).content.decode()
    assert 'name="agreed"' in form and "checked" not in form  # nothing is ticked for the person
    assert "change your mind" in form
    refused = client.post(url, {**ANSWERS, "stage": "confirm", "categories": ["case", "screening"], "summary": "kept"})
    assert refused.status_code == 400
    assert "kept" in refused.content.decode()  # what was typed is kept
    assert Case.system_objects.count() == 0
    response = client.post(url, {**ANSWERS, **AGREED, "categories": ["case", "screening"], "summary": "x"})
    assert response.status_code == 302
    case = Case.objects.visible_to(cast.bob).get()
    assert json.loads(case.screening)["answers"] == {
        "recruited": "yes",
        "job_different": "yes",
        "violence": "yes",
        "from_abroad": "no",
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT screening FROM cases_case WHERE id = %s", [case.pk])
        raw = cursor.fetchone()[0]
    assert raw.startswith("hb2:") and "violence" not in raw
    consent = Consent.objects.visible_to(cast.bob).get()
    assert consent.case_id == case.pk and consent.recorded_by_id == cast.bob.pk
    assert consent.scopes == ["case", "screening"] and consent.purpose == "open_case"
    assert "change your mind" in consent.wording
    audited = set(AuditEntry.objects.values_list("record_type", "action"))
    assert {("cases.case", "create"), ("cases.consent", "create")} <= audited
    detail = client.get(response["Location"]).content.decode()
    assert "Screening answers kept with consent" in detail


def test_without_consent_to_keep_answers_the_case_holds_none(cast: Cast) -> None:
    signed_in(cast.alice).post(reverse("cases:case_from_screening"), {**ANSWERS, **AGREED, "categories": ["case"]})
    case = Case.objects.visible_to(cast.alice).get()
    assert case.screening is None
    assert Consent.objects.visible_to(cast.alice).get().scopes == ["case"]


def test_the_screening_result_offers_the_case_page_only_to_who_may_open_cases(cast: Cast) -> None:
    for member, offered in ((cast.bob, True), (cast.hana, False)):
        result = signed_in(member).post(reverse("screening:worker"), {**ANSWERS, "do": "result"}).content.decode()
        assert (reverse("cases:case_from_screening") in result) is offered
    refused = signed_in(cast.hana).post(
        reverse("cases:case_from_screening"), {**ANSWERS, **AGREED, "categories": "case"}
    )
    assert refused.status_code == 403


def test_the_cases_page_opens_no_case_without_a_consent_record(cast: Cast) -> None:
    client = signed_in(cast.bob)
    url = reverse("cases:case_new")
    assert client.post(url, {"stage": "confirm", "summary": "typed", "categories": ["case"]}).status_code == 400
    assert client.post(url, {**AGREED, "summary": "typed", "categories": ["needs"]}).status_code == 400
    assert Case.system_objects.count() == 0
    response = client.post(url, {**AGREED, **shown_fields("open_case", "fr"), "summary": "typed", "categories": "case"})
    assert response.status_code == 302
    consent = Consent.objects.visible_to(cast.bob).get()
    assert consent.language == "fr" and "Vous pouvez" in consent.wording


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page)
    assert found is not None, name
    return found.group(1)


def test_a_wording_not_shown_is_not_recorded_and_the_page_shows_it_to_confirm(cast: Cast) -> None:
    client = signed_in(cast.bob)
    url = reverse("cases:case_new")
    english = client.get(url).content.decode()
    assert WORDINGS["open_case"].text in english and _hidden(english, "language") == "en"
    # Shown in English, posted as French: the person never heard the French text.
    posted = {**AGREED, "language": "fr", "summary": "Needs a bed", "categories": ["case", "needs"]}
    refused = client.post(url, posted)
    assert refused.status_code == 400 and Consent.system_objects.count() == 0 == Case.system_objects.count()
    page = refused.content.decode()
    french, _ = wording_in("open_case", "fr")
    assert french.text.replace("'", "&#x27;") in page and WORDINGS["open_case"].text not in page
    assert "had not been shown the wording in this language" in page
    assert "Needs a bed" in page and page.count(" checked") == 2  # the two categories; "agreed" is not kept
    assert (_hidden(page, "language"), _hidden(page, "wording_shown")) == ("fr", french.digest)
    # Read to the person in French, agreed, recorded: the record holds the French text and its version.
    carried = {name: _hidden(page, name) for name in ("language", "wording_version", "wording_shown")}
    recorded = client.post(url, {**posted, **carried})
    assert recorded.status_code == 302
    consent = Consent.system_objects.get()
    assert (consent.language, consent.wording_version, consent.wording) == ("fr", french.version, french.text)


def test_a_link_asking_for_a_language_renders_the_wording_the_form_then_carries(cast: Cast) -> None:
    client = signed_in(cast.bob)
    page = client.get(reverse("cases:case_new"), {"language": "uk"}).content.decode()
    ukrainian, _ = wording_in("open_case", "uk")
    assert ukrainian.text.replace("'", "&#x27;") in page
    assert {name: _hidden(page, name) for name in ("language", "wording_version", "wording_shown")} == shown_fields(
        "open_case", "uk"
    )
    assert '<option value="uk" lang="uk" selected>' in page
    # An old version, or a text changed since the page was shown, is refused the same way.
    stale = {**AGREED, **shown_fields("open_case", "uk"), "categories": "case", "wording_version": "open_case-2025-1"}
    assert signed_in(cast.bob).post(reverse("cases:case_new"), stale).status_code == 400
    assert Consent.system_objects.count() == 0


def _the_one_form(page: str) -> str:
    """The page's only form in its content (the language switch is a button of the consent form itself)."""
    content = page.split("<main", 1)[1].split("</main>", 1)[0]
    assert content.count("<form") == 1, "the wording's language is chosen inside the consent form"
    return content.split("<form", 1)[1].split("</form>", 1)[0]


TYPED = {
    "alias": "Quill",
    "summary": "Needs a bed tonight",
    "categories": ["case", "contact"],
    "means": "interpreter",
    "expires_on": "2031-05-04",
}


def test_show_the_wording_in_another_language_keeps_everything_typed_and_unticks_agreed(cast: Cast) -> None:
    client = signed_in(cast.bob)
    url = reverse("cases:case_new")
    first = _the_one_form(client.get(url).content.decode())
    assert 'name="stage" value="language"' in first and 'name="show_language"' in first
    switched = client.post(url, {**AGREED, **TYPED, "stage": "language", "show_language": "es"})
    assert switched.status_code == 200 and Case.system_objects.count() == 0 == Consent.system_objects.count()
    page = switched.content.decode()
    form = _the_one_form(page)
    spanish, _ = wording_in("open_case", "es")
    assert spanish.text in page and WORDINGS["open_case"].text not in page
    assert {name: _hidden(form, name) for name in ("language", "wording_version", "wording_shown")} == shown_fields(
        "open_case", "es"
    )
    assert 'value="Quill"' in form and "Needs a bed tonight</textarea>" in form and 'value="2031-05-04"' in form
    assert '<option value="interpreter" selected>' in form and '<option value="es" lang="es" selected>' in form
    assert form.count(" checked") == 2  # the two categories; the person has not agreed to the Spanish text yet
    assert 'class="errorlist' not in form  # nothing was sent to be recorded
    carried = {name: _hidden(form, name) for name in ("language", "wording_version", "wording_shown")}
    recorded = client.post(url, {**TYPED, **carried, "stage": "confirm", "agreed": "on"})
    assert recorded.status_code == 302
    consent = Consent.system_objects.get()
    assert (consent.language, consent.wording, consent.means) == ("es", spanish.text, "interpreter")
    assert Case.objects.visible_to(cast.bob).get().alias == "Quill"


def test_asking_again_for_the_wording_already_shown_keeps_agreed(cast: Cast) -> None:
    # The Enter key in a field presses the form's first button, the language switch: nothing is lost.
    url = reverse("cases:case_new")
    again = signed_in(cast.bob).post(url, {**AGREED, **TYPED, "stage": "language", "show_language": "en"})
    form = _the_one_form(again.content.decode())
    assert again.status_code == 200 and form.count(" checked") == 3  # two categories and "agreed"
    # A strange language asked for keeps the wording that was shown (French here), not the page's language.
    for strange in ("xx", "", "../en", "fr\x00"):
        shown_in_french = {**AGREED, **shown_fields("open_case", "fr"), "stage": "language", "show_language": strange}
        page = signed_in(cast.bob).post(url, shown_in_french)
        assert page.status_code == 200 and _hidden(page.content.decode(), "language") == "fr"


def test_the_screening_page_refuses_an_alias_without_consent_to_keep_it_and_keeps_it(cast: Cast) -> None:
    url = reverse("cases:case_from_screening")
    posted = {**ANSWERS, **AGREED, "alias": "Quill", "categories": ["case", "screening"]}
    refused = signed_in(cast.bob).post(url, posted)
    assert refused.status_code == 400 and Case.system_objects.count() == 0
    page = refused.content.decode()
    assert "agrees to keep their alias" in page and 'value="Quill"' in page
    assert _the_one_form(page).count('name="q_recruited" value="yes"') == 1


def test_the_screening_page_changes_the_wording_language_in_its_form_keeping_the_answers(cast: Cast) -> None:
    url = reverse("cases:case_from_screening")
    response = signed_in(cast.bob).post(url, {**ANSWERS, **TYPED, "stage": "language", "show_language": "es"})
    assert response.status_code == 200
    page = response.content.decode()
    spanish, _ = wording_in("open_case", "es")
    form = _the_one_form(page)
    assert spanish.text in page and _hidden(form, "language") == "es" and 'value="Quill"' in form
    assert 'method="post"' in page.split("<main", 1)[1].split("<form", 1)[1].split(">", 1)[0]
    assert form.count('name="q_recruited" value="yes"') == 1  # the answers travel in the post, never in a URL
    carried = {name: _hidden(form, name) for name in ("language", "wording_version", "wording_shown")}
    confirmed = {"categories": ["case", "contact", "screening"], "stage": "confirm", "agreed": "on"}
    opened = signed_in(cast.bob).post(url, {**ANSWERS, **TYPED, **carried, **confirmed})
    assert opened.status_code == 302
    assert json.loads(Case.objects.visible_to(cast.bob).get().screening)["answers"]["recruited"] == "yes"


def test_a_referral_consent_keeps_the_organisation_chosen_across_languages(cast: Cast) -> None:
    case = open_case(
        by=cast.bob, consent=ConsentGiven("open_case", ("case", "needs")), summary="s", details=CaseDetails()
    )
    url = reverse("cases:consent_new", args=[case.reference, "refer"])
    posted = {
        **shown_fields("refer", "en"),
        "recipient": cast.prairie_clinic.pk,
        "categories": ["needs"],
        "means": "phone",
        "stage": "language",
        "show_language": "fr",
    }
    form = _the_one_form(signed_in(cast.bob).post(url, posted).content.decode())
    french, _ = wording_in("refer", "fr")
    assert _hidden(form, "wording_shown") == french.digest
    assert f'<option value="{cast.prairie_clinic.pk}" selected>' in form and form.count(" checked") == 1
    assert Consent.system_objects.filter(purpose="refer").count() == 0


def test_screening_answers_never_reach_a_case_without_consent(cast: Cast) -> None:
    with pytest.raises(ConsentMissing):
        case_open(by=cast.bob, summary="s", screening="{}")
    with pytest.raises(ConsentMissing):
        open_case_from_screening(by=cast.bob, screening="{}", consent=ConsentGiven("open_case", ("case",)))
    assert Case.system_objects.count() == 0
