"""Case views: every one is a person-data view, and every read is audited."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from harbour.cases import actions
from harbour.cases.forms import CaseForm, OpenCaseForm
from harbour.cases.models import Case, Category, Consent
from harbour.cases.wording import wording_in
from harbour.core import access, roles
from harbour.core.audit import person_record_or_404, person_records_listed
from harbour.screening.handover import handover
from harbour.screening.summary import screening_answer_rows


@access.person_data()
def case_list(request: HttpRequest) -> HttpResponse:
    # The list shows references and dates only: one "listed" entry, not a read of each case.
    cases = person_records_listed(request, Case).only("reference", "created_at", "updated_at", "organisation")
    return render(request, "cases/case_list.html", {"cases": cases})


def _consent_given(form: OpenCaseForm, purpose: str) -> actions.ConsentGiven:
    expires_on = form.cleaned_data.get("expires_on")
    expires_at = timezone.make_aware(datetime.combine(expires_on, time(23, 59))) if expires_on else None
    return actions.ConsentGiven(
        purpose=purpose,
        categories=tuple(form.cleaned_data["categories"]),
        language=form.cleaned_data["language"],
        means=form.cleaned_data["means"],
        expires_at=expires_at,
    )


def _consent_page(
    request: HttpRequest, form: OpenCaseForm, *, action: str, answers: dict[str, str], problems: list[str], status: int
) -> HttpResponse:
    language = form["language"].value() or request.LANGUAGE_CODE
    wording, shown_in = wording_in(Consent.Purpose.OPEN_CASE, str(language))
    context: dict[str, Any] = {
        "form": form,
        "action": action,
        "answers": answers,
        "problems": problems,
        "wording": wording.text,
        "wording_language": shown_in,
    }
    return render(request, "cases/consent_screening.html", context, status=status)


@access.person_data(*roles.CASE_WRITERS)
def case_new(request: HttpRequest) -> HttpResponse:
    """Opens a case only with the person's consent recorded in the same step."""
    confirming = request.method == "POST" and request.POST.get("stage") == "confirm"
    form = OpenCaseForm(request.POST if confirming else None, initial={"language": request.LANGUAGE_CODE})
    if confirming and form.is_valid():
        member = access.signed_in_member(request)
        case = actions.open_case(
            by=member,
            consent=_consent_given(form, Consent.Purpose.OPEN_CASE),
            summary=form.cleaned_data["summary"].strip() or "-",
        )
        messages.success(
            request, _("Case %(reference)s is open, with the person's consent.") % {"reference": case.reference}
        )
        return redirect("cases:case_detail", reference=case.reference)
    action = reverse("cases:case_new")
    return _consent_page(request, form, action=action, answers={}, problems=[], status=400 if confirming else 200)


@access.person_data(*roles.CASE_WRITERS)
@require_POST
def case_from_screening(request: HttpRequest) -> HttpResponse:
    """A worker's screening hands its answers over; the case opens once the person's consent is recorded."""
    handed = handover(request.POST)
    confirming = request.POST.get("stage") == "confirm" and not handed.problems
    initial = {"language": request.LANGUAGE_CODE}
    form = OpenCaseForm(request.POST if confirming else None, initial=initial)
    action = reverse("cases:case_from_screening")
    if not confirming or not form.is_valid():
        status = 400 if confirming or handed.problems else 200
        return _consent_page(
            request, form, action=action, answers=handed.answers, problems=handed.problems, status=status
        )
    keep_answers = Category.SCREENING in form.cleaned_data["categories"]
    case = actions.open_case_from_screening(
        by=access.signed_in_member(request),
        screening=handed.record if keep_answers else None,
        consent=_consent_given(form, Consent.Purpose.OPEN_CASE),
        summary=form.cleaned_data["summary"].strip() or _("Opened from a screening."),
    )
    messages.success(
        request, _("Case %(reference)s is open, with the person's consent.") % {"reference": case.reference}
    )
    return redirect("cases:case_detail", reference=case.reference)


@access.person_data()
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = person_record_or_404(request, Case, reference=reference)
    member = access.signed_in_member(request)
    consents = Consent.objects.visible_to(member).filter(case=case)
    screening = screening_answer_rows(case.screening) if case.screening else []
    return render(
        request, "cases/case_detail.html", {"case": case, "consents": consents, "screening_answers": screening}
    )


@access.person_data(*roles.CASE_WRITERS)
def case_edit(request: HttpRequest, reference: str) -> HttpResponse:
    case = person_record_or_404(request, Case, reference=reference)
    form = CaseForm(request.POST or None, initial={"summary": case.summary})
    if request.method == "POST" and form.is_valid():
        member = access.signed_in_member(request)
        actions.case_update(by=member, case=case, summary=form.cleaned_data["summary"])
        messages.success(request, _("Case %(reference)s is saved.") % {"reference": case.reference})
        return redirect("cases:case_detail", reference=case.reference)
    return render(
        request,
        "core/form.html",
        {"form": form, "title": _("Change case %(reference)s") % {"reference": case.reference}, "submit": _("Save")},
    )
