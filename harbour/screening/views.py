"""Screening pages: the worker's guided screening, its JSON twin, and the public self-check.

Nothing here writes to the database. Answers travel between pages in POST
bodies (never in a URL, which a shared phone's history would keep); pausing
hands the worker an encrypted code instead of storing anything. The only write
is handing the answers to the cases page, which asks the person's consent (screening.handover).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from harbour.core import access
from harbour.core.reference import Province
from harbour.screening import catalogue as catalogue_module
from harbour.screening import labels, resume
from harbour.screening.answers import VALUES, Answers
from harbour.screening.catalogue import Catalogue
from harbour.screening.engine import (
    COMBINATION_MET,
    MAX_PAYLOAD_BYTES,
    Assessment,
    PayloadError,
    evaluate,
    evaluate_payload,
    load_payload,
)

FIELD_PREFIX = "q_"
# The id of the self-check's form, which the layout's language buttons post.
SELF_CHECK_FORM = "self-check"


# --- reading what was posted ------------------------------------------------------


def answers_from_post(data: QueryDict, catalogue: Catalogue) -> tuple[Answers, list[str]]:
    """The answers in a posted form; values that are not a known choice are reported, not kept."""
    answers: Answers = {}
    problems: list[str] = []
    for question in catalogue.questions:
        value = data.get(FIELD_PREFIX + question.id, "")
        if value == "":
            continue
        if value in VALUES:
            answers[question.id] = value
        else:
            problems.append(
                _("An answer could not be read; please choose it again: %(question)s") % {"question": _(question.text)}
            )
    return answers, problems


def _province(data: QueryDict) -> str:
    value = data.get("province", "")
    return value if value in Province.values else ""


def _postcode(data: QueryDict) -> str:
    """Only the first three characters (the area): enough for a nearby search, and never stored."""
    value = "".join(character for character in data.get("postcode", "") if character.isalnum()).upper()
    return value[:3]


# --- what the templates show ---------------------------------------------------------


def _sections(catalogue: Catalogue, answers: Answers, opened: set[str]) -> list[dict[str, Any]]:
    shown = []
    for section in catalogue.sections:
        questions = catalogue.questions_in(section.id)
        if section.id not in opened and not any(q.id in answers for q in questions):
            continue
        shown.append(
            {
                "id": section.id,
                "title": _(section.title),
                "intro": _(section.intro),
                "questions": [{"id": q.id, "text": _(q.text), "answer": answers.get(q.id, "")} for q in questions],
            }
        )
    return shown


def _closed_sections(catalogue: Catalogue, shown: list[dict[str, Any]]) -> list[dict[str, str]]:
    ids = {section["id"] for section in shown}
    return [{"id": s.id, "title": _(s.title)} for s in catalogue.sections if s.id not in ids]


def _question_text(catalogue: Catalogue, question_id: str) -> str:
    return _(catalogue.question_by_id[question_id].text)


def _element_row(catalogue: Catalogue, element: dict[str, Any]) -> dict[str, Any]:
    """An element or a s. 279.04(2) factor as the definitions panel shows it, with the answers behind it."""
    return {
        "label": _(element["label"]),
        "cite": element["cite"],
        "status": element["status"],
        "status_label": labels.STATUS[element["status"]],
        "because": [
            {"question": _question_text(catalogue, row["question"]), "answer": labels.ANSWERS[row["answer"]]}
            for row in element["because"]
        ],
    }


# The public directory, and the members' one (with confidential addresses) for a worker's screening.
PUBLIC_DIRECTORY = "directory:search"
MEMBERS_DIRECTORY = "directory:member_search"


def _directory_link(need: str, postcode: str, directory: str) -> str:
    query = {"need": need, **({"postcode": postcode} if postcode else {})}
    return f"{reverse(directory)}?{urlencode(query)}"


def result_context(
    assessment: Assessment, catalogue: Catalogue, *, postcode: str = "", directory: str = PUBLIC_DIRECTORY
) -> dict[str, Any]:
    """Everything a result page shows, already in the reader's language; "services nearby" link to `directory`."""
    sets: list[dict[str, Any]] = []
    for reading in assessment.sets:
        sets.append(
            {
                "name": labels.SET[reading.set_name],
                "reading": labels.COMBINATION[reading.reading],
                "met": reading.reading == COMBINATION_MET,
                "dimensions": [
                    {
                        "label": _(dimension.dimension.label),
                        "present": dimension.present,
                        "indicators": [
                            {
                                "label": _(shown.indicator.label),
                                "weight": labels.WEIGHT[shown.weight],
                                "because": [_question_text(catalogue, q) for q in shown.because],
                            }
                            for shown in dimension.indicators
                        ],
                    }
                    for dimension in reading.dimensions
                ],
            }
        )
    definitions: list[dict[str, Any]] = []
    for definition in assessment.definitions:
        definitions.append(
            {
                "id": definition.id,
                "label": _(definition.label),
                "source_title": definition.source_title,
                "source_url": definition.source_url,
                "status": definition.reading.value,
                "reading": labels.READING[definition.reading.value],
                "reading_plain": labels.READING_PLAIN[definition.reading.value],
                "section": definition.extra.get("section", ""),
                "notes": [labels.NOTE[note] for note in definition.notes],
                "elements": [_element_row(catalogue, element.to_dict()) for element in definition.elements],
                "factors": [_element_row(catalogue, factor) for factor in definition.extra.get("factors", [])],
            }
        )
    # For the self-check: each sign once, by dimension, whichever sets were read.
    signs: dict[str, list[str]] = {}
    for reading_set in sets:
        for dimension_row in reading_set["dimensions"]:
            for indicator_row in dimension_row["indicators"]:
                found = signs.setdefault(dimension_row["label"], [])
                if indicator_row["label"] not in found:
                    found.append(indicator_row["label"])
    return {
        "assessment": assessment,
        "sets": sets,
        "signs": [{"dimension": dimension, "indicators": found} for dimension, found in signs.items() if found],
        "forced_labour": [{"label": _(label)} for _id, label, _because in assessment.forced_labour],
        "definitions": definitions,
        "needs": [
            {"label": labels.need_label(need), "url": _directory_link(need, postcode, directory)}
            for need in assessment.needs
        ],
        "directory_url": reverse(directory),
        "rights": [
            {"label": labels.RIGHTS[slug], "url": reverse("rights:fact_sheet", kwargs={"slug": slug})}
            for slug in assessment.rights
        ],
        "action_plan": assessment.action_plan,
        "national_plan": assessment.national_plan,
        "province_label": Province(assessment.province).label if assessment.province else "",
        "counts": assessment.counts,
        "answers": assessment.answers,
    }


