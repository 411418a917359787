"""Email leaves Harbour through one deferred task."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from harbour.core.tasks import defer


@task()
def send_email_task(*, to: str, subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def email_send(*, to: str, subject: str, body: str) -> None:
    defer(send_email_task, to=to, subject=subject, body=body)
