"""Words for the codes the engine returns: statuses, readings, weights, sets, notes, needs and fact sheets."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from harbour.directory import vocabulary

ANSWER_CHOICES: tuple[tuple[str, Promise], ...] = (
    ("", _("Skip")),
    ("yes", _("Yes")),
    ("no", _("No")),
    ("unknown", _("Don't know")),
    ("declined", _("Prefer not to say")),
)
ANSWERS: dict[str, Promise] = dict(ANSWER_CHOICES)

STATUS: dict[str, Promise] = {
    "met": _("met"),
    "not_met": _("not met"),
    "unknown": _("unknown"),
}

# What a definition's reading means, in words for a worker.
# Not "every element": the under-18 elements are alternatives, not requirements.
READING: dict[str, Promise] = {
    "met": _("These answers meet what this definition requires."),
    "not_met": _("These answers rule out at least one thing this definition requires."),
    "unknown": _("Not enough is known to read everything this definition requires."),
}

# The same, in words for a person reading about their own situation.
READING_PLAIN: dict[str, Promise] = {
    "met": _("Your answers match every part of this definition."),
    "not_met": _("At least one part of this definition is not in your answers."),
    "unknown": _("Some parts of this definition cannot be read from your answers."),
}

COMBINATION: dict[str, Promise] = {
    "combination_met": _("The indicators combine as the ILO/EC method describes for trafficking."),
    "some_dimensions": _("Some dimensions are present, but not the combination the ILO/EC method describes."),
    "no_dimension": _("No dimension is present from these answers."),
}

WEIGHT: dict[str, Promise] = {"strong": _("strong"), "medium": _("medium"), "weak": _("weak")}

SET: dict[str, Promise] = {
    "adult_labour": _("Adults, labour exploitation"),
    "adult_sexual": _("Adults, sexual exploitation"),
    "child_labour": _("Children, labour exploitation"),
    "child_sexual": _("Children, sexual exploitation"),
}

NOTE: dict[str, Promise] = {
    "child_no_means_needed": _("The person was under 18: the act and the purpose are enough, with no means."),
    "consent_irrelevant_after_means": _(
        "A means is present, so whether the person agreed at first does not change this reading."
    ),
    "consent_does_not_decide": _("The person agreed at first; agreement alone never decides this reading."),
    "factors_without_fear": _(
        "Some s. 279.04(2) factors are present, but they do not meet s. 279.04(1) without the fear-for-safety test."
    ),
    "fear_is_objective": _(
        "The fear-for-safety test is objective: with force or coercion shown, it may be met even though "
        "the person does not say they are afraid."
    ),
    "no_border_crossed": _("The person did not come into Canada from elsewhere: section 118 cannot apply."),
    "consent_no_defence": _(
        "Under the Criminal Code the person's consent is no defence (s. 279.01(2), s. 279.011(2)), "
        "and the offence is the act done for the purpose of exploitation, whether or not the work was done."
    ),
}

NEED: dict[str, Promise] = {
    "shelter": _("A safe place to stay"),
    "trafficking-support": _("Support for people leaving exploitation"),
    "labour-rights": _("Help with work rights and unpaid wages"),
    "immigration-legal": _("Immigration legal help"),
    "legal-aid": _("Legal aid"),
    "interpretation": _("Interpretation"),
    "health-care": _("Health care"),
    "mental-health": _("Someone to talk to"),
    "crisis-line": _("A crisis line"),
    "food": _("Food"),
    "clothing": _("Clothing"),
    "employment-help": _("Help finding other work"),
    "settlement": _("Settlement services"),
    "transportation": _("Transportation"),
}


def need_label(code: str) -> str | Promise:
    """How the self-check names a need in its next steps: its own wording, or else the directory's label.

    The catalogue accepts every need code of the directory's vocabulary; a code without a wording
    of its own here is named as the directory's search names it.
    """
    if code in NEED:
        return NEED[code]
    term = vocabulary.need(code)
    if term is None:
        raise KeyError(code)
    return term.label


RIGHTS: dict[str, Promise] = {
    "employment-standards": _("Your rights at work"),
    "temporary-foreign-workers": _("Rights of workers with temporary permits"),
    "temporary-resident-permit": _("A permit to stay in Canada while you recover"),
    "health-care": _("Health care you can get"),
    "what-we-do-with-what-you-tell-us": _("What we do with what you tell us"),
    "emergency-help": _("Getting help in an emergency"),
    "child-protection": _("Protection for children and youth"),
}
