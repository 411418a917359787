"""The directory's need codes the rights pages link to (`directory:search?need=<code>`).

The source of truth is the directory's vocabulary (`harbour/directory/vocabulary.py`,
`NEEDS`): its codes are a published contract that never changes. This copy lets
the rights app check, in its tests, that it links only to codes the directory
knows; when the directory adds a code, add it here before linking to it.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DIRECTORY_NEED_CODES = frozenset(
    {
        "shelter",
        "trafficking-support",
        "labour-rights",
        "immigration-legal",
        "legal-aid",
        "interpretation",
        "health-care",
        "mental-health",
        "crisis-line",
        "food",
        "clothing",
        "employment-help",
        "settlement",
        "transportation",
        "housing-help",
        "child-protection",
        "language-classes",
        "identity-documents",
    }
)

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
