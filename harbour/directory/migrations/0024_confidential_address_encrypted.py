"""A confidential address's street, postal code, exact point and directions become ciphertext.

They are encrypted under a network organisation's data key (harbour.core.crypto), named on the
row as `key_owner`: the listing's network organisation, else the organisation of the network's
first active coordinator (harbour.directory.confidential.key_owner_for). A row for which neither
exists cannot be encrypted and is deleted: its location's public row is already coarse, and
members are told to call. The exact point moves from two float columns into one encrypted text
"latitude,longitude".

Written by hand: the data step runs while the columns are still plain text, so the historical
model reads the clear values; the fields become encrypted only afterwards.
"""

import django.db.models.deletion
from django.db import migrations, models

import harbour.core.fields

TABLE = "directory.confidentialaddress"
SECRET_FIELDS = ("address_1", "address_2", "postal_code", "point", "directions")
COORDINATOR = "coordinator"
STATE_KINDS = ("government", "law_enforcement")


def _owner(apps, organization_id, custodian):
    Organization = apps.get_model("directory", "Organization")
    owner = None
    if organization_id:
        owner = (
            Organization.objects.filter(id=organization_id).values_list("network_organisation_id", flat=True).first()
        )
    return owner or custodian


def encrypt_rows(apps, schema_editor):
    from harbour.core import crypto

    ConfidentialAddress = apps.get_model("directory", "ConfidentialAddress")
    Member = apps.get_model("network", "Member")
    if not ConfidentialAddress.objects.exists():
        return
    custodian = (
        Member.objects.filter(role=COORDINATOR, is_active=True)
        .exclude(organisation__kind__in=STATE_KINDS)
        .order_by("pk")
        .values_list("organisation_id", flat=True)
        .first()
    )
    for row in ConfidentialAddress.objects.select_related("location").order_by("pk"):
        owner = _owner(apps, row.location.organization_id, custodian)
        if owner is None:
            row.delete()
            continue
        if row.latitude is not None and row.longitude is not None:
            row.point = f"{float(row.latitude)!r},{float(row.longitude)!r}"
        values = {
            name: crypto.encrypt(getattr(row, name) or "", organisation_id=owner, context=f"{TABLE}.{name}")
            for name in SECRET_FIELDS
        }
        ConfidentialAddress.objects.filter(pk=row.pk).update(
            key_owner_id=owner, latitude=None, longitude=None, **values
        )


def decrypt_rows(apps, schema_editor):
    from harbour.core import crypto

    ConfidentialAddress = apps.get_model("directory", "ConfidentialAddress")
    for pk, owner, *tokens in ConfidentialAddress.objects.values_list("pk", "key_owner_id", *SECRET_FIELDS):
        values = {
            name: crypto.decrypt(token, context=f"{TABLE}.{name}", organisation_id=owner) if token else ""
            for name, token in zip(SECRET_FIELDS, tokens)
        }
        latitude, _comma, longitude = values.pop("point").partition(",")
        ConfidentialAddress.objects.filter(pk=pk).update(
            latitude=float(latitude) if longitude else None, longitude=float(longitude) if longitude else None, **values
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_record_keys"),
        ("directory", "0023_sal_point"),
        ("network", "0006_meeting_report_keeps_no_file_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="confidentialaddress",
            name="key_owner",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="network.organisation"
            ),
        ),
        migrations.AddField(
            model_name="confidentialaddress",
            name="point",
            field=models.TextField(blank=True, default=""),
        ),
        # Ciphertext is longer than a postal code's 16 characters.
        migrations.AlterField(
            model_name="confidentialaddress",
            name="postal_code",
            field=models.TextField(blank=True, default="", verbose_name="postal code"),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows, elidable=False),
    ]
