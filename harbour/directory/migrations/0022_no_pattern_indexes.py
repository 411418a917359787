"""On PostgreSQL, drop the directory's `*_like` indexes, which no query uses and every write maintains.

For each character column it indexes (every HSDS id, every link), Django adds on
PostgreSQL a second index with `varchar_pattern_ops`, for `LIKE 'prefix%'`. The
directory never searches an id or a link by prefix (text search reads the trigram
index of migration 0020), so these (67 of them in 0021) only cost time on every import:
a service's import writes some twenty rows, each in up to six such indexes.
Django drops them with `IF EXISTS` if a later migration alters their column. A
new directory model gets them again: drop them in its migration too.
SQLite has no such indexes; nothing happens there.
"""

from typing import Any

from django.db import migrations

FIND = """
SELECT indexname FROM pg_indexes
WHERE schemaname = current_schema() AND tablename LIKE 'directory\\_%%' AND indexname LIKE '%%\\_like'
"""


def drop_pattern_indexes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FIND)
        names = [row[0] for row in cursor.fetchall()]
    for name in names:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0021_search_keys"),
    ]

    # Not reversible by recreating them: going back leaves them out, which changes no result.
    operations = [migrations.RunPython(drop_pattern_indexes, migrations.RunPython.noop, elidable=False)]
