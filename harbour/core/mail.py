"""Email leaves Harbour through one deferred task."""

from __future__ import annotations

import json
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django_tasks import task
from nacl.encoding import RawEncoder, URLSafeBase64Encoder
from nacl.hash import blake2b
from nacl.secret import SecretBox

from harbour.core.tasks import defer


def _queue_box() -> SecretBox:
    # A key of its own, derived from the master key: a queued message waits in the task
    # queue's table or in Redis, and holds an address and, for invitations and resets, a link
    # that signs someone in. A copy of the queue without the master key reads as noise.
    return SecretBox(blake2b(b"", key=settings.HARBOUR_MASTER_KEY, person=b"harbour-mailq", encoder=RawEncoder))


def seal_message(message: dict[str, Any]) -> str:
    return _queue_box().encrypt(json.dumps(message).encode(), encoder=URLSafeBase64Encoder).decode("ascii")


def open_message(sealed: str) -> dict[str, Any]:
    opened: dict[str, Any] = json.loads(_queue_box().decrypt(sealed.encode("ascii"), encoder=URLSafeBase64Encoder))
    return opened


@task()
def send_email_task(*, sealed: str) -> None:
    """Send one queued message; its recipient, subject and body travel sealed (`seal_message`)."""
    fields = open_message(sealed)
    to, subject, body = fields["to"], fields["subject"], fields["body"]
    headers, attachments = fields.get("headers"), fields.get("attachments")
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to], headers=headers or {})
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    try:
        message.send()
    except smtplib.SMTPException as error:
        # The task runner logs a failed task with its traceback, and a refused recipient's error
        # carries the address: the failure is logged by kind only, never with whom it was for.
        raise MailNotSent(type(error).__name__) from None


class MailNotSent(Exception):
    """A message the mail server did not take; its text names the kind of failure, never a recipient."""


def email_send(
    *,
    to: str,
    subject: str,
    body: str,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, str]] | None = None,
) -> None:
    """Queue one email. `headers` (e.g. List-Unsubscribe) and text `attachments` (name, content, type) are optional.

    The subject is put on one line: a name inside it (an organisation's, a meeting's) may hold a line
    break, which mail refuses in a header.
    """
    subject = " ".join(subject.split())
    message = {"to": to, "subject": subject, "body": body, "headers": headers, "attachments": attachments}
    defer(send_email_task, sealed=seal_message(message))
