"""The hotline console and its call log: nothing that names or reaches a caller is ever kept."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from harbour.core.models import AuditEntry
from harbour.directory import places
from harbour.directory.tests.factories import service_make
from harbour.respond import actions
from harbour.respond.forms import read_out_fingerprint, refuse_contact_details
from harbour.respond.models import Call, Plan
from harbour.respond.stats import call_counts
from harbour.respond.tests.factories import group_make, plan_make
from harbour.testing import Cast, signed_in

pytestmark = pytest.mark.django_db


def _call(**overrides: str) -> dict[str, str]:
    data = {
        "call-province": "ON",
        "call-working_group": "",
        "call-language": "es",
        "call-topic": "labour",
        "call-interpreter": "on",
        "call-outcome": "referred",
        "call-referral_made": "on",
        "call-note": "",
    }
    data.update({f"call-{key}": value for key, value in overrides.items()})
    return data


def test_the_console_shows_the_script_the_search_and_the_regions_plan(cast: Cast):
    group = group_make("Toronto", city="Toronto", province="ON", organisations=[cast.harbour_house])
    plan_make(group=group, by=cast.alice)
    service_make(name="Harbour safe beds", needs=["shelter"], point=places.Point(43.6426, -79.3871))
    page = signed_in(cast.hana).get(reverse("respond:console"), {"need": "safe place", "place": "M5V"}).content.decode()
    assert "I will not call the police or immigration" in page
    assert "Harbour safe beds" in page
    assert "Shelter intake line" in page  # the plan of the operator's own region
    assert reverse("screening:worker") in page
    assert 'action="#search" class="quick-search"' in page  # a search comes back to the console's search part
    for key in ('accesskey="s"', 'accesskey="p"', 'accesskey="l"', 'accesskey="k"', 'accesskey="n"'):
        assert key in page


def test_the_operator_chooses_another_region(cast: Cast):
    plan_make(
        group=group_make("Toronto", city="Toronto", province="ON", organisations=[cast.harbour_house]), by=cast.alice
    )
    winnipeg = group_make("Winnipeg", city="Winnipeg", province="MB", organisations=[cast.prairie_clinic])
    plan_make(
        group=winnipeg,
        by=cast.cora,
        title="Winnipeg plan",
        steps=[actions.StepText(who="Prairie night line")],
    )
    page = signed_in(cast.hana).get(reverse("respond:console"), {"region": winnipeg.pk}).content.decode()
    assert "Prairie night line" in page and "Shelter intake line" not in page


def test_a_call_is_logged_at_its_hour_without_name_number_or_operator(cast: Cast):
    response = signed_in(cast.hana).post(reverse("respond:call_new"), _call(note="Caller works on a farm"))
    assert response.status_code == 302
    call = Call.objects.visible_to(cast.hana).get()
    assert (call.hour.minute, call.hour.second, call.hour.microsecond) == (0, 0, 0)
    assert timezone.now() - call.hour < datetime.timedelta(hours=1)
    assert (call.language, call.topic, call.outcome) == ("es", "labour", "referred")
    assert call.interpreter and call.referral_made
    assert {field.name for field in Call._meta.fields} == {
        "id",
        "organisation",
        "hour",
        "province",
        "working_group",
        "language",
        "topic",
        "interpreter",
        "outcome",
        "referral_made",
        "note",
    }
    # The note is encrypted at rest.
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM respond_call")
        (stored,) = cursor.fetchone()
    assert "farm" not in stored


@pytest.mark.parametrize(
    "note",
    [
        "call her back at 416-555-0199",
        "(416) 555 0199",
        "+1 416 555 0199",
        "4165550199",
        "write to maria@example.com",
        "maria at example dot com",
        "maria (at) example (dot) org",
    ],
)
def test_the_call_log_refuses_anything_shaped_like_a_phone_number_or_an_email_address(cast: Cast, note: str):
    response = signed_in(cast.hana).post(reverse("respond:call_new"), _call(note=note))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Leave out" in page
    assert not Call.objects.visible_to(cast.hana).exists()
    # What was typed comes back, so the operator can take the number out and save.
    assert "Labour exploitation" in page and 'value="es" selected' in page


@pytest.mark.parametrize("note", ["Works 7 days a week, 12 hours a day", "Two children, aged 4 and 9", "Paid $300"])
def test_ordinary_numbers_in_a_note_are_kept(note: str):
    refuse_contact_details(note)  # raises nothing


def test_the_call_log_lists_the_organisations_calls_only_and_audits_the_listing(cast: Cast):
    actions.call_log(
        by=cast.hana,
        facts=actions.CallFacts(
            province="ON",
            working_group=None,
            language="tl",
            topic="housing",
            interpreter=False,
            outcome="information",
            referral_made=False,
            note="first call",
        ),
    )
    actions.call_log(
        by=cast.carol,
        facts=actions.CallFacts(
            province="MB",
            working_group=None,
            language="fr",
            topic="rights",
            interpreter=False,
            outcome="information",
            referral_made=False,
            note="other organisation",
        ),
    )
    page = signed_in(cast.alice).get(reverse("respond:call_list")).content.decode()
    assert "first call" in page and "Tagalog" in page
    assert "other organisation" not in page
    assert AuditEntry.objects.filter(actor=cast.alice, record_type="respond.call", action="list").exists()


def test_liaisons_and_researchers_reach_no_call_and_no_console(cast: Cast):
    actions.call_log(
        by=cast.hana,
        facts=actions.CallFacts(
            province="ON",
            working_group=None,
            language="en",
            topic="labour",
            interpreter=False,
            outcome="information",
            referral_made=False,
            note="secret",
        ),
    )
    for member in (cast.lee, cast.rhea, cast.cora):
        client = signed_in(member)
        for name in ("respond:call_list", "respond:console"):
            response = client.get(reverse(name))
            assert response.status_code == 403
            assert b"secret" not in response.content
        assert client.post(reverse("respond:call_new"), _call()).status_code == 403
        assert not Call.objects.visible_to(member).exists()
    assert Call.objects.visible_to(cast.hana).count() == 1


def test_call_counts_are_counts_only(cast: Cast):
    for language, topic in (("es", "labour"), ("es", "labour"), ("tl", "housing")):
        facts = actions.CallFacts(
            province="ON",
            working_group=None,
            language=language,
            topic=topic,
            interpreter=True,
            outcome="referred",
            referral_made=True,
            note="x",
        )
        actions.call_log(by=cast.hana, facts=facts)
    now = timezone.now()
    since, until = now - datetime.timedelta(days=1), now + datetime.timedelta(hours=1)
    assert call_counts(since=since, until=until) == [{"calls": 3}]
    assert call_counts(since=since, until=until, by=["language", "topic"]) == [
        {"language": "es", "topic": "labour", "calls": 2},
        {"language": "tl", "topic": "housing", "calls": 1},
    ]
    with pytest.raises(ValueError):
        call_counts(since=since, until=until, by=["note"])
    with pytest.raises(ValueError):
        call_counts(since=since, until=until, by=["organisation"])
    earlier = now - datetime.timedelta(days=3)
    assert call_counts(since=earlier, until=earlier + datetime.timedelta(days=1)) == [{"calls": 0}]


def test_the_console_reads_a_fixed_number_of_queries(cast: Cast, django_assert_num_queries):
    group = group_make("Toronto", city="Toronto", province="ON", organisations=[cast.harbour_house])
    plan_make(group=group, by=cast.alice, steps=[actions.StepText(who=f"Step {n}") for n in range(3)])
    client = signed_in(cast.hana)
    client.get(reverse("respond:console"))
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("respond:console"))
    actions.plan_save(
        by=cast.alice,
        plan=Plan.objects.get(working_group=group),
        owner=cast.alice,
        text=actions.PlanText(title="More", steps=tuple(actions.StepText(who=f"Step {n}") for n in range(12))),
    )
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("respond:console"))


def test_calls_are_forgotten_after_the_retention_period(cast: Cast, settings):
    from harbour.core import retention

    settings.HARBOUR_CALL_LOG_DAYS = 730
    facts = actions.CallFacts(
        province="ON",
        working_group=None,
        language="en",
        topic="labour",
        interpreter=False,
        outcome="information",
        referral_made=False,
    )
    old = actions.call_log(by=cast.hana, facts=facts, at=timezone.now() - datetime.timedelta(days=731))
    recent = actions.call_log(by=cast.hana, facts=facts, at=timezone.now() - datetime.timedelta(days=729))
    outcomes = {outcome.name: outcome for outcome in retention.run()}
    assert outcomes["respond: hotline calls"].count == 1
    assert list(Call.system_objects.values_list("pk", flat=True)) == [recent.pk]
    assert not Call.system_objects.filter(pk=old.pk).exists()


def test_the_call_log_and_a_plans_history_read_a_fixed_number_of_queries(cast: Cast, django_assert_num_queries):
    from harbour.respond.views import CALL_LOG_PAGE_SIZE

    facts = actions.CallFacts(
        province="ON",
        working_group=None,
        language="en",
        topic="labour",
        interpreter=False,
        outcome="information",
        referral_made=False,
        note="a note",
    )
    plan = plan_make(group=group_make("Toronto", city="Toronto", province="ON"), by=cast.cora)
    # Core's decryption reads each value's key row, so the log costs a query per note shown: it shows a
    # full page at most, and more calls than a page cost nothing more.
    for _ in range(CALL_LOG_PAGE_SIZE):
        actions.call_log(by=cast.hana, facts=facts)
    client = signed_in(cast.alice)
    pages = (reverse("respond:call_list"), reverse("respond:plan_history", args=[plan.pk]))
    for url in pages:
        client.get(url)
    counts = []
    for url in pages:
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        counts.append(len(captured.captured_queries))
    for _ in range(5):
        actions.call_log(by=cast.hana, facts=facts)
        actions.plan_review(by=cast.cora, plan=plan)
        actions.plan_save(by=cast.cora, plan=plan, owner=cast.cora, text=actions.PlanText(title="v"))
    for url, count in zip(pages, counts, strict=True):
        with django_assert_num_queries(count):
            client.get(url)


def _referral(cast: Cast, **overrides: str) -> dict[str, str]:
    data = {
        "ref-recipient": str(cast.prairie_clinic.pk),
        "ref-need": "housing",
        "ref-summary": "Needs a safe place tonight",
        "ref-language": "fr",
        "ref-agreed": "on",
        "ref-wording_shown": read_out_fingerprint("fr"),
    }
    data.update({f"ref-{key}": value for key, value in overrides.items()})
    return data


def test_a_warm_referral_in_a_language_whose_words_were_not_read_out_is_refused(cast: Cast):
    from harbour.cases.models import Case, Consent, Referral
    from harbour.cases.wording import wording_in

    client = signed_in(cast.hana)
    page = client.get(reverse("respond:console")).content.decode()
    shown = re.search(r'name="ref-wording_shown" value="([^"]*)"', page)
    assert shown is not None and shown.group(1) == read_out_fingerprint("en")
    # The console showed the English words; the operator picked French before sending.
    response = client.post(reverse("respond:referral_new"), _referral(cast, wording_shown=shown.group(1)))
    assert response.status_code == 400
    assert not Referral.system_objects.exists() and not Consent.system_objects.exists()
    assert not Case.system_objects.exists()
    refused = html.unescape(response.content.decode())
    assert "The caller had not heard the wording in this language" in refused
    assert wording_in("refer", "fr")[0].text in refused and "Needs a safe place tonight" in refused
    agreed = re.search(r'<input type="checkbox" name="ref-agreed"[^>]*>', refused)
    assert agreed is not None and "checked" not in agreed.group(0)  # the caller has not heard the French words yet
    carried = re.search(r'name="ref-wording_shown" value="([^"]*)"', refused)
    assert carried is not None and carried.group(1) == read_out_fingerprint("fr")
    # Read out in French, agreed, sent: recorded with the French words.
    sent = client.post(reverse("respond:referral_new"), _referral(cast, wording_shown=carried.group(1)))
    assert sent.status_code == 302
    assert Consent.objects.visible_to(cast.hana).get(purpose=Consent.Purpose.REFER).language == "fr"


def test_a_warm_referral_records_the_callers_consent_and_reaches_the_recipient(cast: Cast):
    from harbour.cases.models import Consent, Referral
    from harbour.cases.wording import wording_in

    client = signed_in(cast.hana)
    page = client.get(reverse("respond:console")).content.decode()
    assert 'id="referral"' in page and 'accesskey="r"' in page
    assert wording_in("refer", "en")[0].text in page
    response = client.post(reverse("respond:referral_new"), _referral(cast))
    assert response.status_code == 302
    assert response["Location"].endswith("#referral")
    consents = Consent.objects.visible_to(cast.hana)
    refer = consents.get(purpose=Consent.Purpose.REFER)
    assert refer.recipient_id == cast.prairie_clinic.pk
    assert (refer.language, refer.wording) == ("fr", wording_in("refer", "fr")[0].text)
    assert consents.filter(purpose=Consent.Purpose.OPEN_CASE).exists()
    referral = Referral.objects.received_by(cast.omar).get()
    assert (referral.recipient_id, referral.need) == (cast.prairie_clinic.pk, "housing")
    followed = client.get(response["Location"]).content.decode()
    assert "The referral is sent to" in followed


def test_without_the_consent_box_no_referral_and_what_was_typed_stays(cast: Cast):
    from harbour.cases.models import Case, Consent, Referral

    data = _referral(cast)
    del data["ref-agreed"]
    response = signed_in(cast.hana).post(reverse("respond:referral_new"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "refer only when they agree" in page and "Needs a safe place tonight" in page
    assert not Referral.system_objects.exists()
    assert not Consent.system_objects.exists()
    assert not Case.system_objects.exists()


def test_liaisons_and_researchers_cannot_make_a_warm_referral(cast: Cast):
    from harbour.cases.models import Referral

    for member in (cast.lee, cast.rhea):
        response = signed_in(member).post(reverse("respond:referral_new"), _referral(cast))
        assert response.status_code == 403
    assert not Referral.system_objects.exists()
