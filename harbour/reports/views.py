"""Safe reports: the reporter's pages (no account) and the receivers' inbox."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from harbour.core import access
from harbour.core.audit import person_record_or_404, person_records_listed
from harbour.core.models import AuditEntry
from harbour.core.reference import Province
from harbour.core.roles import Role
from harbour.reports import actions, keys, receipts
from harbour.reports.attachments import Refused
from harbour.reports.forms import (
    AnswerForm,
    KeyRecoverForm,
    KeySetUpForm,
    ReceiverSettingsForm,
    ReplyForm,
    ReportForm,
    TriageForm,
)
from harbour.reports.models import Attachment, MemberKey, Report, ReportReceiver


def _receivers(request: HttpRequest) -> tuple[list[ReportReceiver], str, str]:
    province = request.GET.get("province", "")
    language = request.GET.get("language", "")
    receivers = ReportReceiver.objects.open()
    if province in Province.values:
        receivers = receivers.filter(Q(organisation__province=province) | Q(is_network_intake=True))
    else:
        province = ""
    chosen = list(receivers)
    if language:
        chosen = [r for r in chosen if r.is_network_intake or language in (r.organisation.languages or [])]
    return chosen, province, language


@access.public
def start(request: HttpRequest) -> HttpResponse:
    """Whom to report to, and what they will and will not do."""
    receivers, province, language = _receivers(request)
    return render(
        request,
        "reports/start.html",
        {"receivers": receivers, "province": province, "language": language, "provinces": Province.choices},
    )


def _chosen_receiver(value: str) -> ReportReceiver | None:
    if not value.isdigit():
        return None
    return ReportReceiver.objects.open().filter(pk=int(value)).first()


@access.public
def write(request: HttpRequest) -> HttpResponse:
    """The guided form; on success the receipt, in the page only (never in an address)."""
    receiver = _chosen_receiver(request.POST.get("to", "") or request.GET.get("to", ""))
    if receiver is None:
        return redirect("reports:start")
    form = ReportForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            submitted = actions.report_submit(
                organisation=receiver.organisation,
                language=get_language() or "en",
                answers={name: str(value) for name, value in form.cleaned_data.items()},
                files=request.FILES.getlist("files"),
            )
        except (Refused, actions.ActionRefused) as refusal:
            error = str(refusal)
        else:
            return render(request, "reports/receipt.html", {"receipt": submitted.receipt, "receiver": receiver})
    status = 400 if request.method == "POST" else 200
    return render(request, "reports/write.html", {"form": form, "receiver": receiver, "error": error}, status=status)


def _not_opened(request: HttpRequest, receipt: str, *, throttled: bool = False) -> HttpResponse:
    # Every wrong receipt, whether it never existed or its report has expired, gets this same page.
    return render(
        request,
        "reports/return.html",
        {"receipt": receipt, "not_opened": not throttled, "throttled": throttled},
        status=429 if throttled else 400,
    )


@access.public
def return_to_report(request: HttpRequest) -> HttpResponse:
    """With the receipt: read replies, answer, add files, agree to a case. Every step is a POST with the receipt."""
    if request.method != "POST":
        return render(request, "reports/return.html", {"receipt": ""})
    receipt = request.POST.get("receipt", "")
    if not receipts.guess_allowed(receipt):
        return _not_opened(request, receipt, throttled=True)
    session = actions.reporter_open(receipt=receipt) if receipts.well_formed(receipt) else None
    if session is None:
        receipts.guess_failed(receipt)
        return _not_opened(request, receipt)
    form = AnswerForm(request.POST if request.POST.get("step") == "answer" else None)
    error = ""
    done = ""
    step = request.POST.get("step", "")
    if step == "answer" and form.is_valid():
        files = request.FILES.getlist("files")
        if not form.cleaned_data["text"] and not files:
            error = _("Write an answer or add a file.")
        else:
            try:
                actions.reporter_answer(session=session, text=form.cleaned_data["text"], files=files)
            except Refused as refusal:
                error = str(refusal)
            else:
                form = AnswerForm()
                done = _("Sent. The organisation will be told that something is waiting.")
    elif step == "consent" and request.POST.get("agree") == "yes" and session.report.case_consent_given_on is None:
        actions.reporter_case_consent(session=session, wording=case_consent_wording())
        done = _("Thank you. The organisation can now open a file to help you.")
    thread = actions.thread_read(session.report, session.private_key, with_files=False)
    context: dict[str, Any] = {
        "receipt": receipts.group(keys.normalise_digits(receipt)),
        "thread": thread,
        "form": form,
        "error": error,
        "done": done,
        "report": session.report,
        "consent_wording": case_consent_wording(),
    }
    return render(request, "reports/thread.html", context, status=400 if error else 200)


def case_consent_wording() -> str:
    return _(
        "I agree that this organisation opens a file to coordinate help for me. It is known by a reference, "
        "not my name. Only people at this organisation who work on it can read it. Nothing is shared with "
        "immigration or the police. I can change my mind at any time."
    )


# --- receivers ---------------------------------------------------------------------------------

RECEIVERS = (Role.ORG_ADMIN, Role.CASE_WORKER)


def _member_key(request: HttpRequest) -> tuple[Any, bytes | None]:
    member = access.signed_in_member(request)
    return member, actions.unlocked_private_key(request, member)


@access.person_data(*RECEIVERS)
def inbox(request: HttpRequest) -> HttpResponse:
    member, private_key = _member_key(request)
    reports = person_records_listed(request, Report).select_related("assigned_to")
    show = request.GET.get("show", "open")
    if show == "mine":
        reports = reports.filter(assigned_to=member)
    elif show == "closed":
        reports = reports.filter(status__in=[Report.Status.CLOSED, Report.Status.CASE])
    else:
        show = "open"
        reports = reports.exclude(status__in=[Report.Status.CLOSED, Report.Status.CASE])
    shared = actions.report_keys_share(member=member, member_private_key=private_key) if private_key else 0
    has_key = MemberKey.objects.filter(member=member).exists()
    return render(
        request,
        "reports/inbox.html",
        {
            "reports": list(reports[:200]),
            "show": show,
            "unlocked": private_key is not None,
            "has_key": has_key,
            "shared": shared,
        },
    )


@access.person_data(*RECEIVERS)
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    member, private_key = _member_key(request)
    report = person_record_or_404(request, Report, pk=report_id)
    report_key = actions.report_private_key(report, member, private_key) if private_key else None
    reply = ReplyForm(request.POST if request.POST.get("step") == "reply" else None)
    triage = TriageForm(request.POST if request.POST.get("step") == "triage" else None, instance=report)
    error = ""
    if request.method == "POST":
        try:
            if reply.is_bound and reply.is_valid():
                if report_key is None:
                    raise actions.ActionRefused(_("Unlock your report key before replying."))
                actions.report_reply(member=member, report=report, text=reply.cleaned_data["text"])
                return redirect("reports:report_detail", report_id=report.pk)
            if triage.is_bound and triage.is_valid():
                actions.report_triage(
                    member=member,
                    report=report,
                    status=triage.cleaned_data["status"],
                    urgency=triage.cleaned_data["urgency"],
                    assigned_to=triage.cleaned_data["assigned_to"],
                )
                return redirect("reports:report_detail", report_id=report.pk)
        except actions.ActionRefused as refusal:
            error = str(refusal)
    thread = actions.thread_read(report, report_key, with_files=True) if report_key else []
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "thread": thread,
            "reply": reply,
            "triage": triage,
            "error": error,
            "readable": report_key is not None,
        },
        status=400 if request.method == "POST" else 200,
    )


@access.person_data(*RECEIVERS)
def attachment(request: HttpRequest, report_id: int, attachment_id: int) -> HttpResponse:
    member, private_key = _member_key(request)
    report = person_record_or_404(request, Report, action=AuditEntry.Action.EXPORT, pk=report_id)
    stored = get_object_or_404(Attachment, pk=attachment_id, report=report)
    report_key = actions.report_private_key(report, member, private_key) if private_key else None
    if report_key is None:
        raise Http404
    content, name, content_type = actions.attachment_read(stored, report_key)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response


@access.person_data(*RECEIVERS)
def key(request: HttpRequest) -> HttpResponse:
    """Set up the member's report key (the recovery key is shown once), or recover it after a reset."""
    member, private_key = _member_key(request)
    existing = MemberKey.objects.filter(member=member).exists()
    set_up = KeySetUpForm(request.POST if request.POST.get("step") == "set_up" else None)
    recover = KeyRecoverForm(request.POST if request.POST.get("step") == "recover" else None)
    error = ""
    if set_up.is_bound and set_up.is_valid():
        try:
            recovery = actions.member_key_set_up(
                request=request, member=member, password=set_up.cleaned_data["password"]
            )
        except actions.ActionRefused as refusal:
            error = str(refusal)
        else:
            return render(request, "reports/key_recovery.html", {"recovery": recovery})
    if recover.is_bound and recover.is_valid():
        try:
            actions.member_key_recover(
                request=request,
                member=member,
                recovery_key=recover.cleaned_data["recovery_key"],
                password=recover.cleaned_data["password"],
            )
        except actions.ActionRefused as refusal:
            error = str(refusal)
        else:
            return redirect("reports:inbox")
    return render(
        request,
        "reports/key.html",
        {
            "existing": existing,
            "unlocked": private_key is not None,
            "set_up": set_up,
            "recover": recover,
            "error": error,
        },
        status=400 if error else 200,
    )


@access.members(Role.ORG_ADMIN)
def receiver_settings(request: HttpRequest) -> HttpResponse:
    member = access.signed_in_member(request)
    receiver, _created = ReportReceiver.objects.get_or_create(organisation=member.organisation)
    form = ReceiverSettingsForm(request.POST or None, instance=receiver)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("reports:inbox")
    return render(request, "reports/settings.html", {"form": form}, status=400 if request.method == "POST" else 200)
