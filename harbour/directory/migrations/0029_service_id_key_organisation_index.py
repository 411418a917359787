"""The `(id, key)` index of the services also holds their organisation.

Near a place, the rows within reach (search.py) join their service to check its words: on SQLite its
text index gives the matching rowids, and its organisation is checked against the organisations whose
name holds the word. With the organisation in the index, that check reads the index alone, not each
service's wide row: the public page for "shelter" within 50 km of downtown Toronto took 44 instead of
54 ms of CPU at 100,000 services (docs/performance.md). Dropping and adding an index rebuilds no table.

On SQLite the new index is analysed at once (one read of it): the planner keeps the statistics of the
other indexes, and one without any looked costlier to it than the narrower `(id, status)` index, which
reads each row.
"""

from typing import Any

from django.db import migrations, models


def analyse_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute('ANALYZE "dir_service_id_key_org"')


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0028_organization_name_trigrams"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="service", name="dir_service_id_key"),
        migrations.AddIndex(
            model_name="service",
            index=models.Index(fields=["id", "key", "organization"], name="dir_service_id_key_org"),
        ),
        migrations.RunPython(analyse_index, migrations.RunPython.noop, elidable=True),
    ]
