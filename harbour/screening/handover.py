"""What a worker's screening hands over when the person agrees to a case: one call, plain values.

Screening knows nothing of cases. The result page posts the answers to the
cases page that records consent; that page calls `handover(post)` and gets the
answers back (to carry in the form), any problems reading them, and the plain
JSON record a case may keep (`summary.screening_record`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict

from harbour.screening import catalogue as catalogue_module
from harbour.screening.answers import Answers
from harbour.screening.engine import evaluate
from harbour.screening.summary import screening_record


@dataclass(frozen=True)
class Handover:
    answers: Answers
    problems: list[str]
    record: str


def handover(data: QueryDict) -> Handover:
    """The posted answers, read and evaluated, as the JSON a case keeps with the person's consent."""
    from harbour.screening.views import answers_from_post

    catalogue = catalogue_module.load()
    answers, problems = answers_from_post(data, catalogue)
    return Handover(answers=dict(answers), problems=problems, record=screening_record(evaluate(catalogue, answers)))
