"""Who may use each page of the rights app (collected by the access walk in core)."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from harbour.rights.loading import load_content
from harbour.rights.models import ContentVersion, Resource, SheetText
from harbour.testing import EVERYONE, VETTED_MEMBERS, Cast

EDITORS = frozenset({"alice", "omar", "cora"})

EXPECTED: dict[str, AbstractSet[str]] = {
    "rights:index": EVERYONE,
    "rights:fact_sheet": EVERYONE,
    "rights:package": EVERYONE,
    "rights:library": EVERYONE,
    "rights:resource_new": EDITORS,
    "rights:resource_edit": EDITORS,
    "rights:course": VETTED_MEMBERS,
    "rights:course_module": VETTED_MEMBERS,
    "rights:course_records": frozenset({"alice", "omar"}),
    "rights:editor": EDITORS,
    "rights:sheet_history": EDITORS,
    "rights:text_new": EDITORS,
    "rights:text_detail": EDITORS,
    "rights:version_history": EDITORS,
    "rights:version_new": EDITORS,
    "rights:version_detail": EDITORS,
}


def samples(cast: Cast) -> dict[str, dict[str, Any]]:
    load_content()  # adds only what is missing, so calling it once per URL is cheap
    text = SheetText.objects.get(fact_sheet__slug="temporary-resident-permit", language="en", state="published")
    version = ContentVersion.objects.get(package__slug="toronto", state="published")
    resource = Resource.objects.filter(is_published=True).first()
    assert resource is not None
    return {
        "rights:resource_edit": {"pk": resource.pk},
        "rights:fact_sheet": {"slug": "temporary-resident-permit"},
        "rights:package": {"slug": "toronto"},
        "rights:course_module": {"slug": "recognising-trafficking"},
        "rights:sheet_history": {"slug": "temporary-resident-permit"},
        "rights:text_new": {"slug": "temporary-resident-permit", "language": "es"},
        "rights:text_detail": {"pk": text.pk},
        "rights:version_history": {"kind": "help", "slug": "toronto"},
        "rights:version_new": {"kind": "course", "slug": "recognising-trafficking"},
        "rights:version_detail": {"pk": version.pk},
    }
