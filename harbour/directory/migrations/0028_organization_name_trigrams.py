"""On PostgreSQL, a trigram index over the organisations' names, as the search pages match them.

The pages find a word in a service's text or in its organisation's name (`search._text_filter`); Django
writes the organisation's part as `UPPER(name::text) LIKE UPPER('%word%')`, which without an index read
every organisation for each word of each search (8 ms of the server's time at 12,500 organisations). The
index is on that same expression, so the planner uses it. SQLite has no such index; its scan of the names
costs a fraction of its text search.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

FORWARD = (
    "CREATE INDEX directory_organization_name_trgm ON directory_organization "
    "USING gin ((UPPER(name::text)) gin_trgm_ops)"
)
BACKWARD = "DROP INDEX IF EXISTS directory_organization_name_trgm"


def _on_postgresql(sql: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("directory", "0027_service_pages_indexes")]

    operations = [migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD), elidable=False)]
