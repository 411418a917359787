# Joins the two lines of migrations that met in one merge: indexed links and encrypted confidential addresses.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0024_links_indexed_where_set'),
        ('directory', '0025_confidential_address_fields_encrypted'),
    ]

    operations = [
    ]
