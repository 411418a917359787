"""A real SMTP server on loopback for the network's email tests, and helpers to read what it received."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.conf import LazySettings

from harbour.network.models import WorkingGroup
from harbour.testing import Cast


@dataclass
class Inbox:
    """Every message the server accepted, with the envelope recipients."""

    received: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Addresses the server refuses, as a real one does for a full or closed mailbox.
    refused: set[str] = field(default_factory=set)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.refused:
            return "550 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def recipients(self) -> set[str]:
        return {address for rcpt_tos, _message in self.received for address in rcpt_tos}

    def to(self, address: str) -> list[EmailMessage]:
        return [message for rcpt_tos, message in self.received if address in rcpt_tos]

    def clear(self) -> None:
        self.received.clear()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(settings: LazySettings) -> Iterator[Inbox]:
    """Sends Django's email through Django's SMTP backend to a server started here and stopped after."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.HARBOUR_SITE_URL = "http://testserver"
    try:
        yield inbox
    finally:
        controller.stop()


@dataclass
class Groups:
    toronto: WorkingGroup
    winnipeg: WorkingGroup


@pytest.fixture
def groups(cast: Cast) -> Groups:
    """Harbour House is in the Toronto group; Prairie Legal Clinic in the Winnipeg group."""
    toronto = WorkingGroup.objects.create(name="Toronto working group", city="Toronto", province="ON")
    toronto.organisations.add(cast.harbour_house)
    winnipeg = WorkingGroup.objects.create(name="Winnipeg working group", city="Winnipeg", province="MB")
    winnipeg.organisations.add(cast.prairie_clinic)
    return Groups(toronto=toronto, winnipeg=winnipeg)


def body_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())
