"""Everything a case holds about the person, gathered once for the JSON export and the printable page.

The person has the right to read what an organisation keeps about them (issue 11, item 8): the
case's own fields, the consents with the words they agreed to, referrals, notes, tasks and the
protection path. Staff names are not about the person and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from harbour.cases import actions
from harbour.cases.models import Case, Category, Consent, Exploitation, Milestone, Need, Note, Referral, Task
from harbour.core.reference import LANGUAGE_NAMES
from harbour.network.models import Member

# Case languages are the reference list's codes; the site names Simplified Chinese differently.
_SITE_LANGUAGE = {"zh": "zh-hans"}


@dataclass(frozen=True)
class Held:
    case: Case
    consents: list[Consent]
    referrals: list[Referral]
    notes: list[Note]
    tasks: list[Task]
    milestones: list[Milestone]


def held_about(case: Case, member: Member) -> Held:
    """The case's records the member's organisation holds: one query per kind, whatever their number."""
    return Held(
        case=case,
        consents=list(Consent.objects.visible_to(member).filter(case=case).select_related("recipient")),
        referrals=list(Referral.objects.visible_to(member).filter(case=case).select_related("recipient")),
        notes=list(Note.objects.visible_to(member).filter(case=case)),
        tasks=list(Task.objects.visible_to(member).filter(case=case)),
        milestones=list(Milestone.objects.visible_to(member).filter(case=case)),
    )


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def as_json(held: Held) -> dict[str, Any]:
    """Plain values (codes, ISO dates) for the JSON the person can keep."""
    case = held.case
    return {
        "case": {
            **actions.case_values(case, Category.values),
            "opened_at": case.created_at.isoformat(),
            "closed_at": _day(case.closed_at),
            "closure_reason": case.closure_reason or None,
        },
        "consents": [
            {
                "purpose": c.purpose,
                "categories": c.scopes,
                "recipient": c.recipient.name if c.recipient else None,
                "given_at": c.given_at.isoformat(),
                "means": c.means,
                "language": c.language,
                "wording": c.wording,
                "expires_at": _day(c.expires_at),
                "withdrawn_at": _day(c.withdrawn_at),
            }
            for c in held.consents
        ],
        "referrals": [
            {
                "recipient": r.recipient.name,
                "need": r.need,
                "state": r.state,
                "categories": r.category_codes,
                "sent_at": r.sent_at.isoformat(),
                "answered_at": _day(r.answered_at),
                "completed_at": _day(r.completed_at),
                "withdrawn_at": _day(r.withdrawn_at),
            }
            for r in held.referrals
        ],
        "notes": [n.text for n in held.notes],
        "tasks": [{"what": t.title, "due_on": t.due_on.isoformat(), "done_at": _day(t.done_at)} for t in held.tasks],
        "protection_path": [
            {"step": m.kind, "on": m.happened_on.isoformat(), "expires_on": _day(m.expires_on)} for m in held.milestones
        ],
    }


def site_language(code: str) -> str | None:
    """The site language for a case language code, if Harbour has pages in it."""
    code = _SITE_LANGUAGE.get(code, code)
    return code if code in dict(settings.LANGUAGES) else None


def person_language(case: Case) -> str | None:
    """The first of the person's languages that Harbour's pages come in."""
    for code in case.language_codes:
        if (found := site_language(code)) is not None:
            return found
    return None


def labelled(codes: list[str], choices: Any) -> list[str]:
    labels = dict(choices)
    return [str(labels.get(code, code)) for code in codes]


def readable_profile(case: Case) -> list[tuple[str, str]]:
    """The case's own coded fields as label and value, in the active language (for the printable page)."""
    rows: list[tuple[str, str]] = []

    def add(label: Any, value: Any) -> None:
        if value:
            rows.append((str(label), str(value)))

    fields = Case._meta
    add(fields.get_field("alias").verbose_name, case.alias)
    add(fields.get_field("contact").verbose_name, case.contact)
    add(fields.get_field("birth_year").verbose_name, case.birth_year)
    add(fields.get_field("age_group").verbose_name, case.get_age_group_display())
    add(fields.get_field("gender").verbose_name, case.get_gender_display())
    add(fields.get_field("languages").verbose_name, ", ".join(LANGUAGE_NAMES.get(c, c) for c in case.language_codes))
    add(fields.get_field("country_of_origin").verbose_name, case.country_of_origin)
    add(fields.get_field("province").verbose_name, case.get_province_display() if case.province else "")
    add(
        fields.get_field("exploitation").verbose_name,
        ", ".join(labelled(case.exploitation_codes, Exploitation.choices)),
    )
    add(fields.get_field("sector").verbose_name, case.sector)
    add(fields.get_field("needs").verbose_name, ", ".join(labelled(case.need_codes, Need.choices)))
    return rows
