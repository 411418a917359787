"""Deferred work runs after the transaction commits, and never for work that was rolled back."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from harbour.core.mail import email_send


@pytest.mark.django_db
def test_an_email_is_sent_once_the_transaction_commits(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email_send(to="someone@cast.example", subject="Hello", body="Body")
        assert mail.outbox == []  # not before the commit
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [["someone@cast.example"]]


@pytest.mark.django_db(transaction=True)
def test_no_email_leaves_for_work_that_was_rolled_back() -> None:
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        email_send(to="someone@cast.example", subject="Hello", body="Body")
        raise Abort
    assert mail.outbox == []
    email_send(to="someone@cast.example", subject="Hello", body="Body")  # autocommit: runs at once
    assert len(mail.outbox) == 1