def _form_context(catalogue: Catalogue, answers: Answers, opened: set[str], **extra: Any) -> dict[str, Any]:
    sections = _sections(catalogue, answers, opened)
    return {
        "sections": sections,
        "closed_sections": _closed_sections(catalogue, sections),
        "choices": labels.ANSWER_CHOICES,
        "provinces": Province.choices,
        **extra,
    }


# --- the worker's screening -----------------------------------------------------------


@access.person_data()
def worker(request: HttpRequest) -> HttpResponse:
    """The guided screening: core questions first, deeper sections on demand, a reading, next steps."""
    catalogue = catalogue_module.load()
    if request.method != "POST":
        return render(request, "screening/worker.html", _form_context(catalogue, {}, {"core"}))
    answers, problems = answers_from_post(request.POST, catalogue)
    province, postcode = _province(request.POST), _postcode(request.POST)
    action = request.POST.get("do", "")
    opened = {"core"}
    if action.startswith("open:"):
        opened.add(action.removeprefix("open:"))
    elif action == "all":
        opened.update(section.id for section in catalogue.sections)
    if problems or action not in ("result", "pause"):
        context = _form_context(catalogue, answers, opened, problems=problems, province=province, postcode=postcode)
        return render(request, "screening/worker.html", context)
    member = access.signed_in_member(request)
    if action == "pause":
        code = resume.code_make(answers, catalogue=catalogue, organisation_id=member.organisation_id)
        return render(request, "screening/paused.html", {"code": code, "days": resume.LIFETIME_SECONDS // 86400})
    assessment = evaluate(catalogue, answers, province=province)
    # A worker finds services in the members' directory, confidential shelter addresses included.
    directory = MEMBERS_DIRECTORY if access.may_use(member, MEMBERS_DIRECTORY) else PUBLIC_DIRECTORY
    context = result_context(assessment, catalogue, postcode=postcode, directory=directory)
    context.update(
        province=province,
        postcode=postcode,
        # Asked of the cases page's own policy, by name: screening imports nothing of cases.
        may_open_case=access.may_use(member, "cases:case_from_screening"),
        # Higher apps fill the page's "screening.result" slot from these plain values (core/slots.py).
        indicators_present=bool(context["signs"] or context["forced_labour"]),
    )
    return render(request, "screening/worker_result.html", context)


@access.person_data()
def resume_screening(request: HttpRequest) -> HttpResponse:
    """Opens a paused screening from the code the worker kept."""
    catalogue = catalogue_module.load()
    code = request.POST.get("code", "") if request.method == "POST" else ""
    if request.method == "POST":
        member = access.signed_in_member(request)
        try:
            answers = resume.code_read(code, catalogue=catalogue, organisation_id=member.organisation_id)
        except resume.ResumeCodeError:
            error = _(
                "This code cannot be opened. Check it for typing mistakes. Codes work for %(days)s days, "
                "only within the organisation that made them, and only for the same version of the questions."
            ) % {"days": resume.LIFETIME_SECONDS // 86400}
            return render(request, "screening/resume.html", {"code": code, "error": error}, status=400)
        context = _form_context(catalogue, answers, {"core"}, resumed=True)
        return render(request, "screening/worker.html", context)
    return render(request, "screening/resume.html", {"code": code})


@access.person_data()
@require_POST
def evaluate_json(request: HttpRequest) -> HttpResponse:
    """The engine as JSON, for members' own tools: POST answers, get the full result.

    Signed-in session plus Django's CSRF token (X-CSRFToken header), like every
    other POST: not exempt, so no other site can make a member's browser call it.
    """
    if len(request.body) > MAX_PAYLOAD_BYTES:
        return JsonResponse({"error": "the request is larger than 64 KB"}, status=413)
    try:
        assessment = evaluate_payload(load_payload(request.body), catalogue_module.load())
    except PayloadError as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse(assessment.to_dict())


# --- the public self-check --------------------------------------------------------------


@access.public
@csrf_exempt
def self_check(request: HttpRequest) -> HttpResponse:
    """A person exploring their own situation: no account, nothing stored, nothing logged.

    Exempt from CSRF because there is nothing to forge: no session, no account, no
    write. Exempting it also means the page sets no CSRF cookie.
    """
    catalogue = catalogue_module.load()
    # The language switch posts the page's form to the other language's URL, so a change of
    # language keeps the answers without storing them anywhere.
    switch = {"language_form": SELF_CHECK_FORM}
    if request.method != "POST":
        # Answers in a query string are ignored: a URL would keep them in the phone's history.
        context = _form_context(catalogue, {}, {"core"}, language_action="questions", **switch)
        return render(request, "screening/self_check.html", context)
    answers, problems = answers_from_post(request.POST, catalogue)
    province = _province(request.POST)
    action = request.POST.get("do", "")
    if problems or action != "result":
        opened = {"core"} | ({section.id for section in catalogue.sections} if action == "all" else set())
        context = _form_context(
            catalogue, answers, opened, problems=problems, province=province, language_action="questions", **switch
        )
        return render(request, "screening/self_check.html", context)
    context = result_context(evaluate(catalogue, answers, province=province), catalogue)
    context.update(province=province, language_action="result", **switch)
    return render(request, "screening/self_check_result.html", context)
