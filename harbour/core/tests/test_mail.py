"""Mail leaves through one task; a failure never names its recipient, and a subject is one line."""

from __future__ import annotations

import smtplib
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from harbour.core import mail as harbour_mail
from harbour.core.mail import MailNotSent, email_send, seal_message, send_email_task


def test_a_refused_recipient_fails_the_task_without_its_address(monkeypatch: pytest.MonkeyPatch):
    def refuse(self: EmailMessage, fail_silently: bool = False) -> int:
        raise smtplib.SMTPRecipientsRefused({"alice@example.org": (550, b"no such user alice@example.org")})

    monkeypatch.setattr(EmailMessage, "send", refuse)
    with pytest.raises(MailNotSent) as failed:
        send_email_task.call(sealed=seal_message({"to": "alice@example.org", "subject": "Meeting", "body": "Hello"}))
    assert "alice" not in str(failed.value) and str(failed.value) == "SMTPRecipientsRefused"
    assert failed.value.__cause__ is None and failed.value.__suppress_context__


@pytest.mark.django_db
def test_a_subject_with_line_breaks_goes_out_on_one_line(django_capture_on_commit_callbacks: Any):
    with django_capture_on_commit_callbacks(execute=True):
        email_send(to="bob@example.org", subject="Invitation to\nHarbour  House\r\n", body="Welcome")
    assert [m.subject for m in mail.outbox] == ["Invitation to Harbour House"]


@pytest.mark.django_db
def test_a_queued_message_waits_sealed(monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any):
    queued: list[dict[str, Any]] = []
    monkeypatch.setattr(harbour_mail, "defer", lambda task, **kwargs: queued.append(kwargs))
    email_send(to="carol@example.org", subject="Reset", body="https://harbour.example/reset/SECRET-TOKEN/")
    assert list(queued[0]) == ["sealed"]
    assert "carol" not in queued[0]["sealed"] and "SECRET-TOKEN" not in queued[0]["sealed"]
    assert harbour_mail.open_message(queued[0]["sealed"])["to"] == "carol@example.org"
