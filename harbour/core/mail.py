"""Email leaves Harbour through one deferred task."""

from __future__ import annotations

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
    message.send()


def email_send(
    *,
    to: str,
    subject: str,
    body: str,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, str]] | None = None,
) -> None:
    """Queue one email. `headers` (e.g. List-Unsubscribe) and text `attachments` (name, content, type) are optional."""
    defer(send_email_task, to=to, subject=subject, body=body, headers=headers, attachments=attachments)
