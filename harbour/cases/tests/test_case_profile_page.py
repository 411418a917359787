"""The case's profile (alias, contact, age, origin, exploitation, needs, safety plan) is set on its page, encrypted."""

from __future__ import annotations

import html
import re
from dataclasses import replace

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from harbour.cases import actions
from harbour.cases.models import Case, Category, Consent
from harbour.cases.wording import shown_fields
from harbour.core.models import AuditEntry
from harbour.testing import AssertNumQueries, Cast, queries_of_page, raw_column, signed_in

pytestmark = pytest.mark.django_db

# Invented words no other row could hold, so finding them raw means plain text reached the database.
TYPED = {
    "alias": "Quorvantha",
    "contact": "Brindlemoor text line 613-555-0147, after six",
    "safety_plan": "Glimmerhaven library, side door, code word blue",
    "summary": "Works at a farm, papers held by the employer",
}
PROFILE: dict[str, str | list[str]] = {
    **TYPED,
    "birth_year": "1990",
    "age_group": "25-39",
    "gender": "woman",
    "languages": ["tl", "en"],
    "country_of_origin": "ph",
    "province": "MB",
    "exploitation": ["labour", "forced_marriage"],
    "sector": "agriculture",
    "needs": ["housing", "immigration", "family"],
}


def _ticked(page: str, name: str, value: str) -> bool:
    return re.search(rf'name="{name}" value="{value}"[^>]*\bchecked\b', page) is not None


def _case(cast: Cast) -> Case:
    return actions.open_case(
        by=cast.bob, consent=actions.ConsentGiven("open_case", tuple(Category.values)), summary="First words"
    )


def _detail(case: Case) -> str:
    return reverse("cases:case_detail", args=[case.reference])


def _edit(case: Case) -> str:
    return reverse("cases:case_edit", args=[case.reference])


def test_a_worker_sets_every_field_and_the_case_page_shows_them(cast: Cast) -> None:
    case = _case(cast)
    bob = signed_in(cast.bob)
    response = bob.post(_edit(case), PROFILE)
    assert response.status_code == 302 and response["Location"] == _detail(case)
    page = html.unescape(bob.get(_detail(case)).content.decode())
    for shown in (
        TYPED["alias"],
        TYPED["contact"],
        "1990",
        "25 to 39",
        "Woman",
        "Tagalog",
        "English",
        "PH",
        "Manitoba",
        "Labour exploitation",
        "Forced marriage",
        "Agriculture",
        "Housing",
        "Immigration",
        "Family contact or return",
        TYPED["safety_plan"],
        TYPED["summary"],
    ):
        assert shown in page, shown
    case.refresh_from_db()
    assert case.language_codes == ["en", "tl"] and case.exploitation_codes == ["forced_marriage", "labour"]
    assert case.need_codes == ["family", "housing", "immigration"]
    assert (case.birth_year, case.age_group, case.gender) == (1990, "25-39", "woman")
    assert (case.country_of_origin, case.province, case.sector) == ("PH", "MB", "agriculture")
    assert AuditEntry.objects.filter(record_type="cases.case", action=AuditEntry.Action.UPDATE).count() == 1


def test_the_form_is_filled_with_what_the_case_holds(cast: Cast) -> None:
    case = _case(cast)
    bob = signed_in(cast.bob)
    bob.post(_edit(case), PROFILE)
    form = html.unescape(bob.get(_edit(case)).content.decode())
    assert f'value="{TYPED["alias"]}"' in form and 'value="1990"' in form and 'value="PH"' in form
    assert TYPED["contact"] in form and TYPED["safety_plan"] in form
    for name, value in (("needs", "family"), ("exploitation", "labour"), ("languages", "tl")):
        assert _ticked(form, name, value), (name, value)
    assert not _ticked(form, "needs", "health") and not _ticked(form, "exploitation", "sexual")
    assert '<option value="MB" selected>' in form and '<option value="agriculture" selected>' in form


def test_the_database_holds_ciphertext_not_what_was_typed(cast: Cast) -> None:
    case = _case(cast)
    signed_in(cast.bob).post(_edit(case), PROFILE)
    for column, typed in TYPED.items():
        stored = raw_column("cases_case", column, case.pk)
        assert stored and typed not in stored, column
        assert typed.split()[0].rstrip(",") not in stored, column
    # Codes, not free text, are what stays in the clear: they are what statistics count.
    assert raw_column("cases_case", "needs", case.pk) == "family,housing,immigration"


