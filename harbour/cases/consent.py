"""The one check every share of a case's data goes through.

`check(case, purpose, recipient, categories)` returns the consent in force that
allows it, or raises `ConsentRefused` with a reason a worker can read. Call it
at the moment of sharing, inside the transaction that shares, never earlier.
`categories_in_force(purpose)` is the same rules for many cases at once (what
statistics read); both decide through `_in_force`, so there is one set of rules.
`CATEGORY_FIELDS` says which of a case's fields each category covers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from harbour.cases.models import Case, Category, Consent

# The case's own fields each data category covers: a share, or a statistic, reads a field only
# when a consent in force names its category. The protection path is the case's milestones.
CATEGORY_FIELDS: dict[str, tuple[str, ...]] = {
    Category.CASE: ("reference",),
    Category.SCREENING: ("screening",),
    Category.CONTACT: ("alias", "contact"),
    Category.PROFILE: ("birth_year", "age_group", "gender", "languages", "country_of_origin", "province"),
    Category.EXPLOITATION: ("exploitation", "sector"),
    Category.NEEDS: ("needs", "summary"),
    Category.SAFETY_PLAN: ("safety_plan",),
    Category.PROTECTION: (),
}

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
    recipient_id = recipient if isinstance(recipient, int) or recipient is None else recipient.pk
    _check_purpose(purpose, recipient_id)
    live = _in_force(Consent.system_objects.filter(case_id=case.pk, purpose=purpose), purpose, recipient_id, moment)
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


def categories_in_force(purpose: str, *, at: datetime | None = None) -> dict[int, frozenset[str]]:
    """For every case with a consent in force for `purpose` at `at` (now), the categories it allows.

    The same rules as `check`, for many cases in one query: a category is in the set
    exactly when `check(case, purpose, None, [category], at=at)` would allow it. Only
    for the purposes that stay within the case's organisation (not referrals).
    """
    moment = at or timezone.now()
    _check_purpose(purpose, None)
    if purpose == Consent.Purpose.REFER:
        raise ValueError("a referral consent is checked one recipient at a time, with check()")
    by_case: dict[int, list[Consent]] = {}
    given = Consent.system_objects.filter(purpose=purpose, given_at__lte=moment).only(
        "id", "case_id", "purpose", "recipient_id", "scope", "given_at", "expires_at", "withdrawn_at"
    )
    for consent in given.iterator(chunk_size=2000):
        by_case.setdefault(consent.case_id, []).append(consent)
    allowed: dict[int, frozenset[str]] = {}
    for case_id, consents in by_case.items():
        try:
            live = _in_force(consents, purpose, None, moment)
        except ConsentRefused:
            continue
        allowed[case_id] = frozenset().union(*(c.categories for c in live))
    return allowed


def kept_with_consent(case: Case, *, at: datetime | None = None) -> frozenset[str]:
    """The categories the case may keep: those of its `open_case` consents in force (none once all have ended).

    The case's own fields are written only within them (`fields_covered`): the profile
    page offers no other field, and `actions.case_update` refuses any other change.
    """
    try:
        live = _in_force(
            Consent.system_objects.filter(case_id=case.pk, purpose=Consent.Purpose.OPEN_CASE),
            Consent.Purpose.OPEN_CASE,
            None,
            at or timezone.now(),
        )
    except ConsentRefused:
        return frozenset()
    return frozenset().union(*(c.categories for c in live))


# What a case may keep is what its consent to keep covers (`CATEGORY_FIELDS`), with one addition: the
# summary, the case's own working text, is part of the case record (`case`) for the organisation that keeps
# it. It travels to another organisation, or reaches a statistic, only under `needs`.
KEPT_WITH_THE_CASE_RECORD = ("summary",)


def fields_covered(categories: Iterable[str]) -> frozenset[str]:
    """The case's fields a consent to keep `categories` covers (`CATEGORY_FIELDS`, the summary with `case`)."""
    chosen = frozenset(categories)
    covered = {name for category in chosen for name in CATEGORY_FIELDS.get(category, ())}
    if Category.CASE in chosen:
        covered.update(KEPT_WITH_THE_CASE_RECORD)
    return frozenset(covered)


def _check_purpose(purpose: str, recipient_id: int | None) -> None:
    if purpose not in Consent.Purpose.values:
        raise ValueError(f"unknown consent purpose {purpose!r}")
    if purpose == Consent.Purpose.REFER and recipient_id is None:
        raise ValueError("a referral consent names the organisation that receives the data")


def _in_force(consents: Iterable[Consent], purpose: str, recipient_id: int | None, moment: datetime) -> list[Consent]:
    """The consents (all of one case and purpose) in force at `moment`, or `ConsentRefused` saying why none is."""
    given = [c for c in consents if c.given_at <= moment]
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
    return live
