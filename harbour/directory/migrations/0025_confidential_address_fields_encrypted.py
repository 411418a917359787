"""The confidential address's fields are encrypted from here on (after 0024 encrypted the rows).

In a migration of its own: PostgreSQL refuses to alter a table whose rows the same transaction
has just updated under a deferred foreign key.
"""

import django.db.models.deletion
from django.db import migrations, models

import harbour.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0024_confidential_address_encrypted"),
    ]

    operations = [
        migrations.RemoveField(model_name="confidentialaddress", name="latitude"),
        migrations.RemoveField(model_name="confidentialaddress", name="longitude"),
        migrations.AlterField(
            model_name="confidentialaddress",
            name="key_owner",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="network.organisation"
            ),
        ),
        migrations.AlterField(
            model_name="confidentialaddress",
            name="point",
            field=harbour.core.fields.EncryptedTextField(blank=True, default="", key_owner="key_owner_id"),
        ),
        migrations.AlterField(
            model_name="confidentialaddress",
            name="address_1",
            field=harbour.core.fields.EncryptedTextField(key_owner="key_owner_id", verbose_name="street address"),
        ),
        migrations.AlterField(
            model_name="confidentialaddress",
            name="address_2",
            field=harbour.core.fields.EncryptedTextField(
                blank=True, default="", key_owner="key_owner_id", verbose_name="address line 2"
            ),
        ),
        migrations.AlterField(
            model_name="confidentialaddress",
            name="directions",
            field=harbour.core.fields.EncryptedTextField(
                blank=True, default="", key_owner="key_owner_id", verbose_name="directions for referred people"
            ),
        ),
        migrations.AlterField(
            model_name="confidentialaddress",
            name="postal_code",
            field=harbour.core.fields.EncryptedTextField(
                blank=True, default="", key_owner="key_owner_id", verbose_name="postal code"
            ),
        ),
    ]
