"""Meetings of a working group or of the network, with their reports."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from harbour.core import access
from harbour.core.responses import stored_file
from harbour.network import actions
from harbour.network.forms import MeetingForm, MeetingReportForm
from harbour.network.models import Meeting, MeetingReport, Member


@access.members()
def meetings(request: HttpRequest) -> HttpResponse:
    member = access.signed_in_member(request)
    visible = Meeting.objects.visible_to(member).select_related("working_group")
    now = timezone.now()
    return render(
        request,
        "network/meetings.html",
        {
            "upcoming": visible.filter(starts_at__gte=now).order_by("starts_at"),
            "past": visible.filter(starts_at__lt=now)[:50],
            "may_organise": actions.may_address_anything(member),
        },
    )


def _visible_meeting(request: HttpRequest, meeting_id: int) -> Meeting:
    meeting: Meeting = get_object_or_404(
        Meeting.objects.visible_to(access.signed_in_member(request)).select_related("working_group"), pk=meeting_id
    )
    return meeting


def _may_organise(member: Member, meeting: Meeting) -> bool:
    return actions.may_address(member, audience=meeting.audience, working_group=meeting.working_group)


@access.members()
def meeting_edit(request: HttpRequest, meeting_id: int | None = None) -> HttpResponse:
    """Schedules a meeting, or changes one (its agenda before, its minutes after)."""
    member = access.signed_in_member(request)
    meeting = _visible_meeting(request, meeting_id) if meeting_id is not None else None
    if not (_may_organise(member, meeting) if meeting else actions.may_address_anything(member)):
        return access.forbidden(request)
    form = MeetingForm(request.POST or None, instance=meeting, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.meeting_save(by=member, meeting=form.instance)
        except actions.ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("%(title)s is saved.") % {"title": saved.title})
            return redirect("network:meeting_detail", meeting_id=saved.pk)
    title = _("Change %(name)s") % {"name": meeting.title} if meeting else _("New meeting")
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": title,
            "intro": _(
                "Everyone the meeting is for reads its agenda and minutes. Never write about a person here: "
                "speak of situations, not of who was in them."
            ),
            "submit": _("Save"),
        },
    )


@access.members()
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    member = access.signed_in_member(request)
    meeting = _visible_meeting(request, meeting_id)
    may_organise = _may_organise(member, meeting)
    form = MeetingReportForm(request.POST or None, request.FILES or None) if may_organise else None
    if request.method == "POST":
        if form is None:
            return access.forbidden(request)
        if form.is_valid():
            try:
                actions.meeting_report_attach(
                    by=member, meeting=meeting, title=form.cleaned_data["title"], upload=form.cleaned_data["file"]
                )
            except actions.ActionRefused as refusal:
                form.add_error("file", str(refusal))
            else:
                messages.success(request, _("The report is attached."))
                return redirect("network:meeting_detail", meeting_id=meeting.pk)
    return render(
        request,
        "network/meeting_detail.html",
        {"meeting": meeting, "reports": meeting.reports.all(), "form": form, "may_organise": may_organise},
    )


@access.members()
def meeting_report(request: HttpRequest, report_id: int) -> HttpResponse:
    """A meeting's report, to members who may see the meeting; files are never served by URL alone."""
    report = get_object_or_404(
        MeetingReport.objects.filter(meeting__in=Meeting.objects.visible_to(access.signed_in_member(request))),
        pk=report_id,
    )
    return stored_file(report.file, filename=report.download_name, content_type=report.content_type)
