"""The recommendation tracker: public, and updated by coordinators."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from harbour.core import access, roles
from harbour.network import actions
from harbour.network.forms import NOT_ASSESSED, RecommendationFilterForm, RecommendationStatusForm
from harbour.network.models import Recommendation, RecommendationStatus


@access.public
def recommendations(request: HttpRequest) -> HttpResponse:
    form = RecommendationFilterForm(request.GET or None)
    found = Recommendation.objects.with_current_status()
    if form.is_valid():
        if form.cleaned_data["theme"]:
            found = found.filter(theme=form.cleaned_data["theme"])
        if form.cleaned_data["level"]:
            found = found.filter(level=form.cleaned_data["level"])
        status = form.cleaned_data["status"]
        if status == NOT_ASSESSED:
            found = found.filter(current_status_value__isnull=True)  # type: ignore[misc]
        elif status:
            found = found.filter(current_status_value=status)  # type: ignore[misc]
    rows = list(found)
    labels = dict(RecommendationStatus.Status.choices)
    for row in rows:
        row.current_status_label = labels.get(row.current_status_value, "")  # type: ignore[attr-defined]
    return render(
        request,
        "network/recommendations.html",
        {"form": form, "recommendations": rows, "total": Recommendation.objects.count()},
    )


@access.public
def recommendation_detail(request: HttpRequest, code: str) -> HttpResponse:
    recommendation = get_object_or_404(Recommendation, code=code)
    history = list(recommendation.statuses.newest_first())
    return render(
        request,
        "network/recommendation_detail.html",
        {"recommendation": recommendation, "history": history, "current": history[0] if history else None},
    )


@access.members(*roles.COORDINATORS)
def recommendation_status_add(request: HttpRequest, code: str) -> HttpResponse:
    recommendation = get_object_or_404(Recommendation, code=code)
    form = RecommendationStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.recommendation_status_add(
            by=access.signed_in_member(request),
            recommendation=recommendation,
            status=form.cleaned_data["status"],
            date=form.cleaned_data["date"],
            evidence=form.cleaned_data["evidence"],
            link=form.cleaned_data["link"],
        )
        messages.success(request, _("The new status is recorded."))
        return redirect("network:recommendation_detail", code=recommendation.code)
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": _("Record progress on %(code)s") % {"code": recommendation.code},
            "intro": recommendation.localised_text,
            "submit": _("Record"),
        },
    )
