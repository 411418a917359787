"""Email leaves Harbour through one deferred task."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django_tasks import task

from harbour.core.tasks import defer


@task()
def send_email_task(
    *,
    to: str,
    subject: str,
    body: str,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, str]] | None = None,
) -> None:
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
    defer(send_email_task, to=to, subject=subject, body=body, headers=headers, attachments=attachments)