@pytest.mark.parametrize("year", ["19x7", "3000", "1850"])
def test_a_bad_year_is_refused_in_french_and_everything_typed_is_kept(cast: Cast, year: str) -> None:
    case = _case(cast)
    with translation.override("fr"):
        url = _edit(case)
    assert url.startswith("/fr/")
    response = signed_in(cast.bob).post(url, {**PROFILE, "birth_year": year})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    latest = timezone.localdate().year
    assert f"Écrivez l'année de naissance en quatre chiffres, de 1900 à {latest}, ou laissez-la vide." in page
    assert f'value="{year}"' in page and f'value="{TYPED["alias"]}"' in page
    assert TYPED["contact"] in page and TYPED["safety_plan"] in page and TYPED["summary"] in page
    assert _ticked(page, "exploitation", "forced_marriage") and _ticked(page, "needs", "family")
    assert not _ticked(page, "needs", "health")
    assert '<option value="MB" selected>' in page
    case.refresh_from_db()
    assert case.alias == "" and case.birth_year is None and case.summary == "First words"


def test_an_age_group_that_does_not_fit_the_year_is_refused(cast: Cast) -> None:
    case = _case(cast)
    young = timezone.localdate().year - 20
    response = signed_in(cast.bob).post(_edit(case), {**PROFILE, "birth_year": str(young), "age_group": "60+"})
    assert response.status_code == 400
    assert "This age group does not fit the year of birth." in html.unescape(response.content.decode())
    # Either alone is fine, and a year near a group's edge fits it (the birthday is not known).
    ok = signed_in(cast.bob).post(_edit(case), {**PROFILE, "birth_year": str(young), "age_group": "18-24"})
    assert ok.status_code == 302
    edge = signed_in(cast.bob).post(_edit(case), {**PROFILE, "birth_year": str(young - 5), "age_group": "25-39"})
    assert edge.status_code == 302


def test_a_country_must_be_a_two_letter_code(cast: Cast) -> None:
    case = _case(cast)
    with translation.override("fr"):
        url = _edit(case)
    response = signed_in(cast.bob).post(url, {**PROFILE, "country_of_origin": "M1"})
    assert response.status_code == 400
    assert "Écrivez le pays par son code de deux lettres" in html.unescape(response.content.decode())


def test_a_hotline_operator_reads_the_profile_but_cannot_change_it(cast: Cast) -> None:
    case = _case(cast)
    signed_in(cast.bob).post(_edit(case), PROFILE)
    hana = signed_in(cast.hana)
    page = html.unescape(hana.get(_detail(case)).content.decode())
    assert TYPED["alias"] in page and TYPED["safety_plan"] in page
    assert _edit(case) not in page
    assert hana.get(_edit(case)).status_code == 403
    assert hana.post(_edit(case), {**PROFILE, "alias": "Changed"}).status_code == 403
    case.refresh_from_db()
    assert case.alias == TYPED["alias"]


def test_another_organisation_sees_nothing_of_the_profile(cast: Cast) -> None:
    case = _case(cast)
    signed_in(cast.bob).post(_edit(case), PROFILE)
    response = signed_in(cast.carol).get(_detail(case))
    assert response.status_code == 404
    assert TYPED["alias"] not in response.content.decode()


def test_a_case_opens_with_an_alias(cast: Cast) -> None:
    client = signed_in(cast.bob)
    agreed = {
        "stage": "confirm", "agreed": "on", "means": "in_person", "categories": ["case"],
        **shown_fields("open_case", "en"),
    }  # fmt: skip
    # An alias without the person's consent to keep it is refused, and what was typed stays.
    refused = client.post(reverse("cases:case_new"), {**agreed, "alias": " Quorvantha ", "summary": "x"})
    assert refused.status_code == 400 and Case.system_objects.count() == 0
    assert "agrees to keep their alias" in refused.content.decode() and "Quorvantha" in refused.content.decode()
    agreed["categories"] = ["case", "contact"]
    response = client.post(reverse("cases:case_new"), {**agreed, "alias": " Quorvantha ", "summary": "x"})
    assert response.status_code == 302
    case = Case.objects.visible_to(cast.bob).get()
    assert case.alias == "Quorvantha"
    assert "Quorvantha" not in raw_column("cases_case", "alias", case.pk)
    assert "Quorvantha" in client.get(_detail(case)).content.decode()


