"""Views of the network: signing in, the member's own pages, staff, vetting, working groups,
announcements, meetings, organisation profiles and the recommendation tracker."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlencode, urlsafe_base64_decode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from harbour.core import access
from harbour.core.models import AuditEntry
from harbour.core.responses import error_page, stored_file
from harbour.core.roles import Role
from harbour.network import actions
from harbour.network.forms import (
    NOT_ASSESSED,
    AnnouncementForm,
    CodeForm,
    DeliveryForm,
    InvitationAcceptForm,
    InvitationForm,
    MeetingForm,
    MeetingReportForm,
    NewPasswordMixin,
    OrganisationForm,
    OrganisationProfileForm,
    PartnerFilterForm,
    PasswordResetRequestForm,
    RecommendationFilterForm,
    RecommendationStatusForm,
    ReplyForm,
    SignInForm,
    VettingForm,
    WorkingGroupForm,
)
from harbour.network.models import (
    Announcement,
    Delivery,
    Invitation,
    Meeting,
    MeetingReport,
    Member,
    Organisation,
    Recommendation,
    RecommendationStatus,
    SignInEvent,
    WorkingGroup,
)

PENDING_KEY = "harbour_pending_member"
PENDING_SECRET_KEY = "harbour_pending_totp_secret"  # noqa: S105 - a session key name
PENDING_SECONDS = 300


def _member(request: HttpRequest) -> Member:
    return access.signed_in_member(request)


def _safe_next(request: HttpRequest) -> str:
    """Where to go after signing in: a path on this site, without its query (it may hold a place or an answer)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return urlsplit(target).path
    return ""


def _sign_in_notices() -> dict[str, str]:
    """Why someone is sent to the sign-in page, by the code in its `notice` parameter.

    A code in the address instead of a message: a message for someone who is not signed in
    would need a cookie or a session.
    """
    return {
        "signed-out": _("You are signed out."),
        "again": _("Please sign in again."),
        "ended": _("Your session has ended. Please sign in again."),
        "idle": _("You were signed out after %(minutes)d minutes without activity.")
        % {"minutes": settings.HARBOUR_IDLE_TIMEOUT_MINUTES},
        "password-changed": _("Your password is changed. Sign in with it now."),
        "account-ready": _("Your account is ready. Sign in to continue."),
    }


def _to_sign_in(notice: str) -> HttpResponse:
    return redirect(f"{reverse('network:sign_in')}?{urlencode({'notice': notice})}")


