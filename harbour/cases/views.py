"""Case views: every one is a person-data view, and every read is audited."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from harbour.cases import actions
from harbour.cases.forms import CaseForm
from harbour.cases.models import Case, Consent
from harbour.core import access, roles
from harbour.core.audit import person_record_or_404, person_records_listed
from harbour.screening.summary import screening_answer_rows


@access.person_data()
def case_list(request: HttpRequest) -> HttpResponse:
    # The list shows references and dates only: one "listed" entry, not a read of each case.
    cases = person_records_listed(request, Case).only("reference", "created_at", "updated_at", "organisation")
    return render(request, "cases/case_list.html", {"cases": cases})


@access.person_data(*roles.CASE_WRITERS)
def case_new(request: HttpRequest) -> HttpResponse:
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = access.signed_in_member(request)
        case = actions.case_open(by=member, summary=form.cleaned_data["summary"])
        messages.success(request, _("Case %(reference)s is open.") % {"reference": case.reference})
        return redirect("cases:case_detail", reference=case.reference)
    return render(request, "core/form.html", {"form": form, "title": _("Open a case"), "submit": _("Open case")})


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
