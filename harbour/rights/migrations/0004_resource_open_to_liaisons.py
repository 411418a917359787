from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("rights", "0003_content_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="resource",
            name="open_to_liaisons",
            field=models.BooleanField(
                default=False, verbose_name="also for government and law-enforcement liaisons and researchers"
            ),
        ),
    ]
