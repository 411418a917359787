"""A text field stored as ciphertext under its organisation's data key, or under its record's own key."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.models import Lookup
from django.db.models.query_utils import DeferredAttribute

from harbour.core import crypto


class DecryptingAttribute(DeferredAttribute):
    """Decrypts on first read, using the organisation of the row the value sits in."""

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, crypto.Sealed):
            field: EncryptedTextField = self.field  # type: ignore[assignment]
            organisation_id = getattr(instance, field.key_owner)
            if field.record_key:
                value = crypto.decrypt_under(
                    value.token,
                    key=getattr(instance, field.record_key),
                    context=field.crypto_context,
                    organisation_id=organisation_id,
                )
            else:
                value = crypto.decrypt(value.token, context=field.crypto_context, organisation_id=organisation_id)
            instance.__dict__[field.attname] = value
        return value

    # A data descriptor, so reads always pass through __get__ even once the value is in __dict__.
    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Plaintext in Python, ciphertext in the database and its backups.

    `key_owner` names the attribute holding the organisation id whose data key
    encrypts the value. `record_key`, when given, names the row's foreign key
    to a `core.RecordKey`: the value is then sealed under that record's own key
    (itself wrapped by the organisation's), so destroying it erases the value.
    Values are decrypted only when read from the model instance; `values()` and
    `values_list()` give `Sealed` ciphertexts. Encrypted values cannot be
    searched or filtered.
    """

    descriptor_class = DecryptingAttribute
    # Which key seals a value changes nothing in the schema: no table rebuild for these.
    non_db_attrs = (*models.TextField.non_db_attrs, "key_owner", "record_key")

    def __init__(self, *args: Any, key_owner: str = "organisation_id", record_key: str = "", **kwargs: Any) -> None:
        self.key_owner = key_owner
        self.record_key = record_key
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.key_owner != "organisation_id":
            kwargs["key_owner"] = self.key_owner
        if self.record_key:
            kwargs["record_key"] = self.record_key
        return name, path, args, kwargs

    @property
    def crypto_context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if value is None:
            return None
        organisation_id = getattr(model_instance, self.key_owner)
        if organisation_id is None:
            raise ValueError(f"{self.crypto_context}: no organisation to encrypt for")
        if self.record_key:
            key = getattr(model_instance, self.record_key)
            if key is None:
                raise ValueError(f"{self.crypto_context}: no record key to encrypt under")
            if key.organisation_id != organisation_id:
                raise ValueError(f"{self.crypto_context}: the record key belongs to another organisation")
            return crypto.encrypt_under(str(value), key=key, context=self.crypto_context)
        return crypto.encrypt(str(value), organisation_id=organisation_id, context=self.crypto_context)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> crypto.Sealed | None:
        if value is None:
            return None
        return crypto.Sealed(value)

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        if lookup_name != "isnull":
            raise FieldError(f"{self.crypto_context} is encrypted and cannot be filtered")
        return super().get_lookup(lookup_name)
