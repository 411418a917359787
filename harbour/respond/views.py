"""Pages of respond: the working groups' action response plans and the hotline console.

Plans are network information (who to call, in what order), read by the front
line and coordinators. The console and the call log are person-data pages:
never open to liaisons or researchers, although a logged call names no one.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from harbour.cases import actions as case_actions
from harbour.cases.consent import ConsentRefused
from harbour.cases.models import Consent
from harbour.cases.wording import wording_in
from harbour.core import access, roles
from harbour.core.audit import person_records_listed
from harbour.directory import vocabulary
from harbour.directory.forms import QuickSearchForm
from harbour.directory.views import quick_search
from harbour.network.models import WorkingGroup
from harbour.respond import actions, languages, plans
from harbour.respond.forms import BaseStepFormSet, CallForm, PlanForm, SituationForm, WarmReferralForm, step_formset
from harbour.respond.models import Call, Plan, PlanVersion

# Who reads plans: the network's front line and its coordinators (roles.FRONT_LINE). Liaisons and
# researchers do not: a plan names the services, lines and people a person is sent to.
PLAN_READERS = roles.FRONT_LINE
# The call log shows the newest calls only: each note shown is decrypted, one key lookup each.
CALL_LOG_PAGE_SIZE = 50


# --- plans ------------------------------------------------------------------------------


@access.members(*PLAN_READERS)
def plan_list(request: HttpRequest) -> HttpResponse:
    member = access.signed_in_member(request)
    listed = plans.plans_listed()
    rows = [{"plan": plan, "version": plan.newest_first[0], "stale": plan.is_stale()} for plan in listed]  # type: ignore[attr-defined]
    may_create = list(plans.groups_to_plan(member))
    return render(request, "respond/plan_list.html", {"rows": rows, "may_create": may_create})


def _plan_or_404(plan_id: int) -> Plan:
    return get_object_or_404(Plan.objects.select_related("working_group", "owner"), pk=plan_id)


def _pdf_links(request: HttpRequest, plan: Plan, version: PlanVersion | None = None) -> list[dict[str, str]]:
    links = []
    for code, name in (("en", "English"), ("fr", "Français")):
        with translation.override(code):
            if version is None:
                path = reverse("respond:plan_detail", kwargs={"plan_id": plan.pk})
            else:
                path = reverse("respond:plan_version", kwargs={"plan_id": plan.pk, "number": version.number})
        links.append({"code": code, "name": name, "url": f"{path}?format=pdf"})
    return links


def _plan_page(request: HttpRequest, plan: Plan, version: PlanVersion | None) -> HttpResponse:
    member = access.signed_in_member(request)
    shown = plans.plan_view(plan, version)
    situation = SituationForm(request.GET or None)
    chosen = situation.chosen()
    rows = [row for row in shown.rows if row.step.applies(chosen)]
    context: dict[str, Any] = {
        "shown": shown,
        "rows": rows,
        "situation": situation,
        "chosen": chosen,
        "is_current": version is None,
        "may_edit": plans.may_edit(member, plan.working_group, plan),
        "pdf_links": _pdf_links(request, plan, version),
        "stale": plan.is_stale(),
    }
    if request.GET.get("format") == "pdf":
        from harbour.respond.pdf import plan_pdf  # Pango is loaded only for PDFs.

        language = translation.get_language() or "en"
        response = HttpResponse(plan_pdf(context), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="harbour-plan-{plan.pk}-v{shown.version.number}-{language}.pdf"'
        )
        return response
    return render(request, "respond/plan_detail.html", context)


@access.members(*PLAN_READERS)
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan as it stands, filtered by a situation; `?format=pdf` prints it on one page."""
    return _plan_page(request, _plan_or_404(plan_id), None)


