"""Writes in respond: plan versions and reviews, the owners' reminders, the call log."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from harbour.core.mail import email_send
from harbour.network.models import Member, WorkingGroup
from harbour.respond import plans, situations
from harbour.respond.models import Call, Plan, PlanStep, PlanVersion

# A stale plan's owner is reminded on the day it becomes stale and then once a week.
REMIND_AGAIN_EVERY = datetime.timedelta(days=7)


@dataclass(frozen=True)
class StepText:
    """One step as the editor wrote it."""

    who: str
    who_fr: str = ""
    action: str = ""
    action_fr: str = ""
    phone: str = ""
    hours: str = ""
    service_id: str = ""
    situations: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class PlanText:
    """The words of one version of a plan."""

    title: str
    title_fr: str = ""
    change_note: str = ""
    steps: tuple[StepText, ...] = field(default_factory=tuple)


def _version_add(*, by: Member, plan: Plan, text: PlanText) -> PlanVersion:
    unknown = {code for step in text.steps for code in step.situations} - situations.CODES
    if unknown:
        raise ValueError(f"unknown situations {sorted(unknown)}")
    number = (plan.versions.aggregate(newest=Max("number"))["newest"] or 0) + 1
    version = PlanVersion.objects.create(
        plan=plan,
        number=number,
        title=text.title,
        title_fr=text.title_fr,
        change_note=text.change_note,
        saved_by=by,
    )
    PlanStep.objects.bulk_create(
        PlanStep(
            version=version,
            position=position,
            who=step.who,
            who_fr=step.who_fr,
            action=step.action,
            action_fr=step.action_fr,
            phone=step.phone,
            hours=step.hours,
            service_id=step.service_id,
            situations=list(step.situations),
        )
        for position, step in enumerate(text.steps, start=1)
    )
    return version


def plan_create(*, by: Member, working_group: WorkingGroup, owner: Member, text: PlanText) -> Plan:
    """A working group's first plan, with its first version; writing it counts as reviewing it."""
    if not plans.may_edit(by, working_group):
        raise PermissionError("this member does not keep this working group's plan")
    with transaction.atomic():
        plan = Plan.objects.create(working_group=working_group, owner=owner, reviewed_on=timezone.localdate())
        _version_add(by=by, plan=plan, text=text)
    return plan


def plan_save(*, by: Member, plan: Plan, owner: Member, text: PlanText) -> PlanVersion:
    """A new version of the plan (the old ones stay as they were); saving it counts as reviewing it."""
    if not plans.may_edit(by, plan.working_group, plan):
        raise PermissionError("this member does not keep this plan")
    with transaction.atomic():
        # Lock the plan so that two editors saving at once get numbers one after the other.
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        version = _version_add(by=by, plan=locked, text=text)
        locked.owner = owner
        locked.reviewed_on = timezone.localdate()
        locked.save(update_fields=["owner", "reviewed_on"])
    plan.refresh_from_db()
    return version


def plan_review(*, by: Member, plan: Plan) -> Plan:
    """Records that the plan was read through today and is still right, without a new version."""
    if not plans.may_edit(by, plan.working_group, plan):
        raise PermissionError("this member does not keep this plan")
    plan.reviewed_on = timezone.localdate()
    plan.save(update_fields=["reviewed_on"])
    return plan


def _reminder_due(plan: Plan, today: datetime.date) -> bool:
    return plan.reminded_on is None or plan.reminded_on + REMIND_AGAIN_EVERY <= today


def plan_reminders_send(*, today: datetime.date | None = None, site_url: str = "") -> int:
    """Emails each plan's owner when it is stale or links to hidden or out-of-date directory entries.

    Meant to run once a day; an owner hears about a plan at most once a week. Returns how many
    emails were sent.
    """
    today = today or timezone.localdate()
    link = (site_url or settings.HARBOUR_SITE_URL).rstrip("/")
    sent = 0
    for plan in plans.plans_listed():
        if not _reminder_due(plan, today) or not plan.owner.is_active:
            continue
        shown = plans.plan_view(plan, today=today)
        stale = plan.is_stale(today)
        if not stale and not shown.problems:
            continue
        with translation.override(plan.owner.preferred_language or settings.LANGUAGE_CODE):
            lines = []
            if stale:
                lines.append(
                    _("The plan was last reviewed on %(date)s. Please read it through with the working group.")
                    % {"date": plan.reviewed_on.isoformat()}
                )
            for row in shown.problems:
                lines.append(
                    _("Step %(position)s (%(who)s): %(problem)s")
                    % {"position": row.step.position, "who": row.step.who, "problem": row.problem_label}
                )
            body = _(
                "The action response plan of %(group)s needs you, as its owner:\n\n%(lines)s\n\n"
                "Open it, correct it or mark it reviewed: %(link)s"
            ) % {
                "group": plan.working_group.name,
                "lines": "\n".join(f"- {line}" for line in lines),
                "link": link + reverse("respond:plan_detail", kwargs={"plan_id": plan.pk}),
            }
            email_send(
                to=plan.owner.email,
                subject=_("Harbour: the response plan of %(group)s needs a review")
                % {"group": plan.working_group.name},
                body=body,
            )
        plan.reminded_on = today
        plan.save(update_fields=["reminded_on"])
        sent += 1
    return sent


@dataclass(frozen=True)
class CallFacts:
    """What the call log keeps about one call: nothing that names or reaches the caller."""

    province: str
    working_group: WorkingGroup | None
    language: str
    topic: str
    interpreter: bool
    outcome: str
    referral_made: bool
    note: str = ""


def call_log(*, by: Member, facts: CallFacts, at: datetime.datetime | None = None) -> Call:
    """Logs a call under the operator's organisation, at the hour it began; the operator is not recorded."""
    if not by.may_see_person_data:
        raise PermissionError("this member cannot keep a call log")
    moment = timezone.localtime(at or timezone.now())
    call: Call = Call.objects.create(
        organisation=by.organisation,
        hour=Call.round_to_hour(moment),
        province=facts.province,
        working_group=facts.working_group,
        language=facts.language,
        topic=facts.topic,
        interpreter=facts.interpreter,
        outcome=facts.outcome,
        referral_made=facts.referral_made,
        note=facts.note,
    )
    return call
