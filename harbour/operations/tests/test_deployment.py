"""The production configuration, every part running on loopback: PostgreSQL, a task queue with its own
workers (django-tasks-db, and django-tasks-rq on Redis), S3-compatible storage, gunicorn behind nginx."""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path

import boto3  # type: ignore[import-untyped]
import pytest
from aiosmtpd.controller import Controller

from harbour.operations.tests.stack import Stack, free_port, stack

pytestmark = pytest.mark.deployment

MARKER_AGENT = "MarkerAgent/7.7 (deployment-test)"
MARKER_ADDRESS = "198.51.100.77"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope.content)  # type: ignore[attr-defined]
        return "250 OK"

    def subjects(self) -> list[str]:
        return [str(message_from_bytes(raw)["Subject"]) for raw in self.messages]

    def wait_for(self, count: int, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.2)


@pytest.fixture(scope="module")
def production() -> Iterator[tuple[Stack, Inbox]]:
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    with stack() as running:
        database = running.postgres()
        redis = running.redis()
        s3 = running.s3()
        running.env.update(
            {
                "DATABASE_URL": database,
                "HARBOUR_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
                "HARBOUR_REDIS_URL": redis,
                "HARBOUR_STORAGE": "s3",
                "HARBOUR_S3_ENDPOINT_URL": s3,
                "HARBOUR_S3_BUCKET": "harbour-files",
                "HARBOUR_S3_REGION": "us-east-1",
                "AWS_ACCESS_KEY_ID": "deployment-test",
                "AWS_SECRET_ACCESS_KEY": "deployment-test-secret",
                "HARBOUR_EMAIL_HOST": "127.0.0.1",
                "HARBOUR_EMAIL_PORT": str(smtp.port),
                "HARBOUR_UPLOAD_MAX_MB": "1",
            }
        )
        _bucket(running).create_bucket(Bucket="harbour-files")
        running.manage("migrate", "--noinput", "-v0")
        running.web()
        running.start("db-worker", [*_python(), "manage.py", "db_worker", "--interval", "0.2"])
        for _ in range(4):  # both workers load every page's code before nginx's short timeout applies
            urllib.request.urlopen(f"http://127.0.0.1:{running.ports['web']}/en/", timeout=60).read()  # noqa: S310
        running.nginx(read_timeout=8)
        yield running, inbox
    smtp.stop()


def _python() -> list[str]:
    from harbour.operations.tests.stack import BIN

    return [str(BIN / "python")]


def _bucket(running: Stack):
    return boto3.client(
        "s3",
        endpoint_url=running.env["HARBOUR_S3_ENDPOINT_URL"],
        aws_access_key_id="deployment-test",
        aws_secret_access_key="deployment-test-secret",  # noqa: S106 - the local test server's
        region_name="us-east-1",
    )


def _raw(running: Stack, request: bytes) -> tuple[int, str]:
    with socket.create_connection(("127.0.0.1", running.ports["nginx"]), timeout=10) as conn:
        conn.sendall(request)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _sep, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), head.decode("latin-1") + "\n\n" + body.decode("utf-8", "replace")


def _is_harbours_page(answer: str, title: str) -> None:
    assert title in answer, answer[:2000]
    assert "quick-exit" in answer or "Quick exit" in answer or "Sortie rapide" in answer, answer[:2000]
    assert "Content-Security-Policy: default-src 'self'" in answer
    assert "nginx" not in answer.split("\n\n", 1)[1]


def test_pages_and_static_files_come_through_nginx_without_its_version(production):
    running, _inbox = production
    status, headers, body = running.get("/en/", headers={"User-Agent": MARKER_AGENT, "X-Forwarded-For": MARKER_ADDRESS})
    assert status == 200 and b"Harbour" in body
    assert headers["Server"] == "nginx"
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert running.get("/readyz")[0:3:2] == (200, b"ready")
    status, headers, _ = running.get("/static/core/harbour.css")
    assert status == 200 and headers["Server"] == "nginx"


