"""Indexes for the directory's own search (harbour/directory/search.py), owned by the pages (branch directory-find).

Plain SQL with no model state, so the models stay as the HSDS tables define them:
- covering indexes, so a search by place reads only indexes: location point and id,
  service at location by location, service status by id;
- partial indexes on the phone and schedule links that are usually empty (most
  phones and hours hang on the service): with a NULL in nearly every row, SQLite's
  statistics make a plain index look useless and it scans the table instead.
Every statement works on SQLite and PostgreSQL.
"""

from django.db import migrations

INDEXES = [
    ("directory_location_point_id", "directory_location (latitude, longitude, id)"),
    ("directory_sal_location_service", "directory_serviceatlocation (location_id, service_id)"),
    ("directory_service_id_status", "directory_service (id, status)"),
    ("directory_phone_location_set", "directory_phone (location_id) WHERE location_id IS NOT NULL"),
    (
        "directory_phone_sal_set",
        "directory_phone (service_at_location_id) WHERE service_at_location_id IS NOT NULL",
    ),
    ("directory_schedule_location_set", "directory_schedule (location_id) WHERE location_id IS NOT NULL"),
    (
        "directory_schedule_sal_set",
        "directory_schedule (service_at_location_id) WHERE service_at_location_id IS NOT NULL",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_modified_at_on_every_save"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {definition}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, definition in INDEXES
    ]
