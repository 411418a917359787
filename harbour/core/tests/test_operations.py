"""Production guards, health and readiness, and structured logs."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.test import Client

from harbour import settings as harbour_settings
from harbour.core import readiness
from harbour.logformat import JsonFormatter

BASE = Path(__file__).resolve().parents[3]


def test_a_key_in_the_same_tree_as_the_database_is_refused(tmp_path):
    key = tmp_path / "var" / "master-key"
    with pytest.raises(ImproperlyConfigured, match="same folder tree as the database"):
        harbour_settings.refuse_key_beside_data(key, {"database": tmp_path / "var"})
    with pytest.raises(ImproperlyConfigured, match="backups"):
        harbour_settings.refuse_key_beside_data(key, {"backups": tmp_path / "var" / "backups"})
    # The key's folder inside the data's folder is the same tree too.
    with pytest.raises(ImproperlyConfigured):
        harbour_settings.refuse_key_beside_data(tmp_path / "data" / "keys" / "k", {"database": tmp_path / "data"})


def test_a_key_kept_apart_or_in_the_environment_is_accepted(tmp_path):
    harbour_settings.refuse_key_beside_data(
        tmp_path / "secrets" / "master-key", {"database": tmp_path / "db", "backups": tmp_path / "backups"}
    )
    harbour_settings.refuse_key_beside_data(None, {"database": tmp_path})


def _start_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter, as gunicorn would at start."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HARBOUR_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-c", "import harbour.settings"],
        cwd=BASE,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_mode_refuses_to_start_with_the_key_beside_the_database(tmp_path):
    state = tmp_path / "var"
    state.mkdir()
    (state / "secret-key").write_text("s" * 50)
    (state / "master-key").write_text("A" * 43 + "=")
    refused = _start_settings({"HARBOUR_STATE_DIR": str(state), "HARBOUR_PRODUCTION": "true"})
    assert refused.returncode != 0
    assert "same folder tree" in refused.stderr

    keys = tmp_path / "keys"
    keys.mkdir()
    (state / "master-key").rename(keys / "master-key")
    started = _start_settings(
        {
            "HARBOUR_STATE_DIR": str(state),
            "HARBOUR_PRODUCTION": "true",
            "HARBOUR_MASTER_KEY_FILE": str(keys / "master-key"),
        }
    )
    assert started.returncode == 0, started.stderr


def test_readiness_says_ready_only_when_the_database_answers(db, monkeypatch):
    client = Client()
    assert client.get("/healthz").content == b"ok"
    answer = client.get("/readyz")
    assert (answer.status_code, answer.content) == (200, b"ready")

    def broken() -> None:
        raise DatabaseError("connection refused to host db.internal")

    monkeypatch.setattr(readiness, "_ping", broken)
    answer = client.get("/readyz")
    assert (answer.status_code, answer.content) == (503, b"not ready")


def test_json_log_lines_carry_no_exception_message():
    formatter = JsonFormatter()
    try:
        raise ValueError("duplicate key value (email)=(amira@example.org)")
    except ValueError:
        record = logging.LogRecord(
            "harbour.x", logging.ERROR, __file__, 1, "import failed for %s", ("services",), sys.exc_info()
        )
    line = json.loads(formatter.format(record))
    assert line["message"] == "import failed for services"
    assert line["exception"] == "ValueError"
    assert line["where"].endswith("test_operations.py:" + line["where"].rsplit(":", 1)[1])
    assert "amira" not in formatter.format(record)
    assert set(line) == {"time", "level", "logger", "message", "exception", "where"}
