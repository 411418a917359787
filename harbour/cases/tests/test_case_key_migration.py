"""The data migration gives cases written before case keys their own key, and moves their values under it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from harbour.cases import actions
from harbour.cases.models import Case, Note, Task
from harbour.core import crypto
from harbour.core.models import RecordKey
from harbour.testing import Cast, raw_column

BEFORE = [("cases", "0006_record_keys")]


@pytest.mark.django_db(transaction=True)
def test_existing_cases_move_under_their_own_key_and_back(cast: Cast) -> None:
    case = actions.open_case(
        by=cast.bob,
        consent=actions.ConsentGiven("open_case", ("case", "contact")),
        summary="Needs a safe bed",
        details=actions.CaseDetails(alias="Rosa", contact="+1 555 0142"),
    )
    note = actions.note_add(by=cast.bob, case=case, text="Met at the clinic")
    task = actions.task_add(by=cast.bob, case=case, title="Call back", due_on=timezone.localdate(), owner=cast.bob)
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        # Backwards: the values go back under the organisation's key, as the code before case keys wrote them.
        executor.migrate(BEFORE)
        assert raw_column("cases_case", "contact", case.pk).startswith("hb1:")
        assert raw_column("cases_note", "text", note.pk).startswith("hb1:")
        assert (
            crypto.decrypt(
                raw_column("cases_case", "contact", case.pk),
                context="cases.case.contact",
                organisation_id=case.organisation_id,
            )
            == "+1 555 0142"
        )
        # As a database from before: no case names a key.
        with connection.cursor() as cursor:
            for table in ("cases_case", "cases_note", "cases_task"):
                cursor.execute(f"UPDATE {table} SET key_id = NULL")  # noqa: S608 - test-controlled names
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    finally:
        MigrationExecutor(connection).migrate(latest)
    crypto.forget_unwrapped_keys()
    migrated = Case.system_objects.get(pk=case.pk)
    assert migrated.key_id != case.key_id
    assert RecordKey.objects.get(pk=migrated.key_id).organisation_id == case.organisation_id
    for table, column, pk in (("cases_case", "contact", case.pk), ("cases_note", "text", note.pk)):
        assert crypto.record_key_id_of(raw_column(table, column, pk)) == migrated.key_id
    assert (migrated.alias, migrated.contact, migrated.summary) == ("Rosa", "+1 555 0142", "Needs a safe bed")
    assert Note.system_objects.get(pk=note.pk).text == "Met at the clinic"
    assert Task.system_objects.get(pk=task.pk).title == "Call back"
    assert Note.system_objects.get(pk=note.pk).key_id == migrated.key_id