def _pending_member(request: HttpRequest, *, stage: str) -> Member | None:
    """The member half-way through signing in, if they are at `stage` ("code" or "enrol")."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    if pending.get("stage") != stage:
        return None
    member_id = pending.get("id")
    if not isinstance(member_id, int):
        return None
    return Member.objects.filter(pk=member_id, is_active=True).select_related("organisation").first()


def _restart_sign_in(request: HttpRequest) -> HttpResponse:
    request.session.pop(PENDING_KEY, None)
    request.session.pop(PENDING_SECRET_KEY, None)
    return _to_sign_in("again")


def _finish_sign_in(request: HttpRequest, member: Member, next_url: str) -> HttpResponse:
    request.session.pop(PENDING_KEY, None)
    request.session.pop(PENDING_SECRET_KEY, None)
    login(request, member, backend="django.contrib.auth.backends.ModelBackend")
    request.session.set_expiry(None)  # the session's own lifetime again, after the pending one
    actions.sign_in_succeeded(member=member)
    return redirect(next_url or "network:dashboard")


@access.public
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("network:dashboard")
    form = SignInForm(request.POST or None)
    next_url = _safe_next(request)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if not actions.sign_in_attempt_allowed(email=email):
            form.add_error(
                None,
                _(
                    "Too many failed attempts. For your safety this account is locked for a few minutes. "
                    "Try again later or reset your password."
                ),
            )
        else:
            member = authenticate(request, username=email, password=form.cleaned_data["password"])
            if member is None:
                known = Member.objects.filter(email__iexact=email, is_active=True).first()
                actions.sign_in_failed(member=known, outcome=SignInEvent.Outcome.BAD_PASSWORD)
                form.add_error(None, _("That email and password do not match an active account."))
            else:
                member = Member.objects.select_related("organisation").get(pk=member.pk)
                if not member.has_two_factor and not member.needs_two_factor:
                    return _finish_sign_in(request, member, next_url)
                request.session.cycle_key()
                # A pending sign-in's session row lives only as long as its window, and expired rows
                # (other people's abandoned sign-ins included) are deleted now rather than by a timer.
                request.session.set_expiry(PENDING_SECONDS)
                Session.objects.filter(expire_date__lt=timezone.now()).delete()
                # Enrolling is only offered to a member who has no authenticator yet:
                # anyone else must prove they hold the one they have.
                stage = "code" if member.has_two_factor else "enrol"
                request.session[PENDING_KEY] = {
                    "id": member.pk,
                    "at": int(time.time()),
                    "next": next_url,
                    "stage": stage,
                }
                return redirect("network:two_factor" if stage == "code" else "network:two_factor_setup")
    notice = _sign_in_notices().get(request.GET.get("notice", ""), "")
    return render(request, "network/sign_in.html", {"form": form, "next": next_url, "notice": notice})


@access.public
def two_factor(request: HttpRequest) -> HttpResponse:
    member = _pending_member(request, stage="code")
    if member is None:
        return _restart_sign_in(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not actions.sign_in_attempt_allowed(email=member.email):
            form.add_error(None, _("Too many failed attempts. Try again in a few minutes."))
        elif actions.totp_verify(member=member, code=form.cleaned_data["code"]):
            return _finish_sign_in(request, member, request.session[PENDING_KEY].get("next", ""))
        else:
            actions.sign_in_failed(member=member, outcome=SignInEvent.Outcome.BAD_CODE)
            form.add_error("code", _("That code is not right. Codes change every 30 seconds; try the newest one."))
    return render(request, "network/two_factor.html", {"form": form})


def _qr_svg(uri: str) -> str:
    return str(segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff", omitsize=False))


@access.public
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrols an authenticator during sign-in, before the member gets any access."""
    member = _pending_member(request, stage="enrol")
    if member is None:
        return _restart_sign_in(request)
    secret = request.session.get(PENDING_SECRET_KEY) or actions.totp_new_secret()
    request.session[PENDING_SECRET_KEY] = secret
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if actions.totp_enrol(member=member, secret=secret, code=form.cleaned_data["code"]):
            messages.success(request, _("Two-factor sign-in is on for your account."))
            return _finish_sign_in(request, member, request.session[PENDING_KEY].get("next", ""))
        form.add_error("code", _("That code is not right. Check the time on your phone and try the newest code."))
    uri = actions.totp_uri(member=member, secret=secret)
    return render(
        request,
        "network/two_factor_setup.html",
        {"form": form, "secret": secret, "qr": mark_safe(_qr_svg(uri))},  # noqa: S308 - segno's own SVG
    )


@access.members(allow_unvetted=True)
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return _to_sign_in("signed-out")


