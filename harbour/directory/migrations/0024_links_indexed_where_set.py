"""Every link between directory records is indexed where it is set, instead of by Django's plain index.

Most links are empty in most rows (a phone hangs on a service, or on a location, or on a
contact...). A plain index counts the empty rows as one value, so after ANALYZE SQLite
estimated that `phone.location_id = ?` matched every phone and read the whole table instead:
a record by id (`GET /api/hsds/services/{id}`) took over a second at 100,000 services. An
index of the rows where the link is set has true statistics and is smaller to write.

The plain indexes are dropped by name as the database reports it (no table is rebuilt: on
SQLite rebuilding `directory_service` would drop its text-index triggers), and so are four
partial indexes of 0004 that the new ones replace. `attribute.taxonomy_term_id` gets none: the
`(taxonomy_term, link_key)` index serves it; `serviceatlocation.location_id` neither: 0004's
`(location_id, service_id)` does.
"""

import django.db.models.deletion
from django.db import migrations, models

# (table, column) of every plain link index this migration replaces.
LINKS = [
    ("accessibility", "location"),
    ("address", "location"),
    ("attribute", "taxonomy_term"),
    ("contact", "location"),
    ("contact", "organization"),
    ("contact", "service"),
    ("contact", "service_at_location"),
    ("costoption", "service"),
    ("funding", "organization"),
    ("funding", "service"),
    ("language", "location"),
    ("language", "phone"),
    ("language", "service"),
    ("location", "organization"),
    ("organizationidentifier", "organization"),
    ("phone", "contact"),
    ("phone", "location"),
    ("phone", "organization"),
    ("phone", "service"),
    ("phone", "service_at_location"),
    ("program", "organization"),
    ("requireddocument", "service"),
    ("schedule", "location"),
    ("schedule", "service"),
    ("schedule", "service_at_location"),
    ("service", "organization"),
    ("service", "program"),
    ("servicearea", "service"),
    ("serviceatlocation", "location"),
    ("serviceatlocation", "service"),
    ("taxonomyterm", "taxonomy_detail"),
]

# The partial indexes of 0004 replaced by the ones below (same columns, same condition).
REPLACED_0004 = [
    ("directory_phone_location_set", "directory_phone (location_id) WHERE location_id IS NOT NULL"),
    ("directory_phone_sal_set", "directory_phone (service_at_location_id) WHERE service_at_location_id IS NOT NULL"),
    ("directory_schedule_location_set", "directory_schedule (location_id) WHERE location_id IS NOT NULL"),
    (
        "directory_schedule_sal_set",
        "directory_schedule (service_at_location_id) WHERE service_at_location_id IS NOT NULL",
    ),
]


def _plain_indexes(schema_editor, model, column):
    """Names of the plain, single-column, non-unique indexes on `column` (Django's for a foreign key)."""
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(cursor, model._meta.db_table)
    return [
        name
        for name, info in constraints.items()
        if info["index"]
        and not info["unique"]
        and not info["primary_key"]
        and info["columns"] == [column]
        and not name.startswith("dir_")
        and name not in dict(REPLACED_0004)
    ]


def drop_plain_indexes(apps, schema_editor):
    for model_name, field_name in LINKS:
        model = apps.get_model("directory", model_name)
        column = model._meta.get_field(field_name).column
        for name in _plain_indexes(schema_editor, model, column):
            schema_editor.execute(schema_editor._delete_index_sql(model, name))


