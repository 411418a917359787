"""Existing cases get their own data key, and their values (and their notes' and tasks') move under it.

Values are read with the organisation's key and sealed again under the case's key, one
case at a time. Uses the crypto functions (and through them today's key models): this
runs only where cases exist, right after the keys' table is created.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

CASE_FIELDS = ("alias", "contact", "summary", "safety_plan", "screening")
CHILDREN = (("Note", "text"), ("Task", "title"))


def _token(value: Any) -> str | None:
    return None if value is None else str(getattr(value, "token", value))


def forward(apps: Any, schema_editor: Any) -> None:
    from harbour.core import crypto

    Case = apps.get_model("cases", "Case")
    keys: dict[int, Any] = {}
    for pk, organisation_id, *values in Case.objects.filter(key__isnull=True).values_list(
        "pk", "organisation_id", *CASE_FIELDS
    ):
        key = crypto.record_key_new(organisation_id)
        keys[pk] = key
        changes: dict[str, Any] = {"key_id": key.pk}
        for name, value in zip(CASE_FIELDS, values, strict=True):
            token = _token(value)
            if token is not None and token.startswith(crypto.TOKEN_PREFIX + ":"):
                plain = crypto.decrypt(token, context=f"cases.case.{name}", organisation_id=organisation_id)
                changes[name] = crypto.encrypt_under(plain, key=key, context=f"cases.case.{name}")
        Case.objects.filter(pk=pk).update(**changes)
    for model_name, field in CHILDREN:
        model = apps.get_model("cases", model_name)
        for pk, case_id, organisation_id, value in model.objects.filter(key__isnull=True).values_list(
            "pk", "case_id", "organisation_id", field
        ):
            key = keys.get(case_id)
            if key is None:
                from harbour.core.models import RecordKey

                key = keys[case_id] = RecordKey.objects.get(pk=Case.objects.get(pk=case_id).key_id)
            changes = {"key_id": key.pk}
            token = _token(value)
            context = f"cases.{model_name.lower()}.{field}"
            if token is not None and token.startswith(crypto.TOKEN_PREFIX + ":"):
                plain = crypto.decrypt(token, context=context, organisation_id=organisation_id)
                changes[field] = crypto.encrypt_under(plain, key=key, context=context)
            model.objects.filter(pk=pk).update(**changes)


def backward(apps: Any, schema_editor: Any) -> None:
    """Back under the organisation's key, so the previous code reads every value."""
    from harbour.core import crypto
    from harbour.core.models import RecordKey

    for model_name, fields in (("Case", CASE_FIELDS), ("Note", ("text",)), ("Task", ("title",))):
        model = apps.get_model("cases", model_name)
        for pk, organisation_id, key_id, *values in model.objects.exclude(key__isnull=True).values_list(
            "pk", "organisation_id", "key_id", *fields
        ):
            key = RecordKey.objects.get(pk=key_id)
            changes: dict[str, Any] = {}
            for name, value in zip(fields, values, strict=True):
                token = _token(value)
                if token is not None and token.startswith(crypto.RECORD_TOKEN_PREFIX + ":"):
                    context = f"cases.{model_name.lower()}.{name}"
                    plain = crypto.decrypt_under(token, key=key, context=context, organisation_id=organisation_id)
                    changes[name] = crypto.encrypt(plain, organisation_id=organisation_id, context=context)
            model.objects.filter(pk=pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_record_keys")]

    operations = [migrations.RunPython(forward, backward)]
