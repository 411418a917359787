"""Rights pages that take parameters (the core check measures only those without) weigh at most 50 KB, PDF aside."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

from harbour.checks.page_weight import KB, measure
from harbour.rights import topics
from harbour.rights.models import Package

LIMIT_KB = 50
LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.fixture(scope="module", autouse=True)
def _collected_static(django_db_blocker):
    """Weights of stylesheets and scripts come from the compressed files collectstatic writes."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    stale = not manifest.exists() or any(
        Path(storage.path(name)).stat().st_mtime > manifest.stat().st_mtime
        for finder in finders.get_finders()
        for name, storage in finder.list([])
    )
    if stale:
        with django_db_blocker.unblock():
            call_command("collectstatic", interactive=False, verbosity=0)


def paths_with_parameters() -> list[str]:
    paths = [f"/{language}/rights/{slug}/" for slug in topics.ALL for language in LANGUAGES]
    paths += [f"/{language}/rights/help/{package.slug}/" for package in Package.objects.all() for language in LANGUAGES]
    paths += [
        "/en/rights/library/?q=permit",
        "/en/rights/library/?kind=report&audience=front_line&language=en",
        "/ar/rights/library/?tag=policy",
    ]
    return paths


def test_every_rights_page_with_parameters_weighs_at_most_50_kb(rights_content) -> None:
    problems = []
    heaviest = 0
    for path in paths_with_parameters():
        weight = measure(path)
        heaviest = max(heaviest, weight.total)
        if weight.status != 200 or weight.unmeasured or weight.total > LIMIT_KB * KB:
            breakdown = ", ".join(f"{resource.kind} {resource.url} {resource.bytes}" for resource in weight.resources)
            problems.append(f"{path}: status {weight.status}, {weight.total} bytes ({breakdown}) {weight.unmeasured}")
    assert not problems, "\n".join(problems)
    assert heaviest > 0
