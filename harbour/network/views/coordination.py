"""Coordinators' pages: organisations and their vetting, and the city working groups."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from harbour.core import access, roles
from harbour.core.roles import Role
from harbour.network import actions
from harbour.network.forms import OrganisationForm, VettingForm, WorkingGroupForm
from harbour.network.models import Organisation, WorkingGroup


@access.members(*roles.COORDINATORS)
def organisations(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    queryset = Organisation.objects.all()
    if status in Organisation.Vetting.values:
        queryset = queryset.filter(vetting_status=status)
    return render(
        request,
        "network/organisations.html",
        {"organisations": queryset, "statuses": Organisation.Vetting.choices, "status": status},
    )


@access.members(*roles.COORDINATORS)
def organisation_new(request: HttpRequest) -> HttpResponse:
    coordinator = access.signed_in_member(request)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                organisation = form.save()
                role = Role.LIAISON if organisation.is_state else Role.ORG_ADMIN
                actions.invitation_send(
                    by=coordinator, organisation=organisation, email=form.cleaned_data["admin_email"], role=role
                )
        except actions.ActionRefused as refusal:
            form.add_error("admin_email", str(refusal))
        else:
            messages.success(
                request,
                _("%(name)s is added and waits for vetting. Its first member was invited.")
                % {"name": organisation.name},
            )
            return redirect("network:organisation_vet", organisation_id=organisation.pk)
    return render(
        request, "core/form.html", {"form": form, "title": _("Add an organisation"), "submit": _("Add and invite")}
    )


@access.members(*roles.COORDINATORS)
def organisation_vet(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    form = VettingForm(
        request.POST or None, initial={"status": organisation.vetting_status, "note": organisation.vetting_note}
    )
    if request.method == "POST" and form.is_valid():
        actions.organisation_vet(
            by=access.signed_in_member(request),
            organisation=organisation,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Vetting decision saved for %(name)s.") % {"name": organisation.name})
        return redirect("network:organisations")
    return render(
        request,
        "network/organisation_vet.html",
        {"organisation": organisation, "form": form, "members": organisation.members.filter(is_active=True)},
    )


@access.members(*roles.COORDINATORS)
def working_group_edit(request: HttpRequest, group_id: int | None = None) -> HttpResponse:
    """Creates a city working group, or changes one."""
    group = get_object_or_404(WorkingGroup, pk=group_id) if group_id is not None else None
    form = WorkingGroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("%(name)s is saved.") % {"name": saved.name})
        return redirect("network:working_groups")
    title = _("Change %(name)s") % {"name": group.name} if group else _("New working group")
    return render(request, "core/form.html", {"form": form, "title": title, "submit": _("Save")})


@access.members()
def working_groups(request: HttpRequest) -> HttpResponse:
    groups = WorkingGroup.objects.prefetch_related("organisations").select_related("representative")
    return render(request, "network/working_groups.html", {"groups": groups})
