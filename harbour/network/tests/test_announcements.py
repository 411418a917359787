"""Announcements reach the right members by email, in the form each chose, and stay inside their audience."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from harbour.gunicorn_logging import redact_path
from harbour.network import actions
from harbour.network.models import Announcement, Audience, Delivery, Member, Reply
from harbour.network.tests.conftest import Groups, Inbox, body_of
from harbour.testing import Cast, signed_in

pytestmark = pytest.mark.django_db


def _every_message(*members: Member) -> None:
    for member in members:
        actions.delivery_set(member=member, delivery=Delivery.EVERY)


def _send(capture: Any, **kwargs: Any) -> Announcement:
    with capture(execute=True):
        return actions.announcement_send(**kwargs)


def test_a_working_group_announcement_reaches_only_that_groups_members(
    cast: Cast, groups: Groups, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    _every_message(*cast.members().values())
    _send(
        django_capture_on_commit_callbacks,
        by=cast.cora,
        audience=Audience.WORKING_GROUP,
        working_group=groups.toronto,
        subject="Toronto: shelter beds this winter",
        body="Who has room?",
    )
    assert smtp.recipients() == {"alice@cast.example", "bob@cast.example", "hana@cast.example"}
    message = smtp.to("bob@cast.example")[0]
    assert message["Subject"] == "[Harbour] Toronto: shelter beds this winter"
    assert "Who has room?" in body_of(message)


def test_a_province_announcement_reaches_that_provinces_organisations(
    cast: Cast, groups: Groups, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    _every_message(*cast.members().values())
    _send(
        django_capture_on_commit_callbacks,
        by=cast.cora,
        audience=Audience.PROVINCE,
        province="MB",
        subject="Manitoba labour standards consultation",
        body="Comments due Friday.",
    )
    assert smtp.recipients() == {"carol@cast.example", "omar@cast.example"}


def test_the_whole_network_gets_it_but_liaisons_only_when_it_is_opened_to_them(
    cast: Cast, groups: Groups, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    _every_message(*cast.members().values())
    _send(django_capture_on_commit_callbacks, by=cast.cora, audience=Audience.NETWORK, subject="NGOs only", body="x")
    everyone_vetted_but_the_liaison = {
        f"{name}@cast.example" for name in ("alice", "bob", "hana", "carol", "omar", "cora", "rhea")
    }
    assert smtp.recipients() == everyone_vetted_but_the_liaison
    smtp.clear()
    _send(
        django_capture_on_commit_callbacks,
        by=cast.cora,
        audience=Audience.NETWORK,
        open_to_liaisons=True,
        subject="National forum: open session",
        body="x",
    )
    assert smtp.recipients() == everyone_vetted_but_the_liaison | {"lee@cast.example"}
    assert "pat@cast.example" not in smtp.recipients()  # an organisation waiting for vetting gets nothing


def test_members_who_chose_the_digest_or_nothing_get_no_immediate_email(
    cast: Cast, groups: Groups, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    actions.delivery_set(member=cast.hana, delivery=Delivery.NONE)
    # alice (administrator) gets every message by default; bob (case worker) the daily digest.
    _send(
        django_capture_on_commit_callbacks,
        by=cast.cora,
        audience=Audience.WORKING_GROUP,
        working_group=groups.toronto,
        subject="x",
        body="x",
    )
    assert smtp.recipients() == {"alice@cast.example"}


def test_the_digest_groups_everything_since_the_last_one_and_is_sent_once(
    cast: Cast, groups: Groups, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    assert cast.bob.delivery == Delivery.DIGEST  # a case worker's default
    for subject in ("First for Toronto", "Second for Toronto"):
        _send(
            django_capture_on_commit_callbacks,
            by=cast.cora,
            audience=Audience.WORKING_GROUP,
            working_group=groups.toronto,
            subject=subject,
            body=f"Body of {subject}",
        )
    _send(
        django_capture_on_commit_callbacks,
        by=cast.cora,
        audience=Audience.WORKING_GROUP,
        working_group=groups.winnipeg,
        subject="Winnipeg only",
        body="x",
    )
    smtp.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests")
    digests = smtp.to("bob@cast.example")
    assert len(digests) == 1
    assert digests[0]["Subject"] == "[Harbour] Daily digest: 2 messages"
    text = body_of(digests[0])
    assert "First for Toronto" in text and "Second for Toronto" in text
    assert text.index("First for Toronto") < text.index("Second for Toronto")
    assert "Winnipeg only" not in text
    # carol (Winnipeg) gets hers, with only Winnipeg's; alice gets every message as sent, so no digest.
    assert ["Winnipeg only" in body_of(m) for m in smtp.to("carol@cast.example")] == [True]
    assert smtp.to("alice@cast.example") == []
    assert smtp.to("lee@cast.example") == []

    smtp.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests")  # the timer fired twice: nothing new, nothing sent
    assert smtp.received == []

    Announcement.objects.update(sent_at=timezone.now() - timedelta(minutes=5))
    _send(
        django_capture_on_commit_callbacks,
        by=cast.cora,
        audience=Audience.WORKING_GROUP,
        working_group=groups.toronto,
        subject="Third for Toronto",
        body="x",
    )
    smtp.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests")
    (digest,) = smtp.to("bob@cast.example")
    assert digest["Subject"] == "[Harbour] Daily digest: 1 message"
    assert "Third for Toronto" in body_of(digest)
    assert "First for Toronto" not in body_of(digest)


def _unsubscribe_path(message: Any) -> str:
    header = str(message["List-Unsubscribe"]).strip()
    match = re.fullmatch(r"<(.+)>", header)
    assert match is not None, header
    return urlsplit(match.group(1)).path


def test_one_click_unsubscribe_from_the_email_headers_works_without_signing_in(
    cast: Cast, groups: Groups, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    _every_message(cast.bob)
    _send(
        django_capture_on_commit_callbacks,
        by=cast.cora,
        audience=Audience.WORKING_GROUP,
        working_group=groups.toronto,
        subject="x",
        body="x",
    )
    (message,) = smtp.to("bob@cast.example")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = _unsubscribe_path(message)
    assert path in body_of(message)  # the same link, for people, in the footer

    # RFC 8058: the mail provider posts this body to the header's address, with no session or CSRF token.
    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    cast.bob.refresh_from_db()
    assert cast.bob.delivery == Delivery.NONE

    smtp.clear()
    _send(
        django_capture_on_commit_callbacks,
        by=cast.cora,
        audience=Audience.WORKING_GROUP,
        working_group=groups.toronto,
        subject="after",
        body="x",
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests")
    assert smtp.to("bob@cast.example") == []


def test_opening_the_unsubscribe_link_only_asks_so_link_scanners_unsubscribe_no_one(cast: Cast) -> None:
    actions.delivery_set(member=cast.bob, delivery=Delivery.EVERY)
    path = reverse("network:unsubscribe", kwargs={"token": actions.unsubscribe_token(cast.bob)})
    response = Client().get(path)
    assert response.status_code == 200
    assert b'<form autocomplete="off" method="post">' in response.content
    cast.bob.refresh_from_db()
    assert cast.bob.delivery == Delivery.EVERY
    response = Client().post(path)  # the page's own button
    cast.bob.refresh_from_db()
    assert cast.bob.delivery == Delivery.NONE


def test_a_forged_unsubscribe_token_changes_nothing(cast: Cast) -> None:
    signed = urlsafe_base64_decode(actions.unsubscribe_token(cast.bob)).decode()
    forged = urlsafe_base64_encode(signed.replace(f"{cast.bob.pk}:", f"{cast.carol.pk}:", 1).encode())
    for bad in ("not-a-token", forged, "%E2%9C%93"):
        response = Client().post(reverse("network:unsubscribe", kwargs={"token": bad}))
        assert response.status_code == 400
    assert Member.objects.filter(announcement_delivery=Delivery.NONE).count() == 0


def test_a_member_of_another_working_group_never_sees_its_messages(
    cast: Cast, groups: Groups, django_capture_on_commit_callbacks: Any
) -> None:
    announcement = _send(
        django_capture_on_commit_callbacks,
        by=cast.cora,
        audience=Audience.WORKING_GROUP,
        working_group=groups.toronto,
        subject="Toronto members only",
        body="Confidential planning",
    )
    actions.reply_post(by=cast.bob, announcement=announcement, body="A reply only Toronto should read")
    detail = reverse("network:announcement_detail", args=[announcement.pk])
    reply = reverse("network:announcement_reply", args=[announcement.pk])
    for outsider in (cast.carol, cast.omar, cast.lee, cast.rhea):
        client = signed_in(outsider)
        archive = client.get(reverse("network:announcements"))
        assert archive.status_code == 200
        assert b"Toronto members only" not in archive.content
        assert client.get(detail).status_code == 404
        assert client.post(reply, {"body": "let me in"}).status_code == 404
        with pytest.raises(actions.ActionRefused):
            actions.reply_post(by=outsider, announcement=announcement, body="x")
    assert list(Reply.objects.values_list("author__email", flat=True)) == ["bob@cast.example"]
    # Guessing addresses tells an outsider nothing: a real message answers as one that does not exist.
    missing = reverse("network:announcement_detail", args=[announcement.pk + 1000])
    for outsider in (cast.carol, cast.pat):
        client = signed_in(outsider)
        assert client.get(detail).status_code == client.get(missing).status_code in {403, 404}
    insider = signed_in(cast.hana).get(detail)
    assert b"Confidential planning" in insider.content
    assert b"A reply only Toronto should read" in insider.content
    assert b"Toronto members only" in signed_in(cast.cora).get(reverse("network:announcements")).content


def test_liaisons_read_only_what_was_opened_to_them(
    cast: Cast, groups: Groups, django_capture_on_commit_callbacks: Any
) -> None:
    closed = _send(
        django_capture_on_commit_callbacks, by=cast.cora, audience=Audience.NETWORK, subject="Closed", body="x"
    )
    opened = _send(
        django_capture_on_commit_callbacks,
        by=cast.cora,
        audience=Audience.NETWORK,
        open_to_liaisons=True,
        subject="Opened",
        body="x",
    )
    client = signed_in(cast.lee)
    assert client.get(reverse("network:announcement_detail", args=[closed.pk])).status_code == 404
    assert client.get(reverse("network:announcement_detail", args=[opened.pk])).status_code == 200
    assert client.post(reverse("network:announcement_reply", args=[opened.pk]), {"body": "Thanks"}).status_code == 302
    assert signed_in(cast.rhea).get(reverse("network:announcement_detail", args=[closed.pk])).status_code == 200


def test_members_reply_in_the_thread_and_bad_input_keeps_what_was_typed(
    cast: Cast, groups: Groups, django_capture_on_commit_callbacks: Any
) -> None:
    announcement = _send(
        django_capture_on_commit_callbacks,
        by=cast.cora,
        audience=Audience.WORKING_GROUP,
        working_group=groups.toronto,
        subject="Thread",
        body="x",
    )
    client = signed_in(cast.bob)
    url = reverse("network:announcement_reply", args=[announcement.pk])
    too_long = "y" * 10001
    response = client.post(url, {"body": too_long})
    assert response.status_code == 400
    assert too_long.encode() in response.content
    assert client.post(url, {"body": "We can host"}).status_code == 302
    assert (
        b"We can host"
        in signed_in(cast.alice).get(reverse("network:announcement_detail", args=[announcement.pk])).content
    )


def test_only_coordinators_and_the_groups_representative_send(cast: Cast, groups: Groups) -> None:
    with pytest.raises(actions.ActionRefused):
        actions.announcement_send(
            by=cast.alice, audience=Audience.WORKING_GROUP, working_group=groups.toronto, subject="x", body="x"
        )
    assert signed_in(cast.alice).get(reverse("network:announcement_new")).status_code == 403
    groups.toronto.representative = cast.alice
    groups.toronto.save()
    actions.announcement_send(
        by=cast.alice, audience=Audience.WORKING_GROUP, working_group=groups.toronto, subject="x", body="x"
    )
    for elsewhere in (
        {"audience": Audience.WORKING_GROUP, "working_group": groups.winnipeg},
        {"audience": Audience.NETWORK},
    ):
        with pytest.raises(actions.ActionRefused):
            actions.announcement_send(by=cast.alice, subject="x", body="x", **elsewhere)
    response = signed_in(cast.alice).get(reverse("network:announcement_new"))
    assert response.status_code == 200
    assert b"Winnipeg working group" not in response.content


def test_sending_from_the_page(
    cast: Cast, groups: Groups, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(cast.cora)
    url = reverse("network:announcement_new")
    response = client.post(url, {"subject": "Kept subject", "body": "Kept body"})
    assert response.status_code == 200  # no audience chosen: the form comes back with what was typed
    assert b"Kept subject" in response.content and b"Kept body" in response.content
    typed = {"send_to": f"group:{groups.toronto.pk}", "subject": "From the page", "body": "x"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**typed, "send": "1"})
    assert response.status_code == 302
    assert smtp.recipients() == {"alice@cast.example"}  # bob and hana take the digest by default


def test_the_audience_is_one_explicit_choice_and_the_author_sees_how_many_receive_it(
    cast: Cast, groups: Groups, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    """Picking a group while a default audience stayed on "the whole network" once sent to everyone."""
    client = signed_in(cast.cora)
    url = reverse("network:announcement_new")
    page = client.get(url).content.decode()
    assert re.findall(r'<option value="[^"]+"[^>]* selected', page) == []  # nothing chosen for the author
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"audience": Audience.NETWORK, "working_group": groups.toronto.pk, "subject": "Beds", "body": "x"}
        )
    assert response.status_code == 200 and b"errorlist" in response.content
    assert not Announcement.objects.exists() and smtp.received == []

    typed = {"send_to": f"group:{groups.toronto.pk}", "subject": "Beds in Toronto", "body": "Who has room?"}
    with django_capture_on_commit_callbacks(execute=True):
        check = client.post(url, typed)
    assert check.status_code == 200
    page = check.content.decode()
    # alice, bob and hana are in the Toronto group; only alice (an administrator) takes every message.
    assert "To Toronto working group: 3 members will receive it." in page
    assert "1 of them gets it by email now" in page
    assert "Send to 3 members" in page and "Who has room?" in page
    assert not Announcement.objects.exists() and smtp.received == []

    changed = client.post(url, {**typed, "change": "1"})
    assert changed.status_code == 200 and b'name="send_to"' in changed.content and b"Beds in Toronto" in changed.content
    assert re.search(rf'<option value="group:{groups.toronto.pk}" selected>', changed.content.decode())

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {**typed, "send": "1"})
    assert sent.status_code == 302
    announcement = Announcement.objects.get()
    assert (announcement.audience, announcement.working_group) == (Audience.WORKING_GROUP, groups.toronto)
    assert smtp.recipients() == {"alice@cast.example"}


def test_a_representative_can_choose_only_their_own_group(cast: Cast, groups: Groups) -> None:
    groups.toronto.representative = cast.alice
    groups.toronto.save()
    client = signed_in(cast.alice)
    url = reverse("network:announcement_new")
    for elsewhere in ("network", "province:ON", f"group:{groups.winnipeg.pk}"):
        response = client.post(url, {"send_to": elsewhere, "subject": "x", "body": "x", "send": "1"})
        assert response.status_code == 200 and b"errorlist" in response.content
    assert not Announcement.objects.exists()


def test_members_choose_how_they_receive_network_email(cast: Cast) -> None:
    client = signed_in(cast.bob)
    url = reverse("network:delivery_preference")
    assert client.post(url, {"delivery": "sometimes"}).status_code == 200
    assert client.post(url, {"delivery": Delivery.EVERY}).status_code == 302
    cast.bob.refresh_from_db()
    assert cast.bob.delivery == Delivery.EVERY


def test_role_defaults() -> None:
    from harbour.core.roles import Role

    assert Member(role=Role.COORDINATOR).delivery == Delivery.EVERY
    assert Member(role=Role.ORG_ADMIN).delivery == Delivery.EVERY
    assert Member(role=Role.CASE_WORKER).delivery == Delivery.DIGEST
    assert Member(role=Role.LIAISON).delivery == Delivery.DIGEST
    assert Member(role=Role.CASE_WORKER, announcement_delivery=Delivery.NONE).delivery == Delivery.NONE


def test_the_unsubscribe_token_is_cut_from_the_access_log(cast: Cast) -> None:
    path = reverse("network:unsubscribe", kwargs={"token": actions.unsubscribe_token(cast.bob)})
    assert redact_path(path) == "/en/unsubscribe/[token]/"


def test_a_recipient_the_mail_server_refuses_does_not_stop_the_others_or_the_page(
    cast: Cast, groups: Groups, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    _every_message(*cast.members().values())
    smtp.refused = {"bob@cast.example"}
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(cast.cora).post(
            reverse("network:announcement_new"),
            {"send_to": f"group:{groups.toronto.pk}", "subject": "Beds", "body": "x", "send": "1"},
        )
    assert response.status_code == 302
    assert Announcement.objects.filter(subject="Beds").exists()
    assert smtp.recipients() == {"alice@cast.example", "hana@cast.example"}


def test_a_refused_digest_does_not_stop_the_other_digests(
    cast: Cast, groups: Groups, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    for group in (groups.toronto, groups.winnipeg):
        _send(
            django_capture_on_commit_callbacks,
            by=cast.cora,
            audience=Audience.WORKING_GROUP,
            working_group=group,
            subject=f"For {group.city}",
            body="x",
        )
    smtp.clear()
    smtp.refused = {"bob@cast.example"}
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests")
    assert smtp.recipients() == {"hana@cast.example", "carol@cast.example"}
    assert smtp.to("pat@cast.example") == []  # an organisation waiting for vetting gets no digest


def test_a_member_who_turns_to_the_digest_is_not_sent_again_what_was_emailed_before(
    cast: Cast, groups: Groups, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    assert cast.alice.delivery == Delivery.EVERY  # an administrator's default
    _send(
        django_capture_on_commit_callbacks,
        by=cast.cora,
        audience=Audience.WORKING_GROUP,
        working_group=groups.toronto,
        subject="Already emailed",
        body="x",
    )
    assert len(smtp.to("alice@cast.example")) == 1
    actions.delivery_set(member=cast.alice, delivery=Delivery.DIGEST)
    _send(
        django_capture_on_commit_callbacks,
        by=cast.cora,
        audience=Audience.WORKING_GROUP,
        working_group=groups.toronto,
        subject="After the change",
        body="x",
    )
    smtp.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests")
    (digest,) = smtp.to("alice@cast.example")
    assert "After the change" in body_of(digest)
    assert "Already emailed" not in body_of(digest)


def test_a_subject_with_a_line_break_still_reaches_everyone(
    cast: Cast, groups: Groups, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    # A crafted form post can put a line break in a one-line field; a mail header cannot hold one.
    _send(
        django_capture_on_commit_callbacks,
        by=cast.cora,
        audience=Audience.WORKING_GROUP,
        working_group=groups.toronto,
        subject="Beds\r\nBcc: someone@elsewhere.example",
        body="x",
    )
    (message,) = smtp.to("alice@cast.example")
    assert message["Subject"] == "[Harbour] Beds Bcc: someone@elsewhere.example"
    assert smtp.recipients() == {"alice@cast.example"}


def test_each_member_gets_the_email_and_its_links_in_their_own_language(
    cast: Cast, groups: Groups, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    Member.objects.filter(pk=cast.hana.pk).update(preferred_language="fr")
    _every_message(cast.alice, cast.hana)
    announcement = _send(
        django_capture_on_commit_callbacks,
        by=cast.cora,
        audience=Audience.WORKING_GROUP,
        working_group=groups.toronto,
        subject="x",
        body="x",
    )
    french, english = body_of(smtp.to("hana@cast.example")[0]), body_of(smtp.to("alice@cast.example")[0])
    assert f"/fr/members/announcements/{announcement.pk}/" in french
    assert "/fr/unsubscribe/" in french
    assert f"/en/members/announcements/{announcement.pk}/" in english
