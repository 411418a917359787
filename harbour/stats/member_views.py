"""Members' statistics pages: coordinators define and publish releases; organisations upload records."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from harbour.core import access
from harbour.core.roles import ADMINISTRATORS, COORDINATORS
from harbour.stats import actions, upload
from harbour.stats.forms import ReleaseForm, UploadForm
from harbour.stats.models import Release
from harbour.stats.records import Upload


@access.members(*COORDINATORS)
def releases(request: HttpRequest) -> HttpResponse:
    found = list(Release.objects.select_related("created_by").annotate(table_count=Count("tables")))
    return render(request, "stats/releases.html", {"releases": found})


@access.members(*COORDINATORS)
def release_new(request: HttpRequest) -> HttpResponse:
    form = ReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.release_define(
            by=access.signed_in_member(request),
            title=data["title"],
            year_from=data["year_from"],
            year_to=data["year_to"],
            breakdowns=list(data["breakdowns"]),
            epsilon=data["epsilon"],
            threshold=data["threshold"],
        )
        messages.success(request, _("The release is saved as a draft. Nothing is computed until you publish it."))
        return redirect("stats:releases")
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": _("Define a statistics release"),
            "intro": _(
                "Choose the years and breakdowns, and how much of each year's privacy budget the release may "
                "spend. Counts are computed, with noise, only when you publish, and cannot change afterwards."
            ),
            "submit": _("Save as draft"),
        },
    )


@access.members(*COORDINATORS)
@require_POST
def release_publish(request: HttpRequest, release_id: int) -> HttpResponse:
    release = get_object_or_404(Release, pk=release_id)
    try:
        actions.release_publish(by=access.signed_in_member(request), release=release)
    except actions.ReleaseRefused as refused:
        messages.error(request, str(refused))
        return redirect("stats:releases")
    messages.success(request, _("The release is published."))
    return redirect("stats:release_detail", release_id=release.pk)


@access.members(*COORDINATORS)
@require_POST
def release_discard(request: HttpRequest, release_id: int) -> HttpResponse:
    release = get_object_or_404(Release, pk=release_id, status=Release.Status.DRAFT)
    actions.release_discard(by=access.signed_in_member(request), release=release)
    messages.success(request, _("The draft is deleted."))
    return redirect("stats:releases")


@access.members(*ADMINISTRATORS)
def records_upload(request: HttpRequest) -> HttpResponse:
    member = access.signed_in_member(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    parsed = None
    if request.method == "POST" and form.is_valid():
        batch, parsed = actions.records_upload(by=member, data=form.cleaned_data["file"].read())
        if batch is not None:
            messages.success(
                request,
                _("%(count)s records are imported. They count in the next release.") % {"count": batch.row_count},
            )
            return redirect("stats:records_upload")
    uploads = list(Upload.objects.filter(organisation=member.organisation))
    return render(
        request,
        "stats/upload.html",
        {"form": form, "parsed": parsed, "uploads": uploads, "columns": upload.COLUMNS, "codes": upload.column_codes()},
        status=400 if parsed is not None else 200,
    )


@access.members(*ADMINISTRATORS)
def upload_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(upload.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="harbour-statistics-template.csv"'
    return response


@access.members(*ADMINISTRATORS)
@require_POST
def upload_withdraw(request: HttpRequest, upload_id: int) -> HttpResponse:
    member = access.signed_in_member(request)
    batch = get_object_or_404(Upload, pk=upload_id, organisation=member.organisation)
    count = actions.upload_withdraw(by=member, batch=batch)
    messages.success(request, _("%(count)s records are removed from future releases.") % {"count": count})
    return redirect("stats:records_upload")
