"""Backups that restore: every table row for row, every stored file, in one sealed archive.

`write_backup` reads each model's rows as the database holds them (encrypted
fields stay ciphertext: `values_list` never decrypts) and every file in the
default storage, and writes a tar stream through `SealingWriter`. `restore_backup`
opens it into an instance nobody has used yet, inside one transaction: an
archive that turns out altered at its last byte leaves the instance as it was,
and files already written are removed again.

Rows keep their primary keys, so every link between them survives. Sessions are
left out: a restored instance starts with nobody signed in.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import io
import json
import tarfile
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any, BinaryIO

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from harbour.core.crypto import Sealed
from harbour.operations.sealed_stream import BackupUnreadable, OpeningReader, SealingWriter, backup_key

FORMAT = 1
LEFT_OUT = {"sessions.session"}
# Written by migrations into every new instance, and replaced by the archive's own rows.
REPLACED_ON_RESTORE = {"contenttypes.contenttype", "auth.permission"}


class RestoreRefused(Exception):
    """The archive cannot go into this instance; nothing was changed."""


@dataclass
class Summary:
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0


def backed_up_models() -> list[type[models.Model]]:
    chosen = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label_lower in LEFT_OUT:
            continue
        chosen.append(model)
    return sorted(chosen, key=lambda m: m._meta.label_lower)


def _stored_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]


def _plain(value: Any) -> Any:
    if isinstance(value, Sealed):
        return value.token
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _stored_files(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from _stored_files(storage, f"{folder}/{sub}" if folder else sub)


def _applied_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def _add(archive: tarfile.TarFile, name: str, source: IO[bytes], size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = 0
    info.mode = 0o600
    archive.addfile(info, source)


def write_backup(out: BinaryIO, *, storage: Storage | None = None) -> Summary:
    storage = storage or default_storage
    summary = Summary()
    writer = SealingWriter(out, backup_key())
    with tarfile.open(fileobj=writer, mode="w|") as archive:  # type: ignore[call-overload]
        with transaction.atomic():  # one consistent view of every table (a snapshot on PostgreSQL)
            for model in backed_up_models():
                names = [f.attname for f in _stored_fields(model)]
                rows = 0
                with tempfile.TemporaryFile() as spool:
                    spool.write(json.dumps(names).encode() + b"\n")
                    for row in model._base_manager.order_by("pk").values_list(*names).iterator(chunk_size=2000):
                        spool.write(json.dumps([_plain(v) for v in row], ensure_ascii=False).encode() + b"\n")
                        rows += 1
                    size = spool.tell()
                    spool.seek(0)
                    _add(archive, f"tables/{model._meta.label_lower}.jsonl", spool, size)
                summary.tables[model._meta.label_lower] = rows
        for name in _stored_files(storage):
            with storage.open(name, "rb") as stored:
                content = stored.read()
            _add(archive, f"files/{name}", io.BytesIO(content), len(content))
            summary.files += 1
        manifest = {
            "format": FORMAT,
            "made": timezone.now().replace(second=0, microsecond=0).isoformat(),
            "engine": connection.vendor,
            "migrations": _applied_migrations(),
            "tables": summary.tables,
            "files": summary.files,
        }
        data = json.dumps(manifest, indent=1).encode()
        _add(archive, "manifest.json", io.BytesIO(data), len(data))
    writer.close()
    return summary


def instance_in_use() -> bool:
    member = apps.get_model("network", "Member")
    organisation = apps.get_model("network", "Organisation")
    return bool(member._base_manager.exists() or organisation._base_manager.exists())


def _insert(model: type[models.Model], names: list[str], rows: list[list[Any]]) -> None:
    by_attname = {f.attname: f for f in _stored_fields(model)}
    try:
        chosen = [by_attname[name] for name in names]
    except KeyError as missing:
        raise RestoreRefused(
            f"{model._meta.label_lower} has no column {missing} here: restore with the same version"
        ) from None
    quote = connection.ops.quote_name
    # Table and column names come from the models, never from the archive; values go as parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in chosen), ", ".join(["%s"] * len(chosen))
    )
    prepared = [
        [
            f.get_db_prep_value(f.to_python(value), connection, prepared=False)
            for f, value in zip(chosen, row, strict=True)
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)


def _load_table(model: type[models.Model], source: IO[bytes]) -> int:
    names = json.loads(source.readline())
    batch: list[list[Any]] = []
    count = 0
    for line in source:
        batch.append(json.loads(line))
        if len(batch) == 500:
            _insert(model, names, batch)
            count += len(batch)
            batch = []
    if batch:
        _insert(model, names, batch)
        count += len(batch)
    return count


def restore_backup(source: BinaryIO, *, storage: Storage | None = None) -> Summary:
    storage = storage or default_storage
    if instance_in_use():
        raise RestoreRefused("this instance already holds members or organisations: restore into a new, empty one")
    if any(True for _ in _stored_files(storage)):
        raise RestoreRefused("this instance's file storage is not empty: restore into a new, empty one")
    by_label = {model._meta.label_lower: model for model in backed_up_models()}
    summary = Summary()
    written: list[str] = []
    try:
        reader = OpeningReader(source, backup_key())
        with transaction.atomic(), tarfile.open(fileobj=reader, mode="r|") as archive:  # type: ignore[call-overload]
            with connection.cursor() as cursor:
                for label in sorted(by_label):
                    if label in REPLACED_ON_RESTORE or by_label[label]._base_manager.exists():
                        table = connection.ops.quote_name(by_label[label]._meta.db_table)
                        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a model's own table
            manifest: dict[str, Any] | None = None
            for member in archive:
                extracted = archive.extractfile(member)
                if extracted is None:
                    raise RestoreRefused(f"unexpected entry {member.name} in the archive")
                if member.name.startswith("tables/"):
                    label = member.name.removeprefix("tables/").removesuffix(".jsonl")
                    if label not in by_label:
                        raise RestoreRefused(f"the archive holds {label}, which this version does not know")
                    summary.tables[label] = _load_table(by_label[label], extracted)
                elif member.name.startswith("files/"):
                    name = member.name.removeprefix("files/")
                    saved = storage.save(name, ContentFile(extracted.read()))
                    written.append(saved)
                    if saved != name:
                        raise RestoreRefused(f"the file {name} could not be stored under its own name")
                    summary.files += 1
                elif member.name == "manifest.json":
                    manifest = json.loads(extracted.read())
                else:
                    raise RestoreRefused(f"unexpected entry {member.name} in the archive")
            if manifest is None or manifest.get("format") != FORMAT:
                raise RestoreRefused("the archive has no manifest of a format this version reads")
            if manifest["migrations"] != _applied_migrations():
                raise RestoreRefused(
                    "the archive was made by another version of Harbour: restore with that version, then migrate"
                )
            if manifest["tables"] != summary.tables or manifest["files"] != summary.files:
                raise RestoreRefused("the archive does not hold what its manifest lists")
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), list(by_label.values())):
                    cursor.execute(statement)
    except (BackupUnreadable, RestoreRefused, tarfile.TarError):
        for name in written:
            storage.delete(name)
        raise
    return summary
