"""The `(id, key)` index of the services also holds their organisation.

Near a place, the rows within reach (search.py) join their service to check its words: on SQLite its
text index gives the matching rowids, and its organisation is checked against the organisations whose
name holds the word. With the organisation in the index, that check reads the index alone, not each
service's wide row: the public page for "shelter" within 50 km of downtown Toronto took 44 instead of
54 ms of CPU at 100,000 services (docs/performance.md). Dropping and adding an index rebuilds no table.

On SQLite, where the table's indexes were analysed (`sqlite_stat1` holds their statistics), the new
index is analysed at once (one read of it), and the old one again when the migration is reversed: among
analysed indexes, one without statistics looked costlier to the planner than the narrower `(id, status)`
index, which reads each row. A database never analysed is left so (analysing one index alone would give
the planner the table's size beside guesses for every other index): there the planner reads each service
through the unique index of its id, as before this migration, until the database is analysed.
"""

from typing import Any

from django.db import migrations, models


def _analyse(schema_editor: Any, index: str) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        analysed = cursor.fetchone() is not None
        if analysed:
            cursor.execute("SELECT 1 FROM sqlite_stat1 WHERE tbl = 'directory_service' LIMIT 1")
            analysed = cursor.fetchone() is not None
    if analysed:
        schema_editor.execute(f'ANALYZE "{index}"')


def analyse_new_index(apps: Any, schema_editor: Any) -> None:
    _analyse(schema_editor, "dir_service_id_key_org")


def analyse_old_index(apps: Any, schema_editor: Any) -> None:
    _analyse(schema_editor, "dir_service_id_key")


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0028_organization_name_trigrams"),
    ]

    operations = [
        # Reversed last, once the old index is back.
        migrations.RunPython(migrations.RunPython.noop, analyse_old_index, elidable=True),
        migrations.RemoveIndex(model_name="service", name="dir_service_id_key"),
        migrations.AddIndex(
            model_name="service",
            index=models.Index(fields=["id", "key", "organization"], name="dir_service_id_key_org"),
        ),
        migrations.RunPython(analyse_new_index, migrations.RunPython.noop, elidable=True),
    ]
