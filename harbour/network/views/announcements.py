"""Announcements: the network's listserv, with an archive, a thread under each message, and unsubscribing."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from harbour.core import access
from harbour.core.responses import error_page
from harbour.network import actions
from harbour.network.forms import AnnouncementForm, DeliveryForm, ReplyForm
from harbour.network.models import Announcement, Delivery


@access.members()
def announcements(request: HttpRequest) -> HttpResponse:
    member = access.signed_in_member(request)
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
    member = access.signed_in_member(request)
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
        Announcement.objects.visible_to(access.signed_in_member(request)).select_related(
            "author__organisation", "working_group"
        ),
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
        actions.reply_post(
            by=access.signed_in_member(request), announcement=announcement, body=form.cleaned_data["body"]
        )
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
    member = access.signed_in_member(request)
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
