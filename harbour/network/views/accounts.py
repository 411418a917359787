"""Signing in (password, then two-factor), password reset, accepting an invitation, and the member's own pages."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlencode, urlsafe_base64_decode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from harbour.core import access
from harbour.core.responses import error_page
from harbour.core.roles import Role
from harbour.network import actions, password_hooks
from harbour.network.forms import CodeForm, InvitationAcceptForm, NewPasswordMixin, PasswordResetRequestForm, SignInForm
from harbour.network.models import Member, SignInEvent

PENDING_KEY = "harbour_pending_member"


PENDING_SECRET_KEY = "harbour_pending_totp_secret"  # noqa: S105 - a session key name


PENDING_SECONDS = 300


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
                password_hooks.password_entered(request=request, member=member, password=form.cleaned_data["password"])
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
        password_hooks.password_entered(request=request, member=member, password=form.cleaned_data["password1"])
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
    member = access.signed_in_member(request)
    return render(request, "network/dashboard.html", {"member": member, "roles": Role})


@access.members(allow_unvetted=True)
def my_sign_ins(request: HttpRequest) -> HttpResponse:
    events = SignInEvent.objects.filter(member=access.signed_in_member(request))[:50]
    return render(request, "network/my_sign_ins.html", {"events": events})


@access.members(allow_unvetted=True)
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(access.signed_in_member(request), request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = form.save()
        update_session_auth_hash(request, member)
        password_hooks.password_entered(
            request=request,
            member=member,
            password=form.cleaned_data["new_password1"],
            previous_password=form.cleaned_data["old_password"],
        )
        messages.success(request, _("Your password is changed."))
        return redirect("network:dashboard")
    return render(
        request, "core/form.html", {"form": form, "title": _("Change your password"), "submit": _("Change password")}
    )
