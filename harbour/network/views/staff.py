"""An organisation administrator's pages: staff, invitations, two-factor resets and the audit log."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from harbour.core import access, roles
from harbour.core.models import AuditEntry
from harbour.network import actions
from harbour.network.forms import InvitationForm
from harbour.network.models import Invitation, Member


@access.members(*roles.ADMINISTRATORS)
def organisation_staff(request: HttpRequest) -> HttpResponse:
    admin = access.signed_in_member(request)
    organisation = admin.organisation
    form = InvitationForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            actions.invitation_send(
                by=admin, organisation=organisation, email=form.cleaned_data["email"], role=form.cleaned_data["role"]
            )
        except actions.ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
            return redirect("network:organisation_staff")
    return render(
        request,
        "network/organisation_staff.html",
        {
            "organisation": organisation,
            "staff": organisation.members.filter(is_active=True),
            "invitations": organisation.invitations.pending(),
            "form": form,
        },
    )


def _staff_action(request: HttpRequest, do: Callable[[], object], done: str) -> HttpResponse:
    """Runs an administrator's action on their staff page and says how it went."""
    try:
        do()
    except actions.ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, done)
    return redirect("network:organisation_staff")


def _own_staff_member(request: HttpRequest, member_id: int) -> Member:
    return get_object_or_404(
        Member, pk=member_id, organisation=access.signed_in_member(request).organisation, is_active=True
    )


@access.members(*roles.ADMINISTRATORS)
@require_POST
def member_remove(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _own_staff_member(request, member_id)
    return _staff_action(
        request,
        lambda: actions.member_remove(by=access.signed_in_member(request), member=member),
        _("%(name)s no longer has access.") % {"name": member.full_name},
    )


@access.members(*roles.ADMINISTRATORS)
@require_POST
def member_two_factor_reset(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _own_staff_member(request, member_id)
    return _staff_action(
        request,
        lambda: actions.two_factor_reset(by=access.signed_in_member(request), member=member),
        _("%(name)s will set up a new authenticator at their next sign-in.") % {"name": member.full_name},
    )


@access.members(*roles.ADMINISTRATORS)
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation, pk=invitation_id, organisation=access.signed_in_member(request).organisation
    )
    return _staff_action(
        request,
        lambda: actions.invitation_revoke(by=access.signed_in_member(request), invitation=invitation),
        _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email},
    )


@access.members(*roles.ADMINISTRATORS)
def organisation_audit(request: HttpRequest) -> HttpResponse:
    admin = access.signed_in_member(request)
    entries = AuditEntry.objects.filter(organisation_id=admin.organisation_id)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    names: dict[int | None, str] = dict(
        Member.objects.filter(pk__in={e.actor_id for e in page}).values_list("pk", "full_name")
    )
    rows = [(entry, names.get(entry.actor_id) or entry.system_actor or "") for entry in page]
    return render(request, "network/organisation_audit.html", {"page": page, "rows": rows})