def test_the_answers_nginx_gives_itself_are_harbours_pages(production):
    running, _inbox = production
    big = b"x" * (2 * 1024 * 1024)
    status, answer = _raw(
        running,
        b"POST /fr/sign-in/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        + f"Content-Length: {len(big)}\r\nConnection: close\r\n\r\n".encode()
        + big,
    )
    assert status == 413
    _is_harbours_page(answer, "Ce que vous avez envoyé est trop volumineux")

    status, answer = _raw(
        running, b"GET /en/" + b"a" * 5000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    assert status == 414
    _is_harbours_page(answer, "This address is too long")

    status, answer = _raw(
        running, b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"b" * 6000 + b"\r\nConnection: close\r\n\r\n"
    )
    assert status == 431
    _is_harbours_page(answer, "Your browser sent too much")

    status, answer = _raw(running, b"GET /en/ HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n")
    assert status == 400
    _is_harbours_page(answer, "Harbour could not read this request")


def test_queued_emails_go_out_once_each_through_the_database_queue_even_across_a_worker_restart(production):
    running, inbox = production
    send = (
        "from harbour.core.mail import email_send\nfor n in range({n}):\n"
        "    email_send(to='w@example.org', subject='{tag} %d' % n, body='b')"
    )
    running.manage("shell", "-v0", "-c", send.format(n=2, tag="live"))
    inbox.wait_for(2)
    assert sorted(inbox.subjects()) == ["live 0", "live 1"]

    running.stop("db-worker")
    running.manage("shell", "-v0", "-c", send.format(n=5, tag="queued"))
    time.sleep(1)
    assert len(inbox.messages) == 2  # nothing goes out while no worker runs
    rows = running.manage(
        "shell",
        "-v0",
        "-c",
        "from django_tasks_db.models import DBTaskResult as R; print([str(r.args_kwargs) for r in R.objects.all()])",
    )
    assert "w@example.org" not in rows.stdout and "queued" not in rows.stdout
    running.start("db-worker", [*_python(), "manage.py", "db_worker", "--interval", "0.2"])
    inbox.wait_for(7)
    time.sleep(2)
    assert sorted(inbox.subjects()) == ["live 0", "live 1", *[f"queued {n}" for n in range(5)]]


def test_the_redis_queue_sends_each_email_once(production):
    running, inbox = production
    before = len(inbox.messages)
    rq = {**running.env, "HARBOUR_TASK_BACKEND": "django_tasks_rq.RQBackend"}
    send = (
        "from harbour.core.mail import email_send\nfor n in range(3):\n"
        "    email_send(to='r@example.org', subject='rq %d' % n, body='b')"
    )
    running.manage("shell", "-v0", "-c", send, env=rq)
    running.manage("rqworker", "--burst", "--job-class", "django_tasks_rq.backend.Job", "default", env=rq)
    inbox.wait_for(before + 3, seconds=20)
    time.sleep(1)
    assert sorted(inbox.subjects()[before:]) == ["rq 0", "rq 1", "rq 2"]


def test_files_go_to_the_object_store(production):
    running, _inbox = production
    running.manage(
        "shell",
        "-v0",
        "-c",
        "from django.core.files.base import ContentFile\nfrom django.core.files.storage import default_storage\n"
        "print(default_storage.save('reports/probe.bin', ContentFile(b'stored-in-s3')))",
    )
    listed = _bucket(running).list_objects_v2(Bucket="harbour-files")
    assert [item["Key"] for item in listed["Contents"]] == ["reports/probe.bin"]
    body = _bucket(running).get_object(Bucket="harbour-files", Key="reports/probe.bin")["Body"].read()
    assert body == b"stored-in-s3"
    assert not any(Path(running.env["HARBOUR_MEDIA_ROOT"]).iterdir())


def test_harbour_slow_or_down_gets_harbours_pages_and_no_log_names_a_client(production):
    running, _inbox = production
    # Requests of its own that name a client, so the logs searched below hold them whichever tests ran before.
    for path in ("/en/", "/fr/", "/en/directory/", "/en/rights/", "/fr/self-check/", "/healthz"):
        running.get(path, headers={"User-Agent": MARKER_AGENT, "X-Forwarded-For": MARKER_ADDRESS})
    web = running.processes["web"]
    subprocess.run(["pkill", "-STOP", "-g", str(web.pid)], check=False)
    try:
        status, answer = _raw(running, b"GET /fr/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    finally:
        subprocess.run(["pkill", "-CONT", "-g", str(web.pid)], check=False)
    assert status == 504
    _is_harbours_page(answer, "Harbour a mis trop de temps à répondre")

    running.stop("web")
    status, answer = _raw(running, b"GET /en/directory/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert status == 502
    _is_harbours_page(answer, "Harbour is not answering right now")

    logs = {path.name: path.read_text(errors="replace") for path in (running.folder / "logs").glob("*.log")}
    logs.update({p.name: p.read_text(errors="replace") for p in (running.folder / "nginx" / "run").glob("*.log")})
    assert logs["nginx-access.log"].count("\n") > 5
    for name, text in logs.items():
        for marker in (MARKER_AGENT, MARKER_ADDRESS, "w@example.org", "r@example.org"):
            assert marker not in text, f"{marker} in {name}"
    # Harbour's and nginx's logs name no peer at all (the S3 test server's own log does; it is not Harbour's).
    for name in ("web.log", "db-worker.log", "nginx-access.log", "nginx-error.log"):
        assert "127.0.0.1 -" not in logs.get(name, ""), name
    web_lines = [line for line in logs["web.log"].splitlines() if line.startswith("{")]
    assert all(set(json.loads(line)) >= {"time", "level", "logger", "message"} for line in web_lines)
