"""What a case keeps of a screening (with the person's consent), and how the case page shows it."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext

from harbour.screening import catalogue as catalogue_module
from harbour.screening.engine import Assessment
from harbour.screening.labels import ANSWERS


def screening_record(assessment: Assessment) -> str:
    """The answers and the readings, as JSON for the case's encrypted field; no wording, no names."""
    record: dict[str, Any] = {
        "catalogue_version": assessment.catalogue_version,
        "answers": assessment.answers,
        "ilo_ec": {reading.set_name: reading.reading for reading in assessment.sets},
        "definitions": {reading.id: reading.reading.value for reading in assessment.definitions},
    }
    return json.dumps(record, sort_keys=True)


def screening_answer_rows(stored: str) -> list[dict[str, str]]:
    """Question and answer, in the person's catalogue order, for the answers a case keeps."""
    try:
        answers = json.loads(stored).get("answers", {})
    except (ValueError, AttributeError):
        return []
    catalogue = catalogue_module.load()
    rows = []
    for question in catalogue.questions:
        if question.id in answers:
            answer = answers[question.id]
            rows.append({"question": gettext(question.text), "answer": str(ANSWERS.get(answer, answer))})
    return rows
