"""Response plans: kept by their working group, every version kept, shown where a person is identified."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from harbour.cases.actions import CASE_CONSENT, case_open
from harbour.directory.models import Service
from harbour.directory.tests.factories import service_make
from harbour.respond import actions, plans
from harbour.respond.models import Plan, PlanStep, PlanVersion
from harbour.respond.tests.factories import group_make, plan_make
from harbour.testing import Cast, signed_in

pytestmark = pytest.mark.django_db


def _toronto(cast: Cast):
    return group_make("Toronto", city="Toronto", province="ON", organisations=[cast.harbour_house])


def _steps_post(rows: list[dict[str, str]], **plan_fields: str) -> dict[str, str]:
    data = {
        "steps-TOTAL_FORMS": str(len(rows)),
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "40",
        **plan_fields,
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"steps-{index}-{key}"] = value
    return data


def test_an_administrator_of_the_group_writes_its_plan_with_ordered_steps(cast: Cast):
    group = _toronto(cast)
    shelter = service_make(name="Safe beds", organisation=cast.harbour_house)
    data = _steps_post(
        [
            {"who": "Legal clinic", "ORDER": "2", "phone": "+1 416 555 0111"},
            {
                "who": "Shelter intake",
                "ORDER": "1",
                "service": f"http://x/en/members/directory/services/{shelter.id}/",
                "situations": "child",
            },
            {"who": "", "ORDER": ""},
        ],
        working_group=str(group.pk),
        owner=str(cast.alice.pk),
        title="Toronto plan",
    )
    response = signed_in(cast.alice).post(reverse("respond:plan_new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = Plan.objects.get(working_group=group)
    steps = list(PlanStep.objects.filter(version__plan=plan).order_by("position"))
    assert [(s.position, s.who) for s in steps] == [(1, "Shelter intake"), (2, "Legal clinic")]
    assert steps[0].service_id == shelter.id and steps[0].situations == ["child"]
    assert plan.owner == cast.alice and plan.reviewed_on == timezone.localdate()


def test_a_plan_without_any_step_is_refused_and_keeps_what_was_typed(cast: Cast):
    group = _toronto(cast)
    data = _steps_post([{"who": ""}], working_group=str(group.pk), owner=str(cast.alice.pk), title="Kept title")
    response = signed_in(cast.alice).post(reverse("respond:plan_new"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "A plan needs at least one step." in page and 'value="Kept title"' in page
    assert not Plan.objects.exists()


def test_a_link_to_a_service_that_does_not_exist_is_refused(cast: Cast):
    group = _toronto(cast)
    data = _steps_post(
        [{"who": "Somewhere", "service": "no-such-service"}],
        working_group=str(group.pk),
        owner=str(cast.alice.pk),
        title="Plan",
    )
    response = signed_in(cast.alice).post(reverse("respond:plan_new"), data)
    assert response.status_code == 400
    assert "There is no directory service at this address." in response.content.decode()


def test_every_version_is_kept_and_the_newest_is_the_plan(cast: Cast):
    plan = plan_make(group=_toronto(cast), by=cast.alice)
    actions.plan_save(
        by=cast.cora,
        plan=plan,
        owner=cast.alice,
        text=actions.PlanText(title="Second", steps=(actions.StepText(who="New first step"),)),
    )
    assert list(plan.versions.order_by("number").values_list("number", "title")) == [
        (1, "Toronto response plan"),
        (2, "Second"),
    ]
    # The first version's steps are untouched.
    assert list(PlanStep.objects.filter(version__number=1).values_list("who", flat=True)) == ["Shelter intake line"]
    client = signed_in(cast.bob)
    assert "New first step" in client.get(reverse("respond:plan_detail", args=[plan.pk])).content.decode()
    old = client.get(reverse("respond:plan_version", args=[plan.pk, 1])).content.decode()
    assert "Shelter intake line" in old and "This is an earlier version of the plan." in old
    history = client.get(reverse("respond:plan_history", args=[plan.pk])).content.decode()
    assert "Cora" in history and "Alice" in history


def test_editing_shows_the_current_steps_and_saves_a_new_version(cast: Cast):
    plan = plan_make(group=_toronto(cast), by=cast.alice)
    client = signed_in(cast.alice)
    form = client.get(reverse("respond:plan_edit", args=[plan.pk])).content.decode()
    assert 'value="Shelter intake line"' in form
    data = _steps_post(
        [{"who": "Shelter intake line", "ORDER": "1"}, {"who": "Interpreters", "ORDER": "2"}],
        owner=str(cast.alice.pk),
        title="Toronto response plan",
        change_note="Interpreters added",
    )
    assert client.post(reverse("respond:plan_edit", args=[plan.pk]), data).status_code == 302
    assert PlanVersion.objects.filter(plan=plan).count() == 2
    newest = PlanVersion.objects.get(plan=plan, number=2)
    assert newest.change_note == "Interpreters added"
    assert list(newest.steps.values_list("who", flat=True)) == ["Shelter intake line", "Interpreters"]


def test_only_the_groups_keepers_change_a_plan(cast: Cast):
    plan = plan_make(group=_toronto(cast), by=cast.alice)
    assert plans.may_edit(cast.alice, plan.working_group, plan)
    assert plans.may_edit(cast.cora, plan.working_group, plan)
    assert not plans.may_edit(cast.omar, plan.working_group, plan)  # another group's administrator
    assert not plans.may_edit(cast.bob, plan.working_group, plan)
    assert not plans.may_edit(cast.lee, plan.working_group, plan)
    with pytest.raises(PermissionError):
        actions.plan_review(by=cast.omar, plan=plan)
    assert signed_in(cast.omar).get(reverse("respond:plan_edit", args=[plan.pk])).status_code == 403


def test_the_owner_may_keep_the_plan_whatever_their_role(cast: Cast):
    plan = plan_make(group=_toronto(cast), by=cast.alice, owner=cast.hana)
    assert plans.may_edit(cast.hana, plan.working_group, plan)


def test_situations_filter_the_steps(cast: Cast):
    plan = plan_make(
        group=_toronto(cast),
        by=cast.alice,
        steps=[
            actions.StepText(who="Child protection", situations=("child",)),
            actions.StepText(who="Adult shelter", situations=("adult",)),
            actions.StepText(who="Night line", situations=("out_of_hours", "danger")),
            actions.StepText(who="Interpreters"),
        ],
    )
    url = reverse("respond:plan_detail", args=[plan.pk])
    page = signed_in(cast.bob).get(url, {"age": "child", "time": "office_hours"}).content.decode()
    assert "Child protection" in page and "Interpreters" in page
    assert "Adult shelter" not in page and "Night line" not in page


def test_a_stale_plan_says_so_and_its_owner_is_reminded_once_a_week(
    cast: Cast, settings, django_capture_on_commit_callbacks
):
    settings.HARBOUR_PLAN_REVIEW_DAYS = 180
    plan = plan_make(group=_toronto(cast), by=cast.alice)
    Plan.objects.filter(pk=plan.pk).update(reviewed_on=timezone.localdate() - datetime.timedelta(days=200))
    page = signed_in(cast.bob).get(reverse("respond:plan_detail", args=[plan.pk])).content.decode()
    assert "This plan is due for a review" in page
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.plan_reminders_send(today=today) == 1
    assert mail.outbox[-1].to == [cast.alice.email]
    assert "last reviewed on" in mail.outbox[-1].body
    assert actions.plan_reminders_send(today=today + datetime.timedelta(days=3)) == 0
    assert actions.plan_reminders_send(today=today + datetime.timedelta(days=7)) == 1


def test_marking_reviewed_ends_the_reminders(cast: Cast):
    plan = plan_make(group=_toronto(cast), by=cast.alice)
    Plan.objects.filter(pk=plan.pk).update(reviewed_on=timezone.localdate() - datetime.timedelta(days=365))
    response = signed_in(cast.alice).post(reverse("respond:plan_review", args=[plan.pk]))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.reviewed_on == timezone.localdate() and not plan.is_stale()
    assert actions.plan_reminders_send() == 0


def test_links_to_hidden_or_out_of_date_entries_are_flagged_to_the_owner(
    cast: Cast, django_capture_on_commit_callbacks
):
    hidden = service_make(name="Closed clinic", status=Service.Status.INACTIVE)
    old = service_make(name="Old line", assured_date=timezone.localdate() - datetime.timedelta(days=400))
    fine = service_make(name="Good shelter")
    plan = plan_make(
        group=_toronto(cast),
        by=cast.alice,
        steps=[
            actions.StepText(who="Clinic", service_id=hidden.id),
            actions.StepText(who="Line", service_id=old.id),
            actions.StepText(who="Shelter", service_id=fine.id),
        ],
    )
    gone = service_make(name="Soon gone")
    actions.plan_save(
        by=cast.alice,
        plan=plan,
        owner=cast.alice,
        text=actions.PlanText(
            title="T",
            steps=(
                actions.StepText(who="Clinic", service_id=hidden.id),
                actions.StepText(who="Line", service_id=old.id),
                actions.StepText(who="Shelter", service_id=fine.id),
                actions.StepText(who="Gone", service_id=gone.id),
            ),
        ),
    )
    gone.delete()
    shown = plans.plan_view(plan)
    assert [(row.step.who, row.problem) for row in shown.rows] == [
        ("Clinic", plans.LINK_HIDDEN),
        ("Line", plans.LINK_OUT_OF_DATE),
        ("Shelter", ""),
        ("Gone", plans.LINK_MISSING),
    ]
    owner_page = signed_in(cast.alice).get(reverse("respond:plan_detail", args=[plan.pk])).content.decode()
    assert "need attention" in owner_page and "is hidden" in owner_page
    reader_page = signed_in(cast.bob).get(reverse("respond:plan_detail", args=[plan.pk])).content.decode()
    assert "need attention" not in reader_page
    with django_capture_on_commit_callbacks(execute=True):
        call_command("respond_plan_reminders")
    body = mail.outbox[-1].body
    assert mail.outbox[-1].to == [cast.alice.email]
    assert "Step 1 (Clinic)" in body and "Step 2 (Line)" in body and "Step 4 (Gone)" in body
    assert "Step 3" not in body


def test_the_plan_reads_in_french_with_english_fallback_marked(cast: Cast):
    plan = plan_make(
        group=_toronto(cast),
        by=cast.alice,
        steps=[actions.StepText(who="Intake", who_fr="Accueil"), actions.StepText(who="Only English")],
    )
    with translation.override("fr"):
        url = reverse("respond:plan_detail", args=[plan.pk])
    page = signed_in(cast.bob).get(url).content.decode()
    assert "Accueil" in page and "Plan d&#x27;intervention de Toronto" in page
    assert "Only English" in page and "pas encore de texte en français" in page


def test_the_plan_list_reads_a_fixed_number_of_queries(cast: Cast, django_assert_num_queries):
    for index in range(3):
        group = group_make(f"Group {index}", city=f"City {index}", province="ON", organisations=[cast.harbour_house])
        plan_make(group=group, by=cast.alice)
    group_make("Without a plan", city="Elsewhere", province="ON", organisations=[cast.harbour_house])
    client = signed_in(cast.alice)  # an administrator: also told which groups still need a plan
    assert "Write the plan of Without a plan" in client.get(reverse("respond:plan_list")).content.decode()
    with CaptureQueriesContext(connection) as counted:
        client.get(reverse("respond:plan_list"))
    group = group_make("Group 9", city="City 9", province="ON", organisations=[cast.harbour_house])
    plan_make(group=group, by=cast.alice)
    with django_assert_num_queries(len(counted.captured_queries)):
        client.get(reverse("respond:plan_list"))


def test_the_plan_prints_as_a_one_page_pdf_in_english_and_french(cast: Cast):
    # A full plan: eight steps, each with what to do in both languages.
    steps = [actions.StepText(who="Shelter intake line", who_fr="Ligne d'accueil du refuge", phone="+1 416 555 0100")]
    steps += [
        actions.StepText(
            who=f"Service {n}",
            who_fr=f"Service {n}",
            phone="+1 416 555 0101",
            hours="Mon–Fri 09:00–17:00",
            action="Ask for the intake worker and say the person agreed to be referred. " * 2,
            action_fr="Demandez l'intervenante d'accueil et dites que la personne a accepté d'être orientée. " * 2,
            situations=("adult", "labour"),
        )
        for n in range(7)
    ]
    plan = plan_make(group=_toronto(cast), by=cast.alice, steps=steps)
    client = signed_in(cast.bob)
    for language, words in (("en", "Shelter intake line"), ("fr", "Ligne d'accueil du refuge")):
        with translation.override(language):
            url = reverse("respond:plan_detail", args=[plan.pk])
        response = client.get(url, {"format": "pdf"})
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].endswith(f'-{language}.pdf"')
        document = PdfReader(io.BytesIO(response.content))
        assert len(document.pages) == 1
        assert words.split()[0] in document.pages[0].extract_text()


def test_the_region_plan_shows_after_a_screening_with_indicators_and_not_without(cast: Cast):
    plan_make(group=_toronto(cast), by=cast.alice)
    client = signed_in(cast.bob)
    from harbour.screening import catalogue as catalogue_module

    catalogue = catalogue_module.load()
    yes_to_all = {f"q_{question.id}": "yes" for question in catalogue.questions}
    shown = client.post(reverse("screening:worker"), {**yes_to_all, "do": "result"}).content.decode()
    assert "action response plan for this region" in shown
    assert "Shelter intake line" in shown
    no_to_all = {f"q_{question.id}": "no" for question in catalogue.questions}
    quiet = client.post(reverse("screening:worker"), {**no_to_all, "do": "result"}).content.decode()
    assert "action response plan for this region" not in quiet


def test_the_region_plan_shows_on_a_case_of_an_organisation_in_the_group(cast: Cast):
    plan_make(group=_toronto(cast), by=cast.alice)
    case = case_open(by=cast.bob, summary="x", consent=CASE_CONSENT)
    page = signed_in(cast.bob).get(reverse("cases:case_detail", args=[case.reference])).content.decode()
    assert "action response plan for this region" in page and "Shelter intake line" in page
    other = case_open(
        by=cast.carol, summary="y", consent=CASE_CONSENT
    )  # Prairie Legal Clinic is in no group with a plan
    elsewhere = signed_in(cast.carol).get(reverse("cases:case_detail", args=[other.reference])).content.decode()
    assert "No working group in this region has a response plan yet." in elsewhere
    assert "Shelter intake line" not in elsewhere
