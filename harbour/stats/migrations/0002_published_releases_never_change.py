"""Database triggers that keep published statistics as they were published, whatever code runs.

A published release's row, its tables, its cells and the ledger entries can never be
updated: a number once published, and the privacy it cost, stay as the public saw them.
Deletion is refused by the ORM (the ledger protects its releases, tables their cells),
and deleting a draft touches no published row.
"""

from django.db import migrations

IMMUTABLE = ["stats_releasetable", "stats_releasecell", "stats_ledgerentry"]

SQLITE = [
    *(
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, 'published statistics never change'); END"""
        for table in IMMUTABLE
    ),
    """CREATE TRIGGER stats_release_published_no_update BEFORE UPDATE ON stats_release
       WHEN OLD.status = 'published'
       BEGIN SELECT RAISE(ABORT, 'published statistics never change'); END""",
]
POSTGRES = [
    """CREATE FUNCTION stats_published_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'published statistics never change';
       END $$""",
    *(
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
            FOR EACH ROW EXECUTE FUNCTION stats_published_refuse()"""
        for table in IMMUTABLE
    ),
    """CREATE TRIGGER stats_release_published_no_update BEFORE UPDATE ON stats_release
       FOR EACH ROW WHEN (OLD.status = 'published') EXECUTE FUNCTION stats_published_refuse()""",
]
REVERSE = {
    "sqlite": [
        *(f"DROP TRIGGER {table}_no_update" for table in IMMUTABLE),
        "DROP TRIGGER stats_release_published_no_update",
    ],
    "postgresql": [
        *(f"DROP TRIGGER {table}_no_update ON {table}" for table in IMMUTABLE),
        "DROP TRIGGER stats_release_published_no_update ON stats_release",
        "DROP FUNCTION stats_published_refuse()",
    ],
}


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_records_and_releases")]

    operations = [migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRES}), _run(REVERSE))]