@access.members(*PLAN_READERS)
def plan_version(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    plan = _plan_or_404(plan_id)
    version = get_object_or_404(PlanVersion, plan=plan, number=number)
    return _plan_page(request, plan, version)


@access.members(*PLAN_READERS)
def plan_history(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan_or_404(plan_id)
    versions = plan.versions.select_related("saved_by").order_by("-number")
    return render(request, "respond/plan_history.html", {"plan": plan, "versions": versions})


def _steps_initial(version: PlanVersion) -> list[dict[str, Any]]:
    return [
        {
            "who": step.who,
            "who_fr": step.who_fr,
            "action": step.action,
            "action_fr": step.action_fr,
            "phone": step.phone,
            "hours": step.hours,
            "service": step.service_id,
            "situations": step.situations,
            "ORDER": step.position,
        }
        for step in version.steps.order_by("position", "id")
    ]


def _plan_text(form: PlanForm, steps: BaseStepFormSet) -> actions.PlanText:
    data = form.cleaned_data
    return actions.PlanText(
        title=data["title"],
        title_fr=data["title_fr"],
        change_note=data["change_note"],
        steps=tuple(
            actions.StepText(
                who=step["who"],
                who_fr=step["who_fr"],
                action=step["action"],
                action_fr=step["action_fr"],
                phone=step["phone"],
                hours=step["hours"],
                service_id=step["service"],
                situations=tuple(step["situations"]),
            )
            for step in steps.steps()
        ),
    )


@access.members(*PLAN_READERS)
def plan_new(request: HttpRequest) -> HttpResponse:
    """A plan for a working group that has none; kept by coordinators and the group's administrators."""
    member = access.signed_in_member(request)
    groups = plans.groups_to_plan(member)
    if not groups.exists():
        raise PermissionDenied
    raw_group = request.POST.get("working_group") or request.GET.get("group") or ""
    # Only a plain number can name a group; anything else names none (and never reaches the database).
    group_id = int(raw_group) if raw_group.isascii() and raw_group.isdigit() and len(raw_group) < 19 else 0
    chosen_group = groups.filter(pk=group_id).first()
    owners = plans.owner_choices(chosen_group) if chosen_group else plans.owner_choices(groups.first())
    data = request.POST or None
    form = PlanForm(
        data,
        groups=groups,
        owners=owners,
        initial={"working_group": chosen_group, "owner": member if owners.filter(pk=member.pk).exists() else None},
    )
    steps = step_formset(data)
    if request.method == "POST" and form.is_valid() and steps.is_valid():
        plan = actions.plan_create(
            by=member,
            working_group=form.cleaned_data["working_group"],
            owner=form.cleaned_data["owner"],
            text=_plan_text(form, steps),
        )
        messages.success(request, _("The plan is saved."))
        return redirect("respond:plan_detail", plan_id=plan.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "respond/plan_form.html", {"form": form, "steps": steps, "plan": None}, status=status)


@access.members(*PLAN_READERS)
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A new version of the plan; the old ones stay in its history."""
    member = access.signed_in_member(request)
    plan = _plan_or_404(plan_id)
    if not plans.may_edit(member, plan.working_group, plan):
        raise PermissionDenied
    current = plans.plan_view(plan).version
    data = request.POST or None
    form = PlanForm(
        data,
        groups=None,
        owners=plans.owner_choices(plan.working_group),
        initial={"owner": plan.owner, "title": current.title, "title_fr": current.title_fr},
    )
    steps = step_formset(data, initial=_steps_initial(current))
    if request.method == "POST" and form.is_valid() and steps.is_valid():
        version = actions.plan_save(
            by=member, plan=plan, owner=form.cleaned_data["owner"], text=_plan_text(form, steps)
        )
        messages.success(request, _("Version %(number)s of the plan is saved.") % {"number": version.number})
        return redirect("respond:plan_detail", plan_id=plan.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "respond/plan_form.html", {"form": form, "steps": steps, "plan": plan}, status=status)


@access.members(*PLAN_READERS)
@require_POST
def plan_review(request: HttpRequest, plan_id: int) -> HttpResponse:
    member = access.signed_in_member(request)
    plan = _plan_or_404(plan_id)
    if not plans.may_edit(member, plan.working_group, plan):
        raise PermissionDenied
    actions.plan_review(by=member, plan=plan)
    messages.success(request, _("The plan is marked reviewed today."))
    return redirect("respond:plan_detail", plan_id=plan.pk)


# --- the hotline console -----------------------------------------------------------------


def _region(request: HttpRequest, organisation_id: int) -> WorkingGroup | None:
    """The region the operator chose, else the first working group of their organisation."""
    chosen = request.GET.get("region", "")
    if chosen.isdigit():
        group = WorkingGroup.objects.filter(pk=int(chosen)).first()
        if group is not None:
            return group
    return WorkingGroup.objects.filter(organisations=organisation_id).order_by("province", "city").first()


def _kept(query: QueryDict, names: tuple[str, ...]) -> list[tuple[str, str]]:
    """Query parameters a form carries as hidden fields, so the console keeps its other parts."""
    return [(name, value) for name in names for value in query.getlist(name) if value]


SEARCH_PARAMS = ("need", "place", "has_place_now", "open_now")
REGION_PARAMS = ("region", "age", "exploitation", "danger", "time")


def _console(
    request: HttpRequest,
    call_form: CallForm | None = None,
    status: int = 200,
    referral_form: WarmReferralForm | None = None,
) -> HttpResponse:
    member = access.signed_in_member(request)
    query = request.GET
    region = _region(request, member.organisation_id)
    plan = (
        Plan.objects.filter(working_group=region).select_related("working_group", "owner").first() if region else None
    )
    shown = plans.plan_view(plan) if plan else None
    situation = SituationForm(query if any(query.get(d) for d in REGION_PARAMS[1:]) else None)
    chosen = situation.chosen()
    search_form = QuickSearchForm(query if any(query.get(p) for p in SEARCH_PARAMS) else None)
    if call_form is None:
        call_form = CallForm(
            prefix="call",
            initial={"working_group": region, "province": region.province if region else "", "language": "en"},
        )
    may_log = access.may_use(member, "respond:call_new")
    may_refer = access.may_use(member, "respond:referral_new")
    if referral_form is None:
        referral_form = WarmReferralForm(
            prefix="ref", organisation_id=member.organisation_id, initial={"language": translation.get_language()}
        )
    # The exact words cases records with the consent, in the language the operator reads them in.
    read_out = [
        wording_in(purpose, str(referral_form["language"].value() or "en"))
        for purpose in (Consent.Purpose.OPEN_CASE, Consent.Purpose.REFER)
    ]
    wordings = [wording.text for wording, _language in read_out]
    wording_language = read_out[0][1]
    # The console's parts, each with its access key (Alt+key in Chromium), reached in this order by Tab too.
    parts = [
        {"href": "#confidentiality", "key": "k", "label": _("What to tell the caller")},
        {"href": "#search", "key": "s", "label": _("Search the directory")},
        {"href": "#plan", "key": "p", "label": _("The region's plan")},
        {"href": reverse("screening:worker"), "key": "n", "label": _("Start a screening")},
    ]
    if may_log:
        parts.append({"href": "#call-log", "key": "l", "label": _("Log the call")})
    if may_refer:
        parts.append({"href": "#referral", "key": "r", "label": _("Make a warm referral")})
    context = {
        "parts": parts,
        "region": region,
        "regions": WorkingGroup.objects.order_by("province", "city"),
        "shown": shown,
        "rows": [row for row in shown.rows if row.step.applies(chosen)] if shown else [],
        "situation": situation,
        "form": search_form,
        "results": quick_search(request, search_form),
        "needs": vocabulary.NEEDS,
        "call_form": call_form,
        "keep_for_search": _kept(query, REGION_PARAMS),
        "search_action": "#search",
        "keep_for_region": _kept(query, SEARCH_PARAMS),
        "keep_all": _kept(query, REGION_PARAMS + SEARCH_PARAMS),
        "may_log": may_log,
        "may_refer": may_refer,
        "referral_form": referral_form,
        "wordings": wordings,
        "wording_language": wording_language,
    }
    return render(request, "respond/console.html", context, status=status)


@access.person_data()
def console(request: HttpRequest) -> HttpResponse:
    """One page for a call: what to tell the caller, the directory, a screening, the region's plan, the log."""
    return _console(request)


@access.person_data()
@require_POST
def call_new(request: HttpRequest) -> HttpResponse:
    """Logs the call; a refused field comes back on the console with what the operator typed."""
    member = access.signed_in_member(request)
    form = CallForm(request.POST, prefix="call")
    if not form.is_valid():
        return _console(request, form, status=400)
    data = form.cleaned_data
    actions.call_log(
        by=member,
        facts=actions.CallFacts(
            province=data["province"],
            working_group=data["working_group"],
            language=data["language"],
            topic=data["topic"],
            interpreter=data["interpreter"],
            outcome=data["outcome"],
            referral_made=data["referral_made"],
            note=data["note"],
        ),
    )
    messages.success(request, _("The call is logged, without the caller's name or number."))
    return redirect(reverse("respond:console") + (f"?{request.GET.urlencode()}" if request.GET else ""))


@access.person_data()
@require_POST
def referral_new(request: HttpRequest) -> HttpResponse:
    """A warm referral with the caller's consent, recorded by cases; a refusal comes back with what was typed."""
    member = access.signed_in_member(request)
    form = WarmReferralForm(request.POST, prefix="ref", organisation_id=member.organisation_id)
    if not form.is_valid():
        return _console(request, status=400, referral_form=form)
    data = form.cleaned_data
    try:
        case_actions.warm_referral(
            by=member,
            recipient=data["recipient"],
            need=data["need"],
            summary=data["summary"],
            language=data["language"],
        )
    except (ConsentRefused, case_actions.ReferralRefused) as refused:
        form.add_error(None, str(refused))
        return _console(request, status=400, referral_form=form)
    except PermissionError:
        raise PermissionDenied from None
    messages.success(
        request,
        _("The referral is sent to %(organisation)s with the caller's consent.")
        % {"organisation": data["recipient"].name},
    )
    return redirect(reverse("respond:console") + (f"?{request.GET.urlencode()}" if request.GET else "") + "#referral")


@access.person_data(*roles.CALL_LOG_READERS)
def call_list(request: HttpRequest) -> HttpResponse:
    """The organisation's call log, newest first: hours, topics and outcomes, never a caller."""
    calls = person_records_listed(request, Call).select_related("working_group")[:CALL_LOG_PAGE_SIZE]
    rows = [{"call": call, "language": languages.name_of(call.language)} for call in calls]
    return render(request, "respond/call_list.html", {"rows": rows, "limit": CALL_LOG_PAGE_SIZE})