@access.public
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.password_reset_send(email=form.cleaned_data["email"])
        return render(request, "network/password_reset_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "network/password_reset.html", {"form": form})


class _ResetForm(NewPasswordMixin):
    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        self.member = member
        super().__init__(*args, **kwargs)

    def user_for_validation(self) -> Member:
        return self.member


@access.public
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        member = Member.objects.filter(pk=int(force_str(urlsafe_base64_decode(uidb64))), is_active=True).first()
    except (ValueError, TypeError):
        member = None
    if member is None or not default_token_generator.check_token(member, token):
        return error_page(
            request,
            title=_("This reset link does not work"),
            message=_("It may have expired or been used already. Ask for a new one from the sign-in page."),
            status=400,
        )
    form = _ResetForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        member.set_password(form.cleaned_data["password1"])
        member.save(update_fields=["password"])
        return _to_sign_in("password-changed")
    return render(request, "network/password_reset_confirm.html", {"form": form})


@access.public
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = actions.invitation_for_token(token)
    except actions.ActionRefused as refusal:
        return error_page(request, title=_("This invitation cannot be used"), message=str(refusal), status=410)
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.invitation_accept(
                token=token, full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password1"]
            )
        except actions.ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return _to_sign_in("account-ready")
    return render(request, "network/invitation_accept.html", {"form": form, "invitation": invitation})


@access.members(allow_unvetted=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    return render(request, "network/dashboard.html", {"member": member, "roles": Role})


@access.members(allow_unvetted=True)
def my_sign_ins(request: HttpRequest) -> HttpResponse:
    events = SignInEvent.objects.filter(member=_member(request))[:50]
    return render(request, "network/my_sign_ins.html", {"events": events})


@access.members(allow_unvetted=True)
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(_member(request), request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = form.save()
        update_session_auth_hash(request, member)
        messages.success(request, _("Your password is changed."))
        return redirect("network:dashboard")
    return render(
        request, "core/form.html", {"form": form, "title": _("Change your password"), "submit": _("Change password")}
    )


@access.members(Role.ORG_ADMIN)
def organisation_staff(request: HttpRequest) -> HttpResponse:
    admin = _member(request)
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
    return get_object_or_404(Member, pk=member_id, organisation=_member(request).organisation, is_active=True)


@access.members(Role.ORG_ADMIN)
@require_POST
def member_remove(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _own_staff_member(request, member_id)
    return _staff_action(
        request,
        lambda: actions.member_remove(by=_member(request), member=member),
        _("%(name)s no longer has access.") % {"name": member.full_name},
    )


@access.members(Role.ORG_ADMIN)
@require_POST
def member_two_factor_reset(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _own_staff_member(request, member_id)
    return _staff_action(
        request,
        lambda: actions.two_factor_reset(by=_member(request), member=member),
        _("%(name)s will set up a new authenticator at their next sign-in.") % {"name": member.full_name},
    )


@access.members(Role.ORG_ADMIN)
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=invitation_id, organisation=_member(request).organisation)
    return _staff_action(
        request,
        lambda: actions.invitation_revoke(by=_member(request), invitation=invitation),
        _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email},
    )


@access.members(Role.ORG_ADMIN)
def organisation_audit(request: HttpRequest) -> HttpResponse:
    admin = _member(request)
    entries = AuditEntry.objects.filter(organisation_id=admin.organisation_id)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    names: dict[int | None, str] = dict(
        Member.objects.filter(pk__in={e.actor_id for e in page}).values_list("pk", "full_name")
    )
    rows = [(entry, names.get(entry.actor_id) or entry.system_actor or "") for entry in page]
    return render(request, "network/organisation_audit.html", {"page": page, "rows": rows})


@access.members(Role.COORDINATOR)
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


@access.members(Role.COORDINATOR)
def organisation_new(request: HttpRequest) -> HttpResponse:
    coordinator = _member(request)
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


@access.members(Role.COORDINATOR)
def organisation_vet(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    form = VettingForm(
        request.POST or None, initial={"status": organisation.vetting_status, "note": organisation.vetting_note}
    )
    if request.method == "POST" and form.is_valid():
        actions.organisation_vet(
            by=_member(request),
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


@access.members(Role.COORDINATOR)
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


# Announcements: the network's listserv, with an archive and a thread under each message.


@access.members()
def announcements(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    visible = Announcement.objects.visible_to(member).select_related("author__organisation", "working_group")
    page = Paginator(visible.annotate(reply_count=Count("replies")).order_by("-sent_at", "-id"), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "network/announcements.html",
        {"page": page, "may_write": actions.may_address_anything(member), "delivery": Delivery(member.delivery)},
    )


@access.members()
def announcement_new(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if not actions.may_address_anything(member):
        return access.forbidden(request)
    form = AnnouncementForm(request.POST or None, member=member)
    # Nothing is sent before the author has seen how many members it goes to and pressed "send".
    if request.method == "POST" and "change" not in request.POST and form.is_valid():
        if "send" not in request.POST:
            recipients, emailed = form.instance.audience_reach()
            return render(
                request,
                "network/announcement_confirm.html",
                {"form": form, "announcement": form.instance, "recipients": recipients, "emailed": emailed},
            )
        try:
            announcement = actions.announcement_send(
                by=member,
                audience=form.cleaned_data["audience"],
                working_group=form.cleaned_data["working_group"],
                province=form.cleaned_data["province"],
                open_to_liaisons=form.cleaned_data["open_to_liaisons"],
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except actions.ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Your announcement is sent and filed in the archive."))
            return redirect("network:announcement_detail", announcement_id=announcement.pk)
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": _("New announcement"),
            "intro": _(
                "Members who chose every message get it by email now; the others find it in their daily digest "
                "and in the archive. Never write about a person here."
            ),
            "submit": _("Check before sending"),
        },
    )


def _visible_announcement(request: HttpRequest, announcement_id: int) -> Announcement:
    """The announcement if the member may read it; a 404 otherwise, so outsiders learn nothing."""
    announcement: Announcement = get_object_or_404(
        Announcement.objects.visible_to(_member(request)).select_related("author__organisation", "working_group"),
        pk=announcement_id,
    )
    return announcement


@access.members()
def announcement_detail(request: HttpRequest, announcement_id: int) -> HttpResponse:
    announcement = _visible_announcement(request, announcement_id)
    replies = announcement.replies.select_related("author__organisation")
    return render(
        request,
        "network/announcement_detail.html",
        {"announcement": announcement, "replies": replies, "form": ReplyForm()},
    )


@access.members()
@require_POST
def announcement_reply(request: HttpRequest, announcement_id: int) -> HttpResponse:
    announcement = _visible_announcement(request, announcement_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        actions.reply_post(by=_member(request), announcement=announcement, body=form.cleaned_data["body"])
        messages.success(request, _("Your reply is posted."))
        return redirect("network:announcement_detail", announcement_id=announcement.pk)
    replies = announcement.replies.select_related("author__organisation")
    return render(
        request,
        "network/announcement_detail.html",
        {"announcement": announcement, "replies": replies, "form": form},
        status=400,
    )


@access.members()
def delivery_preference(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    form = DeliveryForm(request.POST or None, initial={"delivery": member.delivery})
    if request.method == "POST" and form.is_valid():
        actions.delivery_set(member=member, delivery=form.cleaned_data["delivery"])
        messages.success(request, _("Your choice is saved."))
        return redirect("network:announcements")
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": _("Network email"),
            "intro": _("The daily digest gathers everything sent to you since the last one, in one email."),
            "submit": _("Save"),
        },
    )


@access.public
@csrf_exempt  # RFC 8058: mail providers post the one-click request with no session and no CSRF token.
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe. GET only asks (link scanners and prefetchers must not unsubscribe anyone)."""
    member = actions.member_for_unsubscribe_token(token)
    if member is None:
        return error_page(
            request,
            title=_("This link does not work"),
            message=_("Check that you copied all of it, or sign in and change your choice of network email."),
            status=400,
        )
    done = False
    if request.method == "POST":
        actions.member_unsubscribe(member=member)
        done = True
    return render(request, "network/unsubscribe.html", {"done": done})


# Meetings of a working group or of the network.


@access.members()
def meetings(request: HttpRequest) -> HttpResponse:
    member = _member(request)
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
        Meeting.objects.visible_to(_member(request)).select_related("working_group"), pk=meeting_id
    )
    return meeting


def _may_organise(member: Member, meeting: Meeting) -> bool:
    return actions.may_address(member, audience=meeting.audience, working_group=meeting.working_group)


@access.members()
def meeting_edit(request: HttpRequest, meeting_id: int | None = None) -> HttpResponse:
    """Schedules a meeting, or changes one (its agenda before, its minutes after)."""
    member = _member(request)
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
    member = _member(request)
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
        MeetingReport.objects.filter(meeting__in=Meeting.objects.visible_to(_member(request))), pk=report_id
    )
    return stored_file(report.file, filename=report.download_name, content_type=report.content_type)


# Organisation profiles and the directory of partners.


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
    member = _member(request)
    return render(
        request,
        "network/organisation_profile.html",
        {
            "organisation": organisation,
            "groups": organisation.working_groups.all(),
            "may_edit": member.is_org_admin and member.organisation_id == organisation.pk,
        },
    )


@access.members(Role.ORG_ADMIN)
def organisation_profile_edit(request: HttpRequest) -> HttpResponse:
    admin = _member(request)
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


# The recommendation tracker: public, and updated by coordinators.


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


@access.members(Role.COORDINATOR)
def recommendation_status_add(request: HttpRequest, code: str) -> HttpResponse:
    recommendation = get_object_or_404(Recommendation, code=code)
    form = RecommendationStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.recommendation_status_add(
            by=_member(request),
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