def test_a_case_without_a_profile_says_so(cast: Cast) -> None:
    case = _case(cast)
    page = signed_in(cast.bob).get(_detail(case)).content.decode()
    assert "Nothing recorded about the person yet" in page
    assert _edit(case) in page


def test_the_case_page_makes_as_many_queries_with_a_full_profile_as_with_none(
    cast: Cast, django_assert_num_queries: AssertNumQueries
) -> None:
    case = _case(cast)
    bob = signed_in(cast.bob)
    empty = queries_of_page(bob, _detail(case))
    bob.post(_edit(case), PROFILE)
    with django_assert_num_queries(empty):
        page = bob.get(_detail(case)).content.decode()
    assert TYPED["alias"] in page


def test_a_closed_case_keeps_its_profile_as_it_was(cast: Cast) -> None:
    case = _case(cast)
    bob = signed_in(cast.bob)
    bob.post(_edit(case), PROFILE)
    actions.case_close(by=cast.bob, case=case, reason="goals_met")
    for response in (bob.get(_edit(case)), bob.post(_edit(case), {**PROFILE, "alias": "Changed after closing"})):
        assert response.status_code == 302 and response["Location"] == _detail(case)
    page = html.unescape(bob.get(_detail(case)).content.decode())
    assert "is closed: nothing more can be added" in page
    assert TYPED["alias"] in page and "Changed after closing" not in page


def _narrow_case(cast: Cast, categories: tuple[str, ...] = ("case", "contact")) -> Case:
    return actions.open_case(by=cast.bob, consent=actions.ConsentGiven("open_case", categories), summary="First words")


def _fields(page: str) -> set[str]:
    form = page.split("<main", 1)[1].split('<form method="post"', 1)[1].split("</form>", 1)[0]
    return set(re.findall(r'name="([a-z_]+)"', form)) - {"csrfmiddlewaretoken"}


def test_the_profile_offers_only_what_the_persons_consent_to_keep_covers(cast: Cast) -> None:
    case = _narrow_case(cast)
    bob = signed_in(cast.bob)
    page = html.unescape(bob.get(_edit(case)).content.decode())
    assert _fields(page) == {"alias", "contact", "summary"}
    assert "Their consent in force does not cover:" in page and "The safety plan" in page
    assert "Alias and contact details" not in page  # covered, so not listed as missing
    wider = reverse("cases:consent_new", args=[case.reference, "open_case"])
    assert wider in page
    # A post with fields the consent does not cover (a page from before, a forged post) is refused, saving nothing.
    forged = bob.post(_edit(case), PROFILE)
    assert forged.status_code == 400 and "nothing was saved" in html.unescape(forged.content.decode())
    case.refresh_from_db()
    nothing_kept: tuple[object, ...] = ("", "", "unknown", [], None)
    assert (case.alias, case.safety_plan, case.gender, case.need_codes, case.birth_year) == nothing_kept
    offered_only = {name: TYPED[name] for name in ("alias", "contact", "summary")}
    assert bob.post(_edit(case), offered_only).status_code == 302
    case.refresh_from_db()
    assert case.alias == TYPED["alias"] and case.contact == TYPED["contact"] and case.summary == TYPED["summary"]
    # The person agrees to keep more: the page then offers it.
    recorded = bob.post(
        wider, {**shown_fields("open_case", "en"), "agreed": "on", "means": "in_person", "categories": ["safety_plan"]}
    )
    assert recorded.status_code == 302
    offered = _fields(bob.get(_edit(case)).content.decode())
    assert offered == {"alias", "contact", "summary", "safety_plan"}
    assert bob.post(_edit(case), {**offered_only, "safety_plan": TYPED["safety_plan"]}).status_code == 302
    case.refresh_from_db()
    assert case.safety_plan == TYPED["safety_plan"] and case.gender == "unknown"


