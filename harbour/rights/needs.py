"""The directory's need codes the rights pages link to (`directory:search?need=<code>`).

The codes come from the directory's vocabulary (`harbour/directory/vocabulary.py`),
a published contract that never changes; the rights tests check that every link
uses one of them.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from harbour.directory.vocabulary import NEED_CODES

DIRECTORY_NEED_CODES = NEED_CODES

# How the rights pages name each need they link to.
NEED_LABELS: dict[str, str | Promise] = {
    "trafficking-support": _("Support for people who were trafficked"),
    "shelter": _("A safe place to stay"),
    "immigration-legal": _("Legal help with immigration"),
    "labour-rights": _("Help with work and pay"),
    "legal-aid": _("Legal aid"),
    "health-care": _("Health care"),
    "mental-health": _("Counselling"),
    "settlement": _("Settlement services"),
    "interpretation": _("Interpretation"),
    "crisis-line": _("Crisis lines, day and night"),
    "child-protection": _("Protection for children"),
}

# What a city's help package offers to find in the directory, in the order a person sees it.
PACKAGE_NEEDS: tuple[str, ...] = (
    "trafficking-support",
    "shelter",
    "immigration-legal",
    "labour-rights",
    "legal-aid",
    "health-care",
    "mental-health",
    "settlement",
    "interpretation",
)

# Where a fact sheet of each topic (rights.models.Topic values) sends a reader in the directory.
TOPIC_NEEDS: dict[str, tuple[str, ...]] = {
    "employment": ("labour-rights", "legal-aid"),
    "immigration": ("immigration-legal", "trafficking-support"),
    "health": ("health-care", "mental-health"),
    "privacy": (),
    "emergency": ("crisis-line", "shelter", "trafficking-support"),
    "children": ("child-protection",),
}
