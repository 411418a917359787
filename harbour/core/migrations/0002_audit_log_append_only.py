"""Database triggers that make the audit log append-only, whatever code runs against it.

Updates are always refused. Deletes are refused unless the one-row table
core_audit_purge says a purge is under way: retention jobs open that window
inside their transaction (harbour.core.audit.audit_purge_window), and the test
suite opens it before Django flushes a test database. It is a plain table, not
a model, so no ORM code touches it by accident.
"""

from django.db import migrations

SQLITE = [
    "CREATE TABLE core_audit_purge (id integer PRIMARY KEY CHECK (id = 1), allowed boolean NOT NULL)",
    "INSERT INTO core_audit_purge (id, allowed) VALUES (1, 0)",
    """CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry
       WHEN NOT (SELECT allowed FROM core_audit_purge WHERE id = 1)
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
POSTGRES = [
    "CREATE TABLE core_audit_purge (id integer PRIMARY KEY CHECK (id = 1), allowed boolean NOT NULL)",
    "INSERT INTO core_audit_purge (id, allowed) VALUES (1, false)",
    """CREATE FUNCTION core_auditentry_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP <> 'UPDATE' AND (SELECT allowed FROM core_audit_purge WHERE id = 1) THEN
           RETURN NULL;
         END IF;
         RAISE EXCEPTION 'the audit log is append-only';
       END $$""",
    """CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON core_auditentry
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditentry_refuse()""",
]
REVERSE = {
    "sqlite": [
        "DROP TRIGGER core_auditentry_no_update",
        "DROP TRIGGER core_auditentry_no_delete",
        "DROP TABLE core_audit_purge",
    ],
    "postgresql": [
        "DROP TRIGGER core_auditentry_append_only ON core_auditentry",
        "DROP FUNCTION core_auditentry_refuse()",
        "DROP TABLE core_audit_purge",
    ],
}


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRES}), _run(REVERSE))]