def test_once_the_consent_to_keep_has_ended_what_the_case_holds_can_only_be_removed(cast: Cast) -> None:
    case = _narrow_case(cast, ("case", "contact", "profile"))
    bob = signed_in(cast.bob)
    held = actions.CaseDetails(alias=TYPED["alias"], contact=TYPED["contact"], gender="man", languages=("tl",))
    actions.case_update(by=cast.bob, case=case, summary=TYPED["summary"], details=held)
    actions.withdraw_consent(by=cast.bob, consent=Consent.objects.visible_to(cast.bob).get(case=case))
    page = html.unescape(bob.get(_edit(case)).content.decode())
    assert _fields(page) == {"remove"} and "Alias and contact details" in page
    assert 'value="contact"' in page and 'value="profile"' in page and 'value="safety_plan"' not in page  # held only
    # A page opened before the withdrawal posts the old fields: refused with the reason, nothing saved.
    later = {**PROFILE, "alias": "Other", "gender": "woman", "summary": "Later"}
    refused = bob.post(_edit(case), later)
    assert refused.status_code == 400
    said = html.unescape(refused.content.decode())
    assert "The person's consent no longer covers: A case record with a reference, not a name;" in said
    assert "Alias and contact details" in said and "nothing was saved" in said
    case.refresh_from_db()
    assert (case.alias, case.gender, case.summary) == (TYPED["alias"], "man", TYPED["summary"])
    # Removing needs no consent: the worker empties what the person no longer agrees to keep.
    assert bob.post(_edit(case), {"remove": ["contact", "profile"]}).status_code == 302
    case.refresh_from_db()
    removed = (case.alias, case.contact, case.gender, case.birth_year, case.language_codes)
    assert removed == ("", "", "unknown", None, [])
    assert case.summary == TYPED["summary"]  # not asked to be removed, not changed
    assert _fields(bob.get(_edit(case)).content.decode()) == set()


def test_a_consent_that_ends_while_the_page_is_open_loses_nothing_silently(cast: Cast) -> None:
    case = _narrow_case(cast, ("case", "contact", "safety_plan"))
    bob = signed_in(cast.bob)
    assert "safety_plan" in _fields(bob.get(_edit(case)).content.decode())
    narrower = actions.record_consent(
        by=cast.bob, case=case, given=actions.ConsentGiven("open_case", ("case", "contact"))
    )
    assert narrower.pk
    old = Consent.objects.visible_to(cast.bob).filter(case=case).exclude(pk=narrower.pk).get()
    actions.withdraw_consent(by=cast.bob, consent=old)
    typed = {"alias": "Sun", "contact": "", "summary": "Still needs a bed", "safety_plan": "Side door"}
    refused = bob.post(_edit(case), typed)
    assert refused.status_code == 400
    page = html.unescape(refused.content.decode())
    assert "The person's consent no longer covers: The safety plan." in page
    assert 'value="Sun"' in page and "Still needs a bed" in page and "Side door" not in page
    case.refresh_from_db()
    assert (case.alias, case.safety_plan, case.summary) == ("", "", "First words")


def test_the_actions_refuse_to_keep_what_no_consent_covers(cast: Cast) -> None:
    with pytest.raises(actions.ConsentMissing):
        actions.open_case(
            by=cast.bob,
            consent=actions.CASE_CONSENT,
            summary="s",
            details=actions.CaseDetails(safety_plan="Meet at the library"),
        )
    assert Case.system_objects.count() == 0
    case = _narrow_case(cast)
    kept = actions.CaseDetails(alias="Sun", contact="+1 555 0100")
    actions.case_update(by=cast.bob, case=case, details=kept)
    with pytest.raises(actions.ConsentMissing):
        actions.case_update(by=cast.bob, case=case, details=replace(kept, needs=("housing",)))
    case.refresh_from_db()
    assert case.need_codes == [] and case.alias == "Sun"
    # Emptying a field needs no consent; a summary needs the consent to keep the case.
    actions.withdraw_consent(by=cast.bob, consent=Consent.objects.visible_to(cast.bob).get(case=case))
    actions.case_update(by=cast.bob, case=case, details=replace(kept, alias=""))
    with pytest.raises(actions.ConsentMissing):
        actions.case_update(by=cast.bob, case=case, summary="Something new")
    case.refresh_from_db()
    assert (case.alias, case.contact, case.summary) == ("", "+1 555 0100", "First words")
