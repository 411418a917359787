"""The pages' benchmark (`manage.py directory_search_bench`) runs, and its searches find what they ask for.

Its timings are reported by the command, never asserted here.
"""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from harbour.directory import query, vocabulary
from harbour.directory.models import Attribute, Service


@pytest.mark.django_db
def test_the_pages_benchmark_links_its_services_to_the_vocabulary_and_reports_every_search(tmp_path, settings):
    settings.STATE_DIR = tmp_path
    output = tmp_path / "report.json"
    call_command("directory_search_bench", services=160, repeat=1, wipe=True, output=output, stderr=None)
    report = json.loads(output.read_text(encoding="utf-8"))
    rows = {row["search"]: row for row in report["searches"]}
    assert report["rows"] == {"services": 160, "locations": 240}
    assert len(rows) == 20
    # The vocabulary links it adds carry the services' search keys, so the pages' need filter finds them.
    crisis = vocabulary.need("crisis-line")
    assert crisis is not None
    linked = Attribute.objects.filter(taxonomy_term_id=crisis.id)
    assert linked.exists()
    assert all(a.link_key is not None for a in linked)
    expected = Service.objects.filter(key__in=query.with_term(crisis.id), status=Service.Status.ACTIVE).count()
    assert rows["need only"]["total"] == expected > 0
    assert rows["text only"]["total"] > 0
    # Every public page answered and stays far within the 50 KB a cheap phone can afford.
    for row in rows.values():
        if "page_kb_gzip" in row:
            assert 0 < row["page_kb_gzip"] < 50
