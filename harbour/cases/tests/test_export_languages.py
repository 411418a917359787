"""The person's printable copy shows no English heading or label in any of Harbour's other nine languages."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation

from harbour.cases import actions
from harbour.cases.models import AgeGroup, Case, Category, Consent, Exploitation, Gender, Milestone, Need, Referral
from harbour.core.reference import Province
from harbour.testing import Cast, signed_in

pytestmark = pytest.mark.django_db

OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]

# The copy's own sentences and headings, as far as they are English words (values are filled in around them).
TEMPLATE_TEXT = (
    "holds about you",
    "Your case is",
    "It was opened on",
    "It was closed on",
    "This is everything the organisation keeps about you",
    "Your legal name is not kept",
    "About you",
    "Your situation and needs",
    "Your safety plan",
    "Your answers to the screening questions",
    "What you agreed to",
    "Given on",
    "You withdrew it on",
    "It ends on",
    "It covers:",
    "Where your case was referred",
    ", for ",
    "Permits, health coverage and claims",
    "expires on",
    "What the organisation planned to do",
    "(done)",
    "Notes the workers wrote",
)
PROFILE_FIELDS = (
    "alias",
    "contact",
    "birth_year",
    "age_group",
    "gender",
    "languages",
    "country_of_origin",
    "province",
    "exploitation",
    "sector",
    "needs",
)
# A translation may rightly be the English word.
SAME_AS_ENGLISH = {"es": {"Alias", "Sector"}, "fr": {"Immigration"}}


def _english_labels() -> list[str]:
    with translation.override("en"):
        labels = []
        for name in PROFILE_FIELDS:
            field = Case._meta.get_field(name)
            assert isinstance(field, models.Field)
            labels.append(str(field.verbose_name).capitalize())
        for choices in (
            Gender,
            AgeGroup,
            Exploitation,
            Need,
            Category,
            Case.Closure,
            Consent.Purpose,
            Consent.Means,
            Referral.State,
            Milestone.Kind,
            Province,
        ):
            labels += [str(label) for label in choices.labels]
        return [*labels, "Yes"]


def _full_case(cast: Cast) -> tuple[Case, Referral]:
    later = timezone.now() + timedelta(days=90)
    case = actions.open_case(
        by=cast.bob,
        consent=actions.ConsentGiven("open_case", tuple(Category.values), means="interpreter"),
        summary="42",
        screening=json.dumps({"answers": {"under_18": "yes"}}),
        details=actions.CaseDetails(
            alias="R. 7",
            contact="+1 555 0100",
            birth_year=1990,
            languages=("es",),
            country_of_origin="MX",
            province="NL",
            exploitation=tuple(Exploitation.values),
            sector="1",
            needs=tuple(Need.values),
            safety_plan="555 0199",
        ),
    )
    for purpose, categories, means in (
        ("contact", ("contact", "safety_plan"), "phone"),
        ("statistics", ("exploitation", "screening", "protection"), "written"),
    ):
        given = actions.ConsentGiven(purpose, categories, means=means, expires_at=later)
        actions.record_consent(by=cast.bob, case=case, given=given)
    actions.record_consent(
        by=cast.bob,
        case=case,
        given=actions.ConsentGiven("refer", ("case",), means="report_thread", recipient_id=cast.prairie_clinic.pk),
    )
    withdrawn = actions.record_consent(by=cast.bob, case=case, given=actions.ConsentGiven("contact", ("contact",)))
    actions.withdraw_consent(by=cast.bob, consent=withdrawn)
    referral = actions.refer_case(
        by=cast.bob, case=case, recipient=cast.prairie_clinic, need="legal", categories=["case"]
    )
    for kind in Milestone.Kind.values:
        actions.milestone_add(
            by=cast.bob, case=case, kind=kind, happened_on=date(2026, 3, 1), expires_on=date(2026, 9, 1)
        )
    task = actions.task_add(by=cast.bob, case=case, title="3", due_on=date(2030, 1, 2), owner=cast.bob)
    actions.task_done(by=cast.bob, task=task)
    actions.note_add(by=cast.bob, case=case, text="4")
    actions.case_close(by=cast.bob, case=case, reason="goals_met")
    return case, referral


def _document(page: str) -> str:
    start = page.index('<article class="case-document"')
    return page[start : page.index("</article>", start)]


def _english_left(document: str, language: str) -> list[str]:
    # The consent's own words are kept as the person heard them, in the language recorded with them.
    text = re.sub(r"<blockquote.*?</blockquote>", "", document, flags=re.DOTALL)
    text = text.replace("&#x27;", "'")
    allowed = SAME_AS_ENGLISH.get(language, set())
    found = [english for english in TEMPLATE_TEXT if english in text]
    found += [
        label
        for label in _english_labels()
        if label not in allowed and re.search(rf"(?<!\w){re.escape(label)}(?!\w)", text)
    ]
    return found


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_the_printable_copy_has_no_english_heading_or_label(cast: Cast, language: str) -> None:
    case, referral = _full_case(cast)
    client = signed_in(cast.bob)
    url = reverse("cases:case_print", args=[case.reference])
    # Each render shows one gender, age group, reason for closing and referral state: go through them all.
    genders, ages, closures, states = Gender.values, AgeGroup.values, Case.Closure.values, Referral.State.values
    for turn in range(max(len(genders), len(ages), len(closures), len(states))):
        Case.system_objects.filter(pk=case.pk).update(
            gender=genders[turn % len(genders)],
            age_group=ages[turn % len(ages)],
            closure_reason=closures[turn % len(closures)],
        )
        Referral.system_objects.filter(pk=referral.pk).update(state=states[turn % len(states)])
        page = client.get(url, {"language": language}).content.decode()
        document = _document(page)
        assert document.startswith(f'<article class="case-document" lang="{language}"')
        # Every part of the copy is there, so that each heading was rendered.
        assert document.count("<h2>") == 9 and document.count('<section class="consent">') == 5
        assert _english_left(document, language) == [], language


def test_the_check_finds_english_when_a_label_is_not_translated(cast: Cast) -> None:
    case, _referral = _full_case(cast)
    client = signed_in(cast.bob)
    page = client.get(reverse("cases:case_print", args=[case.reference]), {"language": "en"}).content.decode()
    left = _english_left(_document(page), "en")
    assert {"About you", "Legal help", "Refugee claim", "Newfoundland and Labrador", "Given on", "Yes"} <= set(left)
