"""Organisation profiles and the directory of partners."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from harbour.core import access, roles
from harbour.network import actions
from harbour.network.forms import OrganisationProfileForm, PartnerFilterForm
from harbour.network.models import Organisation


@access.members()
def partners(request: HttpRequest) -> HttpResponse:
    form = PartnerFilterForm(request.GET or None)
    found = Organisation.objects.vetted()
    if form.is_valid():
        if form.cleaned_data["province"]:
            found = found.filter(province=form.cleaned_data["province"])
        if form.cleaned_data["city"]:
            found = found.filter(city__iexact=form.cleaned_data["city"].strip())
        if form.cleaned_data["kind"]:
            found = found.filter(kind=form.cleaned_data["kind"])
    language = form.cleaned_data["language"].strip().lower() if form.is_valid() else ""
    # Languages are a JSON list, matched in Python (one query) so SQLite and PostgreSQL agree.
    organisations = [organisation for organisation in found if not language or language in organisation.languages]
    return render(request, "network/partners.html", {"form": form, "organisations": organisations})


@access.members()
def organisation_profile(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.vetted(), pk=organisation_id)
    member = access.signed_in_member(request)
    return render(
        request,
        "network/organisation_profile.html",
        {
            "organisation": organisation,
            "groups": organisation.working_groups.all(),
            "may_edit": member.is_org_admin and member.organisation_id == organisation.pk,
        },
    )


@access.members(*roles.ADMINISTRATORS)
def organisation_profile_edit(request: HttpRequest) -> HttpResponse:
    admin = access.signed_in_member(request)
    organisation = admin.organisation
    form = OrganisationProfileForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        actions.organisation_profile_save(by=admin, organisation=form.instance)
        messages.success(request, _("Your organisation's profile is saved."))
        return redirect("network:organisation_profile", organisation_id=organisation.pk)
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": _("Profile of %(name)s") % {"name": organisation.name},
            "intro": _(
                "Every member of the network can read this profile. Give a contact for the organisation, "
                "not a staff member's own email or phone unless they agree."
            ),
            "submit": _("Save"),
        },
    )
