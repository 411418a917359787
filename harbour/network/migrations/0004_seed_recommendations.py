"""Loads the recommendations of the 2003 report and the 2013 forum into the tracker."""

from django.db import migrations

from harbour.network.recommendations import recommendations_load


def seed(apps, schema_editor):
    recommendations_load(apps.get_model("network", "Recommendation"))


class Migration(migrations.Migration):
    dependencies = [("network", "0003_announcements_meetings_profiles_recommendations")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
