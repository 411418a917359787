"""The one check every share of a case's data goes through.

`check(case, purpose, recipient, categories)` returns the consent in force that
allows it, or raises `ConsentRefused` with a reason a worker can read. Call it
at the moment of sharing, inside the transaction that shares, never earlier.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from harbour.cases.models import Case, Category, Consent

if TYPE_CHECKING:
    from harbour.network.models import Organisation


class ConsentRefused(PermissionError):
    """No consent in force allows this share; `reason` is one of the codes below, `message` says it in words."""

    NONE = "none"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    RECIPIENT = "recipient"
    CATEGORY = "category"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def check(
    case: Case,
    purpose: str,
    recipient: Organisation | int | None = None,
    categories: Iterable[str] = (),
    *,
    at: datetime | None = None,
) -> Consent:
    """The consent that allows sharing `categories` of `case` for `purpose` with `recipient`, now.

    A referral must name its recipient; the other purposes stay within the case's
    own organisation (statistics are de-identified) and take `recipient=None`.
    """
    moment = at or timezone.now()
    wanted = frozenset(categories)
    unknown = wanted - set(Category.values)
    if unknown:
        raise ValueError(f"unknown data categories {sorted(unknown)}")
    if purpose not in Consent.Purpose.values:
        raise ValueError(f"unknown consent purpose {purpose!r}")
    recipient_id = recipient if isinstance(recipient, int) or recipient is None else recipient.pk
    if purpose == Consent.Purpose.REFER and recipient_id is None:
        raise ValueError("a referral consent names the organisation that receives the data")
    given: list[Consent] = [
        c for c in Consent.system_objects.filter(case_id=case.pk, purpose=purpose) if c.given_at <= moment
    ]
    if not given:
        raise ConsentRefused(ConsentRefused.NONE, _("The person has not consented to this."))
    if purpose == Consent.Purpose.REFER:
        given = [c for c in given if c.recipient_id == recipient_id]
        if not given:
            raise ConsentRefused(ConsentRefused.RECIPIENT, _("The person's consent does not name this organisation."))
    live = [c for c in given if c.withdrawn_at is None or c.withdrawn_at > moment]
    if not live:
        raise ConsentRefused(ConsentRefused.WITHDRAWN, _("The person withdrew their consent."))
    live = [c for c in live if c.expires_at is None or c.expires_at > moment]
    if not live:
        raise ConsentRefused(ConsentRefused.EXPIRED, _("The person's consent has expired. Ask them again."))
    covering = [c for c in live if wanted <= c.categories]
    if not covering:
        missing = wanted - frozenset().union(*(c.categories for c in live))
        labels = dict(Category.choices)
        raise ConsentRefused(
            ConsentRefused.CATEGORY,
            _("The person's consent does not cover: %(categories)s.")
            % {"categories": "; ".join(str(labels[code]) for code in sorted(missing)) or "-"},
        )
    # The most recent consent that covers the share: it is the one the audit names.
    return max(covering, key=lambda c: (c.given_at, c.pk))