def restore_plain_indexes(apps, schema_editor):
    for model_name, field_name in LINKS:
        model = apps.get_model("directory", model_name)
        field = model._meta.get_field(field_name)
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0023_sal_point"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="accessibility",
            index=models.Index(
                condition=models.Q(("location__isnull", False)), fields=["location"], name="dir_access_location_set"
            ),
        ),
        migrations.AddIndex(
            model_name="address",
            index=models.Index(
                condition=models.Q(("location__isnull", False)), fields=["location"], name="dir_address_location_set"
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                condition=models.Q(("organization__isnull", False)), fields=["organization"], name="dir_contact_org_set"
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                condition=models.Q(("service__isnull", False)), fields=["service"], name="dir_contact_service_set"
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                condition=models.Q(("service_at_location__isnull", False)),
                fields=["service_at_location"],
                name="dir_contact_sal_set",
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                condition=models.Q(("location__isnull", False)), fields=["location"], name="dir_contact_location_set"
            ),
        ),
        migrations.AddIndex(
            model_name="costoption",
            index=models.Index(
                condition=models.Q(("service__isnull", False)), fields=["service"], name="dir_cost_service_set"
            ),
        ),
        migrations.AddIndex(
            model_name="funding",
            index=models.Index(
                condition=models.Q(("organization__isnull", False)), fields=["organization"], name="dir_funding_org_set"
            ),
        ),
        migrations.AddIndex(
            model_name="funding",
            index=models.Index(
                condition=models.Q(("service__isnull", False)), fields=["service"], name="dir_funding_service_set"
            ),
        ),
        migrations.AddIndex(
            model_name="language",
            index=models.Index(
                condition=models.Q(("service__isnull", False)), fields=["service"], name="dir_language_service_set"
            ),
        ),
        migrations.AddIndex(
            model_name="language",
            index=models.Index(
                condition=models.Q(("location__isnull", False)), fields=["location"], name="dir_language_location_set"
            ),
        ),
        migrations.AddIndex(
            model_name="language",
            index=models.Index(
                condition=models.Q(("phone__isnull", False)), fields=["phone"], name="dir_language_phone_set"
            ),
        ),
        migrations.AddIndex(
            model_name="location",
            index=models.Index(
                condition=models.Q(("organization__isnull", False)),
                fields=["organization"],
                name="dir_location_org_set",
            ),
        ),
        migrations.AddIndex(
            model_name="organizationidentifier",
            index=models.Index(
                condition=models.Q(("organization__isnull", False)), fields=["organization"], name="dir_orgid_org_set"
            ),
        ),
        migrations.AddIndex(
            model_name="phone",
            index=models.Index(
                condition=models.Q(("location__isnull", False)), fields=["location"], name="dir_phone_location_set"
            ),
        ),
        migrations.AddIndex(
            model_name="phone",
            index=models.Index(
                condition=models.Q(("service__isnull", False)), fields=["service"], name="dir_phone_service_set"
            ),
        ),
        migrations.AddIndex(
            model_name="phone",
            index=models.Index(
                condition=models.Q(("organization__isnull", False)), fields=["organization"], name="dir_phone_org_set"
            ),
        ),
        migrations.AddIndex(
            model_name="phone",
            index=models.Index(
                condition=models.Q(("contact__isnull", False)), fields=["contact"], name="dir_phone_contact_set"
            ),
        ),
        migrations.AddIndex(
            model_name="phone",
            index=models.Index(
                condition=models.Q(("service_at_location__isnull", False)),
                fields=["service_at_location"],
                name="dir_phone_sal_set",
            ),
        ),
        migrations.AddIndex(
            model_name="program",
            index=models.Index(
                condition=models.Q(("organization__isnull", False)), fields=["organization"], name="dir_program_org_set"
            ),
        ),
        migrations.AddIndex(
            model_name="requireddocument",
            index=models.Index(
                condition=models.Q(("service__isnull", False)), fields=["service"], name="dir_reqdoc_service_set"
            ),
        ),
        migrations.AddIndex(
            model_name="schedule",
            index=models.Index(
                condition=models.Q(("service__isnull", False)), fields=["service"], name="dir_schedule_service_set"
            ),
        ),
        migrations.AddIndex(
            model_name="schedule",
            index=models.Index(
                condition=models.Q(("location__isnull", False)), fields=["location"], name="dir_schedule_location_set"
            ),
        ),
        migrations.AddIndex(
            model_name="schedule",
            index=models.Index(
                condition=models.Q(("service_at_location__isnull", False)),
                fields=["service_at_location"],
                name="dir_schedule_sal_set",
            ),
        ),
        migrations.AddIndex(
            model_name="service",
            index=models.Index(
                condition=models.Q(("organization__isnull", False)), fields=["organization"], name="dir_service_org_set"
            ),
        ),
        migrations.AddIndex(
            model_name="service",
            index=models.Index(
                condition=models.Q(("program__isnull", False)), fields=["program"], name="dir_service_program_set"
            ),
        ),
        migrations.AddIndex(
            model_name="servicearea",
            index=models.Index(
                condition=models.Q(("service__isnull", False)), fields=["service"], name="dir_area_service_set"
            ),
        ),
        migrations.AddIndex(
            model_name="serviceatlocation",
            index=models.Index(
                condition=models.Q(("service__isnull", False)), fields=["service"], name="dir_sal_service_set"
            ),
        ),
        migrations.AddIndex(
            model_name="taxonomyterm",
            index=models.Index(
                condition=models.Q(("taxonomy_detail__isnull", False)),
                fields=["taxonomy_detail"],
                name="dir_term_taxonomy_set",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="accessibility",
                    name="location",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="accessibility",
                        to="directory.location",
                    ),
                ),
                migrations.AlterField(
                    model_name="address",
                    name="location",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="addresses",
                        to="directory.location",
                    ),
                ),
                migrations.AlterField(
                    model_name="attribute",
                    name="taxonomy_term",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attributes",
                        to="directory.taxonomyterm",
                    ),
                ),
                migrations.AlterField(
                    model_name="contact",
                    name="location",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="contacts",
                        to="directory.location",
                    ),
                ),
                migrations.AlterField(
                    model_name="contact",
                    name="organization",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="contacts",
                        to="directory.organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="contact",
                    name="service",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="contacts",
                        to="directory.service",
                    ),
                ),
                migrations.AlterField(
                    model_name="contact",
                    name="service_at_location",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="contacts",
                        to="directory.serviceatlocation",
                    ),
                ),
                migrations.AlterField(
                    model_name="costoption",
                    name="service",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="cost_options",
                        to="directory.service",
                    ),
                ),
                migrations.AlterField(
                    model_name="funding",
                    name="organization",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="funding",
                        to="directory.organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="funding",
                    name="service",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="funding",
                        to="directory.service",
                    ),
                ),
                migrations.AlterField(
                    model_name="language",
                    name="location",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="languages",
                        to="directory.location",
                    ),
                ),
                migrations.AlterField(
                    model_name="language",
                    name="phone",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="languages",
                        to="directory.phone",
                    ),
                ),
                migrations.AlterField(
                    model_name="language",
                    name="service",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="languages",
                        to="directory.service",
                    ),
                ),
                migrations.AlterField(
                    model_name="location",
                    name="organization",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="locations",
                        to="directory.organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="organizationidentifier",
                    name="organization",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="organization_identifiers",
                        to="directory.organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="phone",
                    name="contact",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="phones",
                        to="directory.contact",
                    ),
                ),
                migrations.AlterField(
                    model_name="phone",
                    name="location",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="phones",
                        to="directory.location",
                    ),
                ),
                migrations.AlterField(
                    model_name="phone",
                    name="organization",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="phones",
                        to="directory.organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="phone",
                    name="service",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="phones",
                        to="directory.service",
                    ),
                ),
                migrations.AlterField(
                    model_name="phone",
                    name="service_at_location",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="phones",
                        to="directory.serviceatlocation",
                    ),
                ),
                migrations.AlterField(
                    model_name="program",
                    name="organization",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="programs",
                        to="directory.organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="requireddocument",
                    name="service",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="required_documents",
                        to="directory.service",
                    ),
                ),
                migrations.AlterField(
                    model_name="schedule",
                    name="location",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="schedules",
                        to="directory.location",
                    ),
                ),
                migrations.AlterField(
                    model_name="schedule",
                    name="service",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="schedules",
                        to="directory.service",
                    ),
                ),
                migrations.AlterField(
                    model_name="schedule",
                    name="service_at_location",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="schedules",
                        to="directory.serviceatlocation",
                    ),
                ),
                migrations.AlterField(
                    model_name="service",
                    name="organization",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="services",
                        to="directory.organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="service",
                    name="program",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="services",
                        to="directory.program",
                    ),
                ),
                migrations.AlterField(
                    model_name="servicearea",
                    name="service",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="service_areas",
                        to="directory.service",
                    ),
                ),
                migrations.AlterField(
                    model_name="serviceatlocation",
                    name="location",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="service_at_locations",
                        to="directory.location",
                    ),
                ),
                migrations.AlterField(
                    model_name="serviceatlocation",
                    name="service",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="service_at_locations",
                        to="directory.service",
                    ),
                ),
                migrations.AlterField(
                    model_name="taxonomyterm",
                    name="taxonomy_detail",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="terms",
                        to="directory.taxonomy",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_plain_indexes, restore_plain_indexes)],
        ),
        *(
            migrations.RunSQL(
                sql=f"DROP INDEX IF EXISTS {name}", reverse_sql=f"CREATE INDEX IF NOT EXISTS {name} ON {definition}"
            )
            for name, definition in REPLACED_0004
        ),
    ]
