"""A worker killed with SIGKILL in the middle of `hsds_import` leaves the directory as it was (issue 19, item 4).

The import runs in a process of its own against an instance of its own (a SQLite file, or a database
of its own in the suite's PostgreSQL cluster). Once it says it has written records inside its
transaction, it is killed; every directory table then reads exactly as before the import started.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

from harbour.directory import bench

BASE = Path(__file__).resolve().parents[3]

# Every directory table, row for row, as the database holds it.
DIGEST = """
import json, sys
from harbour.directory.models import HSDS_MODELS
out = {}
for model in HSDS_MODELS:
    rows = model._default_manager.order_by("pk").values_list()
    out[model._meta.db_table] = [[str(v) for v in row] for row in rows]
json.dump(out, sys.stdout)
"""


def _instance(tmp: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HARBOUR_", "DATABASE_URL"))}
    env = {
        **clean,
        "HARBOUR_STATE_DIR": str(tmp / "state"),
        "HARBOUR_SECRET_KEY": secrets.token_urlsafe(40),
        "HARBOUR_MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        database = f"harbour_killed_import_{secrets.token_hex(4)}"
        subprocess.run(["psql", f"{base}/postgres", "-qc", f"CREATE DATABASE {database}"], check=True)
        env["DATABASE_URL"] = f"{base}/{database}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'harbour.sqlite3'}"
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stderr[-3000:]}"
    return done.stdout


def _generated(path: Path, services: int, seed: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        bench.generate(out, services, services * 3 // 2, seed)
    return path


def test_an_import_killed_mid_way_leaves_the_directory_as_it_was(tmp_path):
    env = _instance(tmp_path)
    _manage(env, "migrate", "--noinput", "-v0")
    # What the directory already holds: 300 services, which the killed file gives again with other values.
    _manage(env, "hsds_import", str(_generated(tmp_path / "first.ndjson", 300, seed=1)), "--quiet")
    before = json.loads(_manage(env, "shell", "-v0", "-c", DIGEST))
    assert len(before["directory_service"]) == 300 and len(before["directory_location"]) == 450

    big = _generated(tmp_path / "second.ndjson", 6000, seed=2)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "hsds_import", str(big), "--quiet", "-v", "2"],
        cwd=BASE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert worker.stdout is not None
        line = worker.stdout.readline()  # the first chunk is written, inside the import's transaction
        assert "records written, not yet committed" in line, line + worker.communicate(timeout=60)[1][-3000:]
        worker.send_signal(signal.SIGKILL)
        rest, _errors = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == -signal.SIGKILL
    assert "Imported" not in rest  # it was killed before it finished, not after

    after = json.loads(_manage(env, "shell", "-v0", "-c", DIGEST))
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], f"{table} changed: the killed import left something behind"

    # The directory still takes the whole file afterwards (nothing half written is in the way).
    done = _manage(env, "hsds_import", str(big), "--quiet")
    assert "Imported" in done
    counts = json.loads(_manage(env, "shell", "-v0", "-c", DIGEST))
    assert len(counts["directory_service"]) == 6000
