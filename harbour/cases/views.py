"""Case views: every one is a person-data view, and every read is audited."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from harbour.cases import actions, export, retention_period
from harbour.cases import consent as consent_rules
from harbour.cases.consent import ConsentRefused
from harbour.cases.forms import (
    CaseForm,
    CloseForm,
    ConsentForm,
    ConsentFormT,
    DeclineForm,
    EmergencyAccessForm,
    EraseForm,
    MilestoneForm,
    NoteForm,
    OpenCaseForm,
    ReferralConsentForm,
    ReferralForm,
    TaskForm,
    in_another_language,
    language_to_show,
)
from harbour.cases.models import (
    AgeGroup,
    Case,
    Category,
    Consent,
    EmergencyAccess,
    Exploitation,
    Gender,
    Milestone,
    Need,
    Note,
    Referral,
    Sector,
    Task,
)
from harbour.core import access, crypto, roles
from harbour.core.audit import audit_write, person_record_or_404, person_records_listed
from harbour.core.models import AuditEntry
from harbour.core.reference import LANGUAGES
from harbour.screening.handover import handover
from harbour.screening.summary import screening_answer_rows

CASES_PER_PAGE = 50


@access.person_data()
def case_list(request: HttpRequest) -> HttpResponse:
    # The list shows references and dates only: one "listed" entry, not a read of each case.
    cases = (
        person_records_listed(request, Case)
        .select_related(None)
        .only("reference", "created_at", "updated_at", "organisation")
    )
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    # One reverse() for the page, not one per row: references are URL-safe (letters, digits, a dash).
    case_url = reverse("cases:case_detail", args=["HB-000000"]).removesuffix("HB-000000/")
    return render(request, "cases/case_list.html", {"cases": page, "page": page, "case_url": case_url})


def _consent_given(form: ConsentForm, purpose: str) -> actions.ConsentGiven:
    expires_on = form.cleaned_data.get("expires_on")
    expires_at = timezone.make_aware(datetime.combine(expires_on, time(23, 59))) if expires_on else None
    return actions.ConsentGiven(
        purpose=purpose,
        categories=tuple(form.cleaned_data["categories"]),
        language=form.cleaned_data["language"],
        means=form.cleaned_data["means"],
        expires_at=expires_at,
    )


def _language_to_show(request: HttpRequest) -> dict[str, str]:
    """The form's initial language: the one a link asked for (`?language=`), else the page's."""
    return {"language": language_to_show(request.GET.get("language"), request.LANGUAGE_CODE)}


def _consent_form(
    request: HttpRequest, form_class: type[ConsentFormT], *, handed_over: bool = False, **kwargs: Any
) -> tuple[ConsentFormT, bool]:
    """The consent form of a page and whether it is being sent to record the consent.

    A post with `stage=language` is the form's "show the wording in this language"
    button: the same form comes back, everything typed kept, the wording in the
    language picked. A page reached by a post from another (`handed_over`: the
    screening's answers) records only a post with `stage=confirm`; on the others,
    any other post records.
    """
    stage = request.POST.get("stage") if request.method == "POST" else None
    if stage == "language":
        return in_another_language(form_class, request.POST, **kwargs), False
    if request.method == "POST" and (stage == "confirm" or not handed_over):
        return form_class(request.POST, **kwargs), True
    return form_class(initial=_language_to_show(request), **kwargs), False


def _consent_page(
    request: HttpRequest, form: OpenCaseForm, *, action: str, answers: dict[str, str], problems: list[str], status: int
) -> HttpResponse:
    # The wording the form carries the language, version and digest of: the one the person hears.
    context: dict[str, Any] = {
        "form": form,
        "action": action,
        "answers": answers,
        "problems": problems,
        "wording": form.shown.text,
        "wording_language": form.shown_in,
    }
    return render(request, "cases/consent_screening.html", context, status=status)


@access.person_data(*roles.CASE_WRITERS)
def case_new(request: HttpRequest) -> HttpResponse:
    """Opens a case only with the person's consent recorded in the same step."""
    form, confirming = _consent_form(request, OpenCaseForm)
    if confirming and form.is_valid():
        member = access.signed_in_member(request)
        case = actions.open_case(
            by=member,
            consent=_consent_given(form, Consent.Purpose.OPEN_CASE),
            summary=form.cleaned_data["summary"].strip() or "-",
            details=actions.CaseDetails(alias=form.cleaned_data["alias"].strip()),
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
    form, confirming = _consent_form(request, OpenCaseForm, handed_over=True)
    action = reverse("cases:case_from_screening")
    if not confirming or handed.problems or not form.is_valid():
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
        details=actions.CaseDetails(alias=form.cleaned_data["alias"].strip()),
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
    referrals = Referral.objects.visible_to(member).filter(case=case).select_related("recipient")
    context = {
        "case": case,
        "consents": consents,
        "screening_answers": screening,
        "referrals": referrals,
        "notes": Note.objects.visible_to(member).filter(case=case),
        "tasks": Task.objects.visible_to(member).filter(case=case).select_related("owner"),
        "milestones": Milestone.objects.visible_to(member).filter(case=case),
        "today": timezone.localdate(),
        "may_write": access.may_use(member, "cases:case_edit"),
        # A case this organisation received by referral: the person may have withdrawn that consent since.
        "referred_from": Referral.objects.received_by(member)
        .filter(received_case=case)
        .select_related("consent", "organisation")
        .first(),
    }
    with crypto.keys_read_once():
        context["profile"] = _profile_rows(case)
        return render(request, "cases/case_detail.html", context)


def _profile_initial(case: Case) -> dict[str, Any]:
    """The case's profile as the form shows it, encrypted fields decrypted with the case's key."""
    return {
        "alias": case.alias,
        "contact": case.contact,
        "birth_year": "" if case.birth_year is None else str(case.birth_year),
        "age_group": case.age_group,
        "gender": case.gender,
        "languages": case.language_codes,
        "country_of_origin": case.country_of_origin,
        "province": case.province,
        "exploitation": case.exploitation_codes,
        "sector": case.sector,
        "needs": case.need_codes,
        "safety_plan": case.safety_plan,
        "summary": case.summary,
    }


def _profile_details(case: Case, cleaned: dict[str, Any]) -> actions.CaseDetails:
    """The case's fields with those the form offered as typed, those asked to be removed emptied, the rest kept."""
    typed: dict[str, Any] = {name: value for name, value in cleaned.items() if name not in ("summary", "remove")}
    for name in ("alias", "contact", "safety_plan"):
        if name in typed:
            typed[name] = typed[name].strip()
    for name in ("languages", "exploitation", "needs"):
        if name in typed:
            typed[name] = tuple(typed[name])
    return actions.emptied(replace(actions.details_of(case), **typed), cleaned.get("remove", ()))


def _typed_without_consent(data: Any, case: Case, offered: frozenset[str]) -> list[str]:
    """The categories of fields posted with a change the consent no longer covers (it ended while the page was open)."""
    held = _profile_initial(case)
    changed = set()
    for name, field in CaseForm.base_fields.items():
        if name in offered or name == "remove" or name not in data:
            continue
        posted = field.widget.value_from_datadict(data, {}, name)
        before = held.get(name, "")
        if isinstance(posted, list):
            differs = sorted(posted) != sorted(before)
        else:
            differs = str(posted).replace("\r\n", "\n").strip() != str(before).strip()
        if differs and str(posted) not in ("", "unknown"):
            changed.add(name)
    labels = dict(Category.choices)
    return [
        str(labels[category])
        for category, names in consent_rules.CATEGORY_FIELDS.items()
        if changed.intersection(names) or (category == Category.CASE and "summary" in changed)
    ]


def _consent_ended_message(categories: list[str]) -> str:
    if not categories:
        return _("The person's consent to keep some of this has just ended. Nothing was saved: check and save again.")
    return _(
        "The person's consent no longer covers: %(categories)s. What was written there is not kept, and nothing "
        "was saved: check the rest and save again."
    ) % {"categories": "; ".join(categories)}


# The categories a worker may ask the person to widen a consent to keep with (the others have no field here).
_PROFILE_CATEGORIES = (Category.CONTACT, Category.PROFILE, Category.EXPLOITATION, Category.NEEDS, Category.SAFETY_PLAN)


def _profile_rows(case: Case) -> list[tuple[str, str]]:
    """The case page's profile: (label, value) for each field that holds something, without a query."""
    languages = dict(LANGUAGES)
    labels = {
        "exploitation": dict(Exploitation.choices),
        "needs": dict(Need.choices),
        "sector": dict(Sector.choices),
    }
    age = case.get_age_group_display() if case.age_group != AgeGroup.UNKNOWN else ""
    rows = [
        (_("Alias"), case.alias),
        (_("Contact details"), case.contact),
        (_("Year of birth"), "" if case.birth_year is None else str(case.birth_year)),
        (_("Age group"), str(age)),
        (_("Gender"), str(case.get_gender_display()) if case.gender != Gender.UNKNOWN else ""),
        (_("Languages"), ", ".join(languages.get(code, code) for code in case.language_codes)),
        (_("Country of origin"), case.country_of_origin),
        (_("Province or territory"), str(case.get_province_display()) if case.province else ""),
        (
            _("Forms of exploitation"),
            "; ".join(str(labels["exploitation"].get(code, code)) for code in case.exploitation_codes),
        ),
        (_("Sector"), str(labels["sector"].get(case.sector, case.sector))),
        (_("Needs"), "; ".join(str(labels["needs"].get(code, code)) for code in case.need_codes)),
        (_("Safety plan"), case.safety_plan),
    ]
    return [(label, value) for label, value in rows if value]


@access.person_data(*roles.CASE_WRITERS)
def case_edit(request: HttpRequest, reference: str) -> HttpResponse:
    """The case's profile and summary; a refused form keeps everything typed and says why."""
    case = person_record_or_404(request, Case, reference=reference)
    if (refused := _closed(request, case)) is not None:
        return refused
    posted = request.method == "POST"
    kept = consent_rules.kept_with_consent(case)
    offered = consent_rules.fields_covered(kept)
    labels = dict(Category.choices)
    held = actions.categories_held(actions.details_of(case))
    removable = [
        (category, labels[category]) for category in _PROFILE_CATEGORIES if category not in kept and category in held
    ]
    data = request.POST if posted else None
    form = CaseForm(data, initial=_profile_initial(case), offered=offered, removable=removable)
    if data is not None and form.is_valid():
        ended = _typed_without_consent(data, case, offered)
        if ended:
            form.add_error(None, _consent_ended_message(ended))
        else:
            try:
                actions.case_update(
                    by=access.signed_in_member(request),
                    case=case,
                    summary=form.cleaned_data.get("summary"),
                    details=_profile_details(case, form.cleaned_data),
                )
            except actions.ConsentMissing:
                # Its consent ended between this page's check and the save.
                form.add_error(None, _consent_ended_message([]))
            else:
                messages.success(request, _("Case %(reference)s is saved.") % {"reference": case.reference})
                return redirect("cases:case_detail", reference=case.reference)
    context = {
        "form": form,
        "case": case,
        "not_covered": [labels[category] for category in _PROFILE_CATEGORIES if category not in kept],
        "title": _("Change case %(reference)s") % {"reference": case.reference},
        "submit": _("Save"),
    }
    return render(request, "cases/case_edit.html", context, status=400 if posted else 200)


# --- consent, referrals and export from the case page ----------------------------------


def _writer_case(request: HttpRequest, reference: str) -> Case:
    return person_record_or_404(request, Case, reference=reference)


@access.person_data(*roles.CASE_WRITERS)
def consent_new(request: HttpRequest, reference: str, purpose: str) -> HttpResponse:
    """Records a consent the person gives now: to keep more in the case, a referral (naming the organisation),
    contact or statistics."""
    case = _writer_case(request, reference)
    if purpose not in Consent.Purpose.values:
        raise Http404
    form: ConsentForm
    if purpose == Consent.Purpose.REFER:
        form, confirming = _consent_form(request, ReferralConsentForm, organisation_id=case.organisation_id)
    else:
        form, confirming = _consent_form(request, ConsentForm, purpose=purpose)
    if confirming and form.is_valid():
        given = _consent_given(form, purpose)
        if isinstance(form, ReferralConsentForm):
            given = replace(given, recipient_id=form.cleaned_data["recipient"].pk)
        try:
            actions.record_consent(by=access.signed_in_member(request), case=case, given=given)
        except ValueError:
            form.add_error("expires_on", _("The end date must be in the future."))
        else:
            messages.success(request, _("The person's consent is recorded."))
            return redirect("cases:case_detail", reference=case.reference)
    context = {"form": form, "case": case, "wording": form.shown.text, "wording_language": form.shown_in}
    return render(request, "cases/consent_new.html", context, status=400 if confirming else 200)


@access.person_data(*roles.CASE_WRITERS)
@require_POST
def consent_withdraw(request: HttpRequest, reference: str, consent_id: int) -> HttpResponse:
    case = _writer_case(request, reference)
    member = access.signed_in_member(request)
    consent = get_object_or_404(Consent.objects.visible_to(member), pk=consent_id, case=case)
    actions.withdraw_consent(by=member, consent=consent)
    messages.success(request, _("The consent is withdrawn: nothing more is shared under it."))
    return redirect("cases:case_detail", reference=case.reference)


@access.person_data(*roles.CASE_WRITERS)
def referral_new(request: HttpRequest, reference: str) -> HttpResponse:
    """Refers the case; a share the consent does not allow is refused with the reason, keeping the form."""
    case = _writer_case(request, reference)
    # A service picked in the directory arrives as ?service=<id>, chosen in the form's directory list.
    initial = {"listing": request.GET.get("service", "")}
    form = ReferralForm(request.POST or None, organisation_id=case.organisation_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.refer_case(
                by=access.signed_in_member(request),
                case=case,
                recipient=form.cleaned_data["recipient"],
                need=form.cleaned_data["need"],
                categories=form.cleaned_data["categories"],
            )
        except (ConsentRefused, actions.ReferralRefused) as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The referral is sent."))
            return redirect("cases:case_detail", reference=case.reference)
    title = _("Refer case %(reference)s") % {"reference": case.reference}
    status = 400 if request.method == "POST" else 200
    return render(request, "core/form.html", {"form": form, "title": title, "submit": _("Send")}, status=status)


@access.person_data(*roles.CASE_WRITERS)
@require_POST
def referral_withdraw(request: HttpRequest, reference: str, referral_id: int) -> HttpResponse:
    case = _writer_case(request, reference)
    member = access.signed_in_member(request)
    referral = get_object_or_404(Referral.objects.visible_to(member), pk=referral_id, case=case)
    try:
        actions.referral_withdraw(by=member, referral=referral)
    except actions.ReferralRefused:
        messages.error(request, _("This referral can no longer be withdrawn."))
    return redirect("cases:case_detail", reference=case.reference)


@access.person_data()
def referrals_received(request: HttpRequest) -> HttpResponse:
    """Referrals sent to the member's organisation; what travelled is read on each one."""
    member = access.signed_in_member(request)
    audit_write(
        actor=member,
        action=AuditEntry.Action.LIST,
        organisation_id=member.organisation_id,
        record_type="cases.referral",
        record_id="received",
    )
    received = (
        Referral.objects.received_by(member)
        .select_related("consent")
        .only("pk", "need", "state", "sent_at", "recipient_id", "organisation_id", "consent__withdrawn_at")
    )
    return render(request, "cases/referrals_received.html", {"referrals": received})


@access.person_data(*roles.CASE_WRITERS)
def referral_received(request: HttpRequest, referral_id: int) -> HttpResponse:
    """One referral sent to the member's organisation: accept, decline with a reason, or complete."""
    member = access.signed_in_member(request)
    referral = get_object_or_404(Referral.objects.received_by(member).select_related("consent"), pk=referral_id)
    audit_write(
        actor=member,
        action=AuditEntry.Action.VIEW,
        organisation_id=member.organisation_id,
        record_type="cases.referral",
        record_id=str(referral.pk),
    )
    form = DeclineForm(request.POST if request.POST.get("do") == "decline" else None)
    if request.method == "POST":
        action = request.POST.get("do")
        try:
            if action == "accept":
                received = actions.referral_accept(by=member, referral=referral)
                messages.success(request, _("Accepted: case %(reference)s.") % {"reference": received.reference})
                return redirect("cases:case_detail", reference=received.reference)
            if action == "complete":
                actions.referral_complete(by=member, referral=referral)
                return redirect("cases:referrals_received")
            if action == "decline" and form.is_valid():
                actions.referral_decline(by=member, referral=referral, reason=form.cleaned_data["reason"])
                return redirect("cases:referrals_received")
        except (ConsentRefused, actions.ReferralRefused) as refused:
            if form.is_bound:
                form.add_error(None, refused.message)
            else:  # accept or complete: no form was sent, so the reason is shown above the page
                messages.error(request, refused.message)
    context = {"referral": referral, "form": form, "shared": json.loads(referral.shared) if referral.shared else {}}
    return render(request, "cases/referral_received.html", context, status=400 if request.method == "POST" else 200)


@access.person_data(*roles.CASE_WRITERS)
def case_export(request: HttpRequest, reference: str) -> HttpResponse:
    """Everything held about the person in this case, as JSON they can keep (audited as an export)."""
    case = person_record_or_404(request, Case, action=AuditEntry.Action.EXPORT, reference=reference)
    with crypto.keys_read_once():
        document = export.as_json(export.held_about(case, access.signed_in_member(request)))
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{case.reference}.json"'
    return response


@access.person_data(*roles.CASE_WRITERS)
def case_print(request: HttpRequest, reference: str) -> HttpResponse:
    """Everything held about the person, as a page to print and hand to them, in their language."""
    case = person_record_or_404(request, Case, action=AuditEntry.Action.EXPORT, reference=reference)
    held = export.held_about(case, access.signed_in_member(request))
    asked = export.site_language(request.GET.get("language", ""))
    language = asked or export.person_language(case) or request.LANGUAGE_CODE
    with translation.override(language), crypto.keys_read_once():
        document = render_to_string(
            "cases/_case_document.html",
            {
                "held": held,
                "case": case,
                "profile": export.readable_profile(case),
                "screening_answers": screening_answer_rows(case.screening) if case.screening else [],
                "language": language,
                "bidi": translation.get_language_bidi(),
            },
        )
    context = {
        "case": case,
        # Rendered from Harbour's own template, with every value escaped there.
        "document": mark_safe(document),  # noqa: S308
        "language": language,
        "languages": settings.LANGUAGES,
        "person_language": export.person_language(case),
    }
    return render(request, "cases/case_print.html", context)


# --- notes, tasks, the protection path and closing, from the case page --------------------


def _closed(request: HttpRequest, case: Case) -> HttpResponse | None:
    """A closed case takes no more work: back to its page, saying so."""
    if not case.is_closed:
        return None
    message = _("Case %(reference)s is closed: nothing more can be added.") % {"reference": case.reference}
    messages.error(request, message)
    return redirect("cases:case_detail", reference=case.reference)


def _form_page(request: HttpRequest, form: Any, *, title: str, submit: str, intro: str = "") -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "title": title, "submit": submit, "intro": intro}
    return render(request, "core/form.html", context, status=status)


@access.person_data(*roles.CASE_WRITERS)
def note_new(request: HttpRequest, reference: str) -> HttpResponse:
    case = _writer_case(request, reference)
    if (refused := _closed(request, case)) is not None:
        return refused
    form = NoteForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        actions.note_add(by=access.signed_in_member(request), case=case, text=form.cleaned_data["text"])
        messages.success(request, _("The note is saved."))
        return redirect(reverse("cases:case_detail", args=[case.reference]) + "#notes")
    title = _("A note on case %(reference)s") % {"reference": case.reference}
    return _form_page(request, form, title=title, submit=_("Save the note"))


@access.person_data(*roles.CASE_WRITERS)
def task_new(request: HttpRequest, reference: str) -> HttpResponse:
    case = _writer_case(request, reference)
    if (refused := _closed(request, case)) is not None:
        return refused
    member = access.signed_in_member(request)
    data = request.POST if request.method == "POST" else None
    form = TaskForm(data, organisation_id=case.organisation_id, initial={"owner": member.pk})
    if form.is_valid():
        try:
            actions.task_add(
                by=member,
                case=case,
                title=form.cleaned_data["title"],
                due_on=form.cleaned_data["due_on"],
                owner=form.cleaned_data["owner"],
            )
        except ValueError:
            form.add_error("owner", _("Choose someone at your organisation who works with cases."))
        else:
            messages.success(request, _("The task is added."))
            return redirect(reverse("cases:case_detail", args=[case.reference]) + "#tasks")
    title = _("A task on case %(reference)s") % {"reference": case.reference}
    return _form_page(request, form, title=title, submit=_("Add the task"))


@access.person_data(*roles.CASE_WRITERS)
@require_POST
def task_done(request: HttpRequest, reference: str, task_id: int) -> HttpResponse:
    case = _writer_case(request, reference)
    member = access.signed_in_member(request)
    task = get_object_or_404(Task.objects.visible_to(member), pk=task_id, case=case)
    if task.done_at is None:
        actions.task_done(by=member, task=task)
        messages.success(request, _("The task is done."))
    return redirect(reverse("cases:case_detail", args=[case.reference]) + "#tasks")


@access.person_data(*roles.CASE_WRITERS)
def milestone_new(request: HttpRequest, reference: str) -> HttpResponse:
    """One step of the protection path; a permit's expiry brings its renewal reminder to the home page."""
    case = _writer_case(request, reference)
    if (refused := _closed(request, case)) is not None:
        return refused
    form = MilestoneForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            step = actions.milestone_add(
                by=access.signed_in_member(request),
                case=case,
                kind=form.cleaned_data["kind"],
                happened_on=form.cleaned_data["happened_on"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except ValueError:
            form.add_error(None, _("This step cannot be recorded with these dates."))
        else:
            if step.remind_on is not None:
                messages.success(
                    request,
                    _("The step is recorded. Its renewal shows on the home page from %(date)s.")
                    % {"date": step.remind_on.isoformat()},
                )
            else:
                messages.success(request, _("The step is recorded."))
            return redirect(reverse("cases:case_detail", args=[case.reference]) + "#protection")
    title = _("A step of the protection path for case %(reference)s") % {"reference": case.reference}
    intro = _("None of these steps requires or records testimony against anyone.")
    return _form_page(request, form, title=title, submit=_("Record the step"), intro=intro)


@access.person_data(*roles.CASE_WRITERS)
def case_close(request: HttpRequest, reference: str) -> HttpResponse:
    case = _writer_case(request, reference)
    if case.is_closed:
        messages.error(request, _("Case %(reference)s is already closed.") % {"reference": case.reference})
        return redirect("cases:case_detail", reference=case.reference)
    form = CloseForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        actions.case_close(by=access.signed_in_member(request), case=case, reason=form.cleaned_data["reason"])
        messages.success(request, _("Case %(reference)s is closed.") % {"reference": case.reference})
        return redirect("cases:case_detail", reference=case.reference)
    title = _("Close case %(reference)s") % {"reference": case.reference}
    intro = _(
        "A closed case is kept for your organisation's retention period, then deleted. "
        "Export what the person may want to keep first."
    )
    return _form_page(request, form, title=title, submit=_("Close the case"), intro=intro)


# --- erasure and emergency access ---------------------------------------------------------


@access.person_data(*roles.CASE_WRITERS)
def case_erase(request: HttpRequest, reference: str) -> HttpResponse:
    """Erases the case at the person's request: its key is destroyed, which cannot be undone."""
    case = person_record_or_404(request, Case, reference=reference)
    form = EraseForm(request.POST or None, expected=case.reference)
    if request.method == "POST" and form.is_valid():
        actions.case_erase(by=access.signed_in_member(request), case=case)
        messages.success(request, _("The case is erased. Nothing in it can be read again, by anyone."))
        return redirect("cases:case_list")
    context = {
        "form": form,
        "title": _("Erase case %(reference)s") % {"reference": case.reference},
        "intro": _(
            "At the person's request, the case and everything in it (notes, tasks, consents, referrals "
            "sent, emergency access) are deleted and the case's key is destroyed, so whatever is left of it "
            "in the database or a copy of it cannot be read again, even with the master key. Backups made "
            "before today still hold it until they are deleted. This cannot be undone. The audit log keeps "
            "only that a case was erased. Export what the person wants to keep first."
        ),
        "submit": _("Erase for good"),
    }
    return render(request, "core/form.html", context, status=400 if request.method == "POST" else 200)


@access.person_data()
def emergency_request(request: HttpRequest) -> HttpResponse:
    """Break-glass: another organisation's case, now, for a stated reason; the case's organisation is told."""
    member = access.signed_in_member(request)
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = actions.emergency_access_request(
                by=member, reference=form.cleaned_data["reference"], reason=form.cleaned_data["reason"]
            )
        except actions.EmergencyRefused as refused:
            form.add_error(None, refused.message)
        else:
            return redirect("cases:emergency_case", grant_id=grant.pk)
    held = EmergencyAccess.objects.held_by(member).select_related("case")
    context = {
        "form": form,
        "held": held,
        "minutes": int(actions.EMERGENCY_ACCESS_DURATION.total_seconds() // 60),
        "per_day": actions.EMERGENCY_REQUESTS_PER_DAY,
    }
    return render(request, "cases/emergency_request.html", context, status=400 if request.method == "POST" else 200)


@access.person_data()
def emergency_case(request: HttpRequest, grant_id: int) -> HttpResponse:
    """The one case an emergency grant opens, read-only, while it lasts; every read is audited."""
    member = access.signed_in_member(request)
    grant = get_object_or_404(EmergencyAccess.objects.held_by(member).select_related("case__key", "key"), pk=grant_id)
    case = actions.emergency_case_read(by=member, grant=grant)
    return render(request, "cases/emergency_case.html", {"grant": grant, "case": case})


@access.person_data()
@require_POST
def emergency_end(request: HttpRequest, grant_id: int) -> HttpResponse:
    """Ends emergency access: its holder when done, or the case organisation's administrator."""
    member = access.signed_in_member(request)
    grant = (
        EmergencyAccess.objects.held_by(member).filter(pk=grant_id).first()
        or EmergencyAccess.objects.visible_to(member).filter(pk=grant_id).first()
    )
    if grant is None:
        raise Http404
    try:
        actions.emergency_access_end(by=member, grant=grant)
    except PermissionError:
        raise Http404 from None
    messages.success(request, _("The emergency access has ended."))
    if grant.member_id == member.pk:
        return redirect("cases:emergency_request")
    return redirect("cases:emergency_granted")


@access.person_data(*roles.ADMINISTRATORS)
def emergency_granted(request: HttpRequest) -> HttpResponse:
    """Emergency access other organisations used on this organisation's cases: who, when, why."""
    member = access.signed_in_member(request)
    audit_write(
        actor=member,
        action=AuditEntry.Action.LIST,
        organisation_id=member.organisation_id,
        record_type=EmergencyAccess._meta.label_lower,
        record_id="*",
    )
    grants = EmergencyAccess.objects.visible_to(member).select_related("case", "member", "member_organisation")[:200]
    now = timezone.now()
    rows = [(grant, grant.in_force_at(now)) for grant in grants]
    return render(request, "cases/emergency_granted.html", {"rows": rows})


# --- the organisation's retention period ----------------------------------------------------


@access.person_data(*roles.ADMINISTRATORS)
def retention_settings(request: HttpRequest) -> HttpResponse:
    """How long the administrator's organisation keeps closed cases, and how many are past it now (a count)."""
    member = access.signed_in_member(request)
    organisation_id = member.organisation_id
    days = retention_period.current_days(organisation_id)
    data = request.POST if request.method == "POST" else None
    form = retention_period.RetentionForm(data, initial=retention_period.initial_for(days))
    if form.is_valid():
        days = form.cleaned_data["days"]
        retention_period.retention_set(by=member, days=days)
        messages.success(
            request, _("Closed cases are now kept for %(period)s.") % {"period": retention_period.period_text(days)}
        )
        return redirect("cases:retention_settings")
    context = {
        "form": form,
        "period": retention_period.period_text(days),
        "days": days,
        "is_default": days == retention_period.DEFAULT_DAYS,
        "due": retention_period.due_count(organisation_id, timezone.now()),
        "last_change": retention_period.last_change(organisation_id),
        "min_days": retention_period.MIN_DAYS,
        "max_years": retention_period.MAX_YEARS,
    }
    return render(request, "cases/retention_period.html", context, status=400 if data is not None else 200)
