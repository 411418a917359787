"""A dump of the database (SQLite or PostgreSQL, whichever runs the tests) holds only ciphertext about a person.

Every column of every table is read raw, through a cursor, as a dump would; on SQLite the
connection's own SQL dump is read as well. `scripts/with-postgres` runs this on PostgreSQL.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from harbour.cases import actions
from harbour.testing import Cast

pytestmark = pytest.mark.django_db

# Each text holds one invented word (its first), which nothing else in the database could hold.
SECRETS = {
    "contact": "Kestrelwood Lane 4471",
    "alias": "Quillamina",
    "summary": "Zephyrhollow farm bunkhouse",
    "safety_plan": "Marrowgate library side door",
    "note": "Thistlebrook: the manager keeps her passport",
    "task": "Pemberlyx clinic: ring them",
    "emergency": "Vantablue shelter intake tonight",
}


def _write_everything(cast: Cast) -> None:
    case = actions.open_case(
        by=cast.bob,
        consent=actions.ConsentGiven(purpose="open_case", categories=("case", "contact", "needs", "safety_plan")),
        summary=SECRETS["summary"],
        details=actions.CaseDetails(
            alias=SECRETS["alias"], contact=SECRETS["contact"], safety_plan=SECRETS["safety_plan"]
        ),
    )
    actions.note_add(by=cast.bob, case=case, text=SECRETS["note"])
    actions.task_add(by=cast.bob, case=case, title=SECRETS["task"], due_on=timezone.localdate(), owner=cast.bob)
    actions.emergency_access_request(
        by=cast.carol, reference=case.reference, reason=f"{SECRETS['emergency']}, she asked us to call"
    )
    actions.record_consent(
        by=cast.bob,
        case=case,
        given=actions.ConsentGiven("refer", ("case", "contact", "needs"), recipient_id=cast.prairie_clinic.pk),
    )
    actions.refer_case(
        by=cast.bob, case=case, recipient=cast.prairie_clinic, need="legal", categories=["case", "contact", "needs"]
    )


def _raw_dump() -> str:
    """Every value of every table, as text (bytes decoded as Latin-1 so no byte is lost)."""
    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from the schema
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes):
                        parts.append(bytes(value).decode("latin-1"))
                    else:
                        parts.append(str(value))
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        parts.extend(connection.connection.iterdump())
    return "\n".join(parts)


def test_a_dump_holds_no_note_contact_or_other_case_text(cast: Cast) -> None:
    _write_everything(cast)
    dump = _raw_dump()
    assert "hb2:" in dump  # the values are there, sealed under the case's key
    assert "bob@cast.example" in dump  # and the dump does read rows: a member's address is not secret
    lowered = dump.lower()
    for place, secret in SECRETS.items():
        word = secret.split()[0].strip(":").lower()
        assert word not in lowered, f"{place}: {word!r} is readable in a {connection.vendor} dump"


def test_every_encrypted_case_column_holds_a_token_and_nothing_else(cast: Cast) -> None:
    _write_everything(cast)
    columns = {
        "cases_case": ("alias", "contact", "summary", "safety_plan"),
        "cases_note": ("text",),
        "cases_task": ("title",),
        "cases_emergencyaccess": ("reason",),
        "cases_referral": ("shared",),
    }
    with connection.cursor() as cursor:
        for table, names in columns.items():
            cursor.execute(f"SELECT {', '.join(names)} FROM {table}")  # noqa: S608 - test-controlled names
            rows = cursor.fetchall()
            assert rows, table
            for row in rows:
                for name, value in zip(names, row, strict=True):
                    prefix = "hb1:" if table == "cases_referral" else "hb2:"  # a referral is in the recipient's key
                    assert str(value).startswith(prefix), f"{table}.{name}"
