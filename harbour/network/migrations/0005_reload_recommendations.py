"""Brings databases seeded before the data file gained the 2003 report's funding recommendation up to date."""

from django.db import migrations

from harbour.network.recommendations import recommendations_load


def reload(apps, schema_editor):
    recommendations_load(apps.get_model("network", "Recommendation"))


class Migration(migrations.Migration):
    dependencies = [("network", "0004_seed_recommendations")]

    operations = [migrations.RunPython(reload, migrations.RunPython.noop)]
