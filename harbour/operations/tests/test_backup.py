"""A populated instance goes into a backup and comes back, record for record and file for file."""

from __future__ import annotations

import base64
import io
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from harbour.operations import sealed_stream
from harbour.operations.backup import RestoreRefused, restore_backup, write_backup
from harbour.operations.sealed_stream import BackupUnreadable, OpeningReader, SealingWriter

# The restore goes into a database of the engine under test, outside the test database.
pytestmark = pytest.mark.engine

BASE = Path(__file__).resolve().parents[3]

# Everything a populated instance holds beyond the demo: a case (its summary encrypted),
# and a meeting report's stored file.
POPULATE = """
from django.core.files.base import ContentFile
from harbour.cases.actions import CASE_CONSENT, case_open
from harbour.network.models import Meeting, MeetingReport, Member
worker = next(m for m in Member.objects.filter(role="case_worker") if m.may_see_person_data)
case_open(by=worker, summary="BACKUP-MARKER worked 70 hours a week", consent=CASE_CONSENT)
meeting = Meeting.objects.first()
report = MeetingReport(meeting=meeting, title="minutes", content_type="text/plain", uploaded_by=worker)
report.file.save("ignored.txt", ContentFile(b"BACKUP-FILE-MARKER"), save=True)
"""

# Every backed-up table, row for row, as the database holds it; and every stored file.
DIGEST = """
import hashlib, json, sys
from django.core.files.storage import default_storage
from harbour.operations.backup import _plain, _stored_fields, _stored_files, backed_up_models
out = {}
for model in backed_up_models():
    names = [f.attname for f in _stored_fields(model)]
    rows = model._base_manager.order_by("pk").values_list(*names)
    out[model._meta.label_lower] = [[_plain(v) for v in row] for row in rows]
out["files"] = {n: hashlib.sha256(default_storage.open(n).read()).hexdigest() for n in _stored_files(default_storage)}
json.dump(out, sys.stdout, default=str)
"""


def _instance(tmp: Path, name: str, master_key: str) -> dict[str, str]:
    home = tmp / name
    (home / "media").mkdir(parents=True)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HARBOUR_")}
    env = {
        **clean,
        "HARBOUR_STATE_DIR": str(home),
        "HARBOUR_SECRET_KEY": secrets.token_urlsafe(40),
        "HARBOUR_MASTER_KEY": master_key,
        "HARBOUR_MEDIA_ROOT": str(home / "media"),
        "HARBOUR_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        # A database of its own in the suite's PostgreSQL cluster.
        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        database = f"harbour_backup_{name}_{secrets.token_hex(4)}"
        subprocess.run(["psql", f"{base}/postgres", "-qc", f"CREATE DATABASE {database}"], check=True)
        env["DATABASE_URL"] = f"{base}/{database}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{home / 'harbour.sqlite3'}"
    return env


def _manage(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stderr[-3000:]}"
    return done.stdout


def test_a_populated_instance_round_trips_through_backup_and_restore(tmp_path):
    master = base64.b64encode(secrets.token_bytes(32)).decode()
    source = _instance(tmp_path, "source", master)
    _manage(source, "migrate", "--noinput", "-v0")
    _manage(source, "load_rights_content")
    _manage({**source, "HARBOUR_DEMO": "true"}, "load_demo", "--site-url", "http://127.0.0.1:8000")
    _manage(source, "shell", "-v0", "-c", POPULATE)
    archive = tmp_path / "harbour.backup"
    _manage(source, "backup", str(archive))

    raw = archive.read_bytes()
    assert b"BACKUP-MARKER" not in raw and b"BACKUP-FILE-MARKER" not in raw
    assert b"harbour-demo" not in raw.lower()

    target = _instance(tmp_path, "target", master)
    _manage(target, "migrate", "--noinput", "-v0")
    _manage(target, "restore", str(archive))

    before = json.loads(_manage(source, "shell", "-v0", "-c", DIGEST))
    after = json.loads(_manage(target, "shell", "-v0", "-c", DIGEST))
    assert before.keys() == after.keys()
    for table in before:
        assert before[table] == after[table], f"{table} differs after the restore"
    assert len(before["cases.case"]) >= 1 and len(before["files"]) >= 1
    assert len(before["network.member"]) > 5 and len(before["directory.service"]) > 100
    # The restored case reads with the same master key: keys came along, wrapped.
    summary = _manage(
        target,
        "shell",
        "-v0",
        "-c",
        "from harbour.cases.models import Case; print([c.summary for c in Case.system_objects.all()])",
    )
    assert "BACKUP-MARKER" in summary
    # And the instance works: new rows get fresh ids after the restored ones.
    _manage(target, "shell", "-v0", "-c", POPULATE)

    # A second restore into the now-used instance is refused and changes nothing.
    refused = subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive)], cwd=BASE, env=target, capture_output=True, text=True
    )
    assert refused.returncode != 0 and "empty" in refused.stderr

    other = _instance(tmp_path, "other", base64.b64encode(secrets.token_bytes(32)).decode())
    _manage(other, "migrate", "--noinput", "-v0")
    wrong_key = subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive)], cwd=BASE, env=other, capture_output=True, text=True
    )
    assert wrong_key.returncode != 0 and "another master key" in wrong_key.stderr


def _sealed(data: bytes, key: bytes) -> bytes:
    out = io.BytesIO()
    writer = SealingWriter(out, key)
    writer.write(data)
    writer.close()
    return out.getvalue()


def test_the_sealed_stream_round_trips_and_refuses_any_change():
    key = secrets.token_bytes(32)
    data = secrets.token_bytes(3 * sealed_stream.CHUNK + 17)
    sealed = _sealed(data, key)
    assert OpeningReader(io.BytesIO(sealed), key).read() == data
    assert data[:64] not in sealed

    flipped = bytearray(sealed)
    flipped[len(sealed) // 2] ^= 1
    with pytest.raises(BackupUnreadable, match="altered"):
        OpeningReader(io.BytesIO(bytes(flipped)), key).read()
    final_chunk = 17 + 17  # the last 17 bytes and their tag
    with pytest.raises(BackupUnreadable, match="cut short"):
        OpeningReader(io.BytesIO(sealed[:-final_chunk]), key).read()
    with pytest.raises(BackupUnreadable, match="another master key"):
        OpeningReader(io.BytesIO(sealed), secrets.token_bytes(32))
    with pytest.raises(BackupUnreadable, match="not a Harbour backup"):
        OpeningReader(io.BytesIO(b"PK\x03\x04" + sealed), key)


def test_an_altered_archive_restores_nothing(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "source"
    source = FileSystemStorage(location=tmp_path / "source")
    source.save("reports/a.txt", ContentFile(b"first"))
    out = io.BytesIO()
    write_backup(out, storage=source)
    archive = bytearray(out.getvalue())
    archive[-5] ^= 1  # the last chunk: files are already written when it fails

    target = FileSystemStorage(location=tmp_path / "target")
    with pytest.raises(BackupUnreadable):
        restore_backup(io.BytesIO(bytes(archive)), storage=target)
    assert not (tmp_path / "target" / "reports" / "a.txt").exists()


def test_a_restore_into_a_used_instance_is_refused(db, tmp_path):
    from harbour.network.models import Organisation

    Organisation.objects.create(name="Already here")
    with pytest.raises(RestoreRefused, match="empty"):
        restore_backup(io.BytesIO(b""), storage=FileSystemStorage(location=tmp_path))
