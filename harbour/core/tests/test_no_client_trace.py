"""No IP address or user agent is written to any log, table or error report for public pages.

This drives the real server (gunicorn with harbour/gunicorn.conf.py and
harbour.wsgi, in its own temporary state directory and SQLite database) with
requests that carry marker values: a documentation-range address in every
forwarding header, a marker user agent, a marker peer address (the requests
leave from a loopback address of their own), and a postcode in the query
string. Then it stops the server and searches every file the server could have
written (its stdout and stderr, the database with its -wal and -shm files,
anything else in the temporary directory) and every row of every table.

Harbour's own code never reads the client's address or user agent, so with
nothing else in place, removing forget_client_middleware would leave no trace
to find. The server therefore runs with a probe (a `sitecustomize` module on its
PYTHONPATH, nothing in Harbour itself) standing in for a careless log handler or
error-reporting integration: for every log record that carries a request, it
writes the request's REMOTE_ADDR and HTTP_* headers, and for errors the report
Django's ExceptionReporter would e-mail. Whatever reaches a log record is then
written to disk, so the middleware and the exception reporter filter are what
stand between the visitor and the file.
"""

from __future__ import annotations

import base64
import functools
import http.client
import json
import os
import re
import runpy
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from gunicorn import glogging  # type: ignore[import-untyped]
from gunicorn.config import Config  # type: ignore[import-untyped]

from harbour.checks.page_weight import public_pages

BASE_DIR = Path(settings.BASE_DIR)
DEMO_DATA = BASE_DIR / "harbour" / "demo" / "data" / "demo_network.json"

FORWARDED_IP = "203.0.113.77"  # TEST-NET-3, documentation only
PEER_IP = "127.77.88.99"  # the loopback address the requests leave from
UA_TOKEN = "HarbourTraceMarker7x3Qz"
USER_AGENT = f"Mozilla/5.0 (Linux; Android 9; SM-J260F) {UA_TOKEN}/1.0 Mobile"
POSTCODE_QUERY = "q=M5V+2T6"
POSTCODE_FORMS = ("M5V+2T6", "M5V 2T6", "M5V%202T6", "M5V%2B2T6", "M5V2T6")
BAD_HOST = "harbour-trace.invalid"

STARTUP_SECONDS = 20
REQUEST_SECONDS = 10

PROBE = '''\
"""Test probe: writes what a log handler that records request headers would write."""

import json
import logging
import os
import threading

_PATH = os.environ.get("HARBOUR_TEST_PROBE_LOG")
_LOCK = threading.Lock()
_original = logging.Logger.callHandlers


def _headers(request):
    meta = getattr(request, "META", None)
    if not isinstance(meta, dict):
        return {}
    return {key: str(value) for key, value in meta.items() if key == "REMOTE_ADDR" or key.startswith("HTTP_")}


def _error_report(request, record):
    from django.views.debug import ExceptionReporter

    exc_info = record.exc_info or (None, None, None)
    return ExceptionReporter(request, *exc_info, is_email=True).get_traceback_text()


def callHandlers(self, record):
    _original(self, record)
    request = getattr(record, "request", None)
    if _PATH is None or request is None:
        return
    entry = {"logger": record.name, "level": record.levelname, "path": getattr(request, "path", "")}
    try:
        entry["headers"] = _headers(request)
        if record.levelno >= logging.ERROR:
            entry["error_report"] = _error_report(request, record)
    except Exception as error:  # the probe must never break the server
        entry["probe_error"] = repr(error)
    with _LOCK, open(_PATH, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\\n")


logging.Logger.callHandlers = callHandlers
'''


@dataclass(frozen=True)
class Marker:
    label: str
    needles: tuple[bytes, ...]


def _markers(peer_ip: str | None) -> list[Marker]:
    markers = [
        Marker(f"forwarded IP address {FORWARDED_IP}", (FORWARDED_IP.encode(),)),
        Marker(f"user agent {UA_TOKEN}", (UA_TOKEN.lower().encode(),)),
        Marker("postcode M5V 2T6 from a query string", tuple(form.lower().encode() for form in POSTCODE_FORMS)),
    ]
    if peer_ip is not None:
        markers.append(Marker(f"peer IP address {peer_ip}", (peer_ip.encode(),)))
    return markers


def _peer_address() -> str | None:
    """PEER_IP if this machine lets a socket leave from it (Linux routes all of 127/8 to loopback)."""
    with socket.socket() as probe:
        try:
            probe.bind((PEER_IP, 0))
        except OSError:
            return None
    return PEER_IP


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _HTTPFromPeer(urllib.request.HTTPHandler):
    def __init__(self, peer_ip: str | None) -> None:
        super().__init__()
        self.peer_ip = peer_ip

    def http_open(self, req):
        if self.peer_ip is None:
            return self.do_open(http.client.HTTPConnection, req)
        return self.do_open(functools.partial(http.client.HTTPConnection, source_address=(self.peer_ip, 0)), req)


@dataclass
class Reply:
    status: int
    body: str


@dataclass
class Server:
    base: Path
    env: dict[str, str]
    port: int
    peer_ip: str | None
    stdout: Path
    stderr: Path
    probe_log: Path
    database: Path
    process: subprocess.Popen[bytes] | None = None
    sent: list[tuple[str, str]] = field(default_factory=list)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def opener(self, cookies: CookieJar | None = None):
        handlers: list[urllib.request.BaseHandler] = [_HTTPFromPeer(self.peer_ip)]
        if cookies is not None:
            handlers.append(urllib.request.HTTPCookieProcessor(cookies))
        return urllib.request.build_opener(*handlers)

    def request(self, method, path, *, data=None, cookies=None, host=None) -> Reply:
        """Every request carries the markers: forwarding headers, user agent, and the peer address."""
        headers = {
            "Accept-Encoding": "identity",
            "User-Agent": USER_AGENT,
            "X-Forwarded-For": f"{FORWARDED_IP}, 198.51.100.1",
            "X-Real-IP": FORWARDED_IP,
            "Forwarded": f"for={FORWARDED_IP};proto=http",
            "True-Client-IP": FORWARDED_IP,
            # Headers no list names: only an allowlist of kept headers stops these.
            "X-Cluster-Client-IP": FORWARDED_IP,
            "Fastly-Client-IP": FORWARDED_IP,
            "X-Harbour-Unheard-Of": USER_AGENT,
        }
        if host is not None:
            headers["Host"] = host
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        url = self.origin + path  # always http://127.0.0.1:<port>/...
        request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310
        self.sent.append((method, path.split("?", 1)[0]))
        try:
            with self.opener(cookies).open(request, timeout=REQUEST_SECONDS) as response:
                return Reply(response.status, response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode("utf-8", "replace"))

    def start(self) -> None:
        gunicorn = Path(sys.executable).parent / "gunicorn"
        command = [str(gunicorn), "--config", "harbour/gunicorn.conf.py", "harbour.wsgi"]
        with self.stdout.open("wb") as out, self.stderr.open("wb") as err:
            self.process = subprocess.Popen(command, cwd=BASE_DIR, env=self.env, stdout=out, stderr=err)
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited with {self.process.returncode}:\n{self.stderr.read_text()[-3000:]}")
            try:
                with self.opener().open(f"{self.origin}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer /healthz in {STARTUP_SECONDS} s:\n{self.stderr.read_text()}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def _manage(env: dict[str, str], logs: Path, *args: str) -> None:
    name = args[0]
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        # Migrating from nothing takes 20 s on a quiet machine and several minutes on a busy one.
        timeout=600,
        check=False,
    )
    (logs / f"{name}.stdout").write_bytes(result.stdout)
    (logs / f"{name}.stderr").write_bytes(result.stderr)
    if result.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{result.stderr.decode(errors='replace')[-3000:]}")


def _server_env(state: Path, logs: Path, probe: Path, home: Path, scratch: Path, port: int) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TMPDIR": str(scratch),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(probe),
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": "harbour.settings",
        "DATABASE_URL": f"sqlite:///{state / 'db.sqlite3'}",
        "HARBOUR_STATE_DIR": str(state),
        "HARBOUR_SECRET_KEY_FILE": str(state / "secret-key"),
        "HARBOUR_MASTER_KEY_FILE": str(state / "master-key"),
        "HARBOUR_DEBUG": "false",
        "HARBOUR_DEMO": "true",
        "HARBOUR_LOG_LEVEL": "INFO",
        "HARBOUR_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HARBOUR_BIND": f"127.0.0.1:{port}",
        "HARBOUR_SITE_URL": f"http://127.0.0.1:{port}",
        "HARBOUR_TRUSTED_PROXIES": "127.0.0.1",
        "HARBOUR_WEB_WORKERS": "1",
        "HARBOUR_WEB_THREADS": "2",
        "HARBOUR_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "HARBOUR_TEST_PROBE_LOG": str(logs / "probe.jsonl"),
    }


@functools.cache
def _demo_state(root: Path) -> Path:
    """One migrated state folder with the demo loaded, made once per test process and copied for each
    server: migrating and loading the demo is most of a server's start-up, and every copy is as fresh."""
    base = root / "harbour-demo-state"
    # A first attempt that failed (functools.cache keeps no failure) leaves a half-made folder behind.
    shutil.rmtree(base, ignore_errors=True)
    state, logs, probe, home, scratch = (base / name for name in ("state", "logs", "probe", "home", "tmp"))
    for directory in (state, logs, probe, home, scratch):
        directory.mkdir(parents=True)
    state.chmod(0o700)
    (state / "secret-key").write_text(secrets.token_urlsafe(50), encoding="ascii")
    (state / "master-key").write_text(base64.b64encode(secrets.token_bytes(32)).decode(), encoding="ascii")
    env = _server_env(state, logs, probe, home, scratch, port=8000)
    _manage(env, logs, "migrate", "--noinput", "--verbosity", "0")
    _manage(env, logs, "load_demo", "--quiet")
    return state


@pytest.fixture
def server(tmp_path, tmp_path_factory):
    base = tmp_path / "harbour"
    state, logs, probe, home, scratch = (base / name for name in ("state", "logs", "probe", "home", "tmp"))
    shutil.copytree(_demo_state(tmp_path_factory.getbasetemp()), state)
    for directory in (logs, probe, home, scratch):
        directory.mkdir(parents=True)
    (probe / "sitecustomize.py").write_text(PROBE, encoding="utf-8")
    port = _free_port()
    env = _server_env(state, logs, probe, home, scratch, port)
    running = Server(
        base=base,
        env=env,
        port=port,
        peer_ip=_peer_address(),
        stdout=logs / "gunicorn.stdout",
        stderr=logs / "gunicorn.stderr",
        probe_log=logs / "probe.jsonl",
        database=state / "db.sqlite3",
    )
    try:
        running.start()
        yield running
    finally:
        running.stop()


def _csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "the sign-in form carries no CSRF token"
    return match.group(1)


def _visit_everything(server: Server) -> None:
    pages = public_pages()
    assert len(pages) >= 3, pages
    for page in pages:
        reply = server.request("GET", page.path)
        assert reply.status < 500, f"{page.path} answered {reply.status}"

    with translation.override("en"):
        sign_in = reverse("network:sign_in")
        reset = reverse("network:password_reset")
        home = reverse("home")
    demo_email = json.loads(DEMO_DATA.read_text(encoding="utf-8"))["members"][0]["email"]

    assert server.request("GET", f"/en/no-such-page-{secrets.token_hex(4)}/").status == 404
    assert server.request("POST", sign_in, data={"email": demo_email, "password": "x"}).status == 403

    cookies = CookieJar()
    form = server.request("GET", sign_in, cookies=cookies)
    reply = server.request(
        "POST",
        sign_in,
        cookies=cookies,
        data={"csrfmiddlewaretoken": _csrf_token(form.body), "email": demo_email, "password": "not-the-password-1"},
    )
    assert reply.status == 200 and "do not match" in reply.body, "the wrong password was not refused as expected"

    cookies = CookieJar()
    form = server.request("GET", reset, cookies=cookies)
    reply = server.request(
        "POST", reset, cookies=cookies, data={"csrfmiddlewaretoken": _csrf_token(form.body), "email": demo_email}
    )
    assert reply.status == 200, f"password reset answered {reply.status}"

    assert server.request("GET", f"{home}?{POSTCODE_QUERY}").status == 200
    assert server.request("GET", f"/en/nowhere/?{POSTCODE_QUERY}").status == 404
    assert server.request("GET", home, host=BAD_HOST).status == 400
    server.request("GET", "/static/core/harbour.css")


def _line_of(data: bytes, offset: int) -> str:
    start = data.rfind(b"\n", 0, offset) + 1
    end = data.find(b"\n", offset)
    line = data[start : end if end != -1 else len(data)]
    if len(line) > 300:
        line = data[max(start, offset - 120) : offset + 120]
    return line.decode("utf-8", "replace").strip()


def _search_files(base: Path, markers: list[Marker], skip_postcode: set[Path]) -> list[str]:
    found = []
    for path in sorted(p for p in base.rglob("*") if p.is_file()):
        data = path.read_bytes()
        lowered = data.lower()
        for marker in markers:
            if path in skip_postcode and marker.label.startswith("postcode"):
                continue
            for needle in marker.needles:
                offset = lowered.find(needle)
                if offset != -1:
                    found.append(f"{marker.label} in {path.relative_to(base)}: {_line_of(data, offset)!r}")
                    break
    return found


def _search_tables(database: Path, copy_dir: Path, markers: list[Marker], *, signed_in: bool = True) -> list[str]:
    """Every row of every table; read from a copy so the search cannot change the files it searched."""
    copy_dir.mkdir()
    for suffix in ("", "-wal", "-shm"):
        source = database.with_name(database.name + suffix)
        if source.exists():
            shutil.copy2(source, copy_dir / source.name)
    found = []
    connection = sqlite3.connect(copy_dir / database.name)
    try:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        outcomes = [row[0] for row in connection.execute("SELECT outcome FROM network_signinevent")]
        assert not signed_in or "bad_password" in outcomes, "the wrong password left no sign-in event"
        for table in tables:
            for number, row in enumerate(connection.execute(f'SELECT * FROM "{table}"')):  # noqa: S608
                for value in row:
                    raw = value if isinstance(value, bytes) else str(value).encode()
                    for marker in markers:
                        if any(needle in raw.lower() for needle in marker.needles):
                            found.append(f"{marker.label} in table {table}, row {number}: {value!r:.200}")
    finally:
        connection.close()
    return found


def _missing_from_access_log(server: Server) -> list[str]:
    access_log = server.stdout.read_text(encoding="utf-8", errors="replace")
    return [
        f"{method} {path}"
        for method, path in server.sent
        if not re.search(re.escape(f"{method} {path}") + r'[\s"?]', access_log)
    ]


def test_public_pages_leave_no_trace_of_the_client(server, tmp_path):
    _visit_everything(server)
    server.stop()
    assert server.process is not None and server.process.returncode is not None

    probe_entries = [json.loads(line) for line in server.probe_log.read_text(encoding="utf-8").splitlines()]
    probed = {(entry["logger"], entry["level"]) for entry in probe_entries}
    assert ("django.request", "WARNING") in probed, f"the probe saw no 404 or 403: {probed}"
    assert ("django.security.DisallowedHost", "ERROR") in probed, f"the probe saw no error: {probed}"
    assert all("probe_error" not in entry for entry in probe_entries), probe_entries
    assert any(entry.get("error_report") for entry in probe_entries), "the probe wrote no error report"

    markers = _markers(server.peer_ip)
    # The probe's error reports show the query string, as any Django error report does: the
    # postcode must stay out of the logs, and the probe stands for what a report could hold.
    found = _search_files(server.base, markers, skip_postcode={server.probe_log})
    found += _search_tables(server.database, tmp_path / "table-copy", markers)
    assert not found, "client identity reached disk:\n  " + "\n  ".join(found)

    # Logging works: it records what was asked and how it went, just not who asked.
    missing = _missing_from_access_log(server)
    assert not missing, f"gunicorn's access log lacks these requests: {missing}\n{server.stdout.read_text()}"


def _refused_by_gunicorn(server: Server) -> None:
    """Requests gunicorn rejects itself, before Harbour's middleware can forget anything."""
    head = (
        f"GET /en/?{POSTCODE_QUERY} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nUser-Agent: {USER_AGENT}\r\n"
        f"X-Forwarded-For: {FORWARDED_IP}\r\n"
    ).encode()
    source = (server.peer_ip, 0) if server.peer_ip else None
    for extra in (b"Bad Header: 1\r\n", b"X-Padding: " + b"a" * 9000 + b"\r\n"):
        address = ("127.0.0.1", server.port)
        with socket.create_connection(address, timeout=REQUEST_SECONDS, source_address=source) as conn:
            conn.sendall(head + extra + b"\r\n")
            status_line = conn.recv(4096).split(b"\r\n", 1)[0]
        assert status_line.split()[1] in {b"400", b"431"}, status_line


def test_requests_gunicorn_refuses_leave_no_trace(server, tmp_path):
    """Gunicorn logs "Invalid request from ip=..." at warning level; our config logs errors only."""
    _refused_by_gunicorn(server)
    server.stop()
    found = _search_files(server.base, _markers(server.peer_ip), skip_postcode=set())
    found += _search_tables(server.database, tmp_path / "table-copy", _markers(server.peer_ip), signed_in=False)
    assert not found, "client identity reached disk:\n  " + "\n  ".join(found)


def test_the_access_log_format_alone_names_no_client():
    """Harbour's gunicorn settings, fed a request the middleware never touched, log no identity.

    The middleware rewrites the WSGI environ that gunicorn logs from, so at run time it also hides
    an address or user agent that the format asked for; this keeps the format itself honest.
    """
    values = runpy.run_path(str(BASE_DIR / "harbour" / "gunicorn.conf.py"))
    config = Config()
    for name, value in values.items():
        if name in config.settings:
            config.set(name, value)
    logger = glogging.Logger.__new__(glogging.Logger)  # atoms() needs only the config, not log handlers
    logger.cfg = config
    referer = f"http://127.0.0.1/en/?{POSTCODE_QUERY}"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/en/?{POSTCODE_QUERY}",
        "PATH_INFO": "/en/",
        "QUERY_STRING": POSTCODE_QUERY,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": PEER_IP,
        "HTTP_USER_AGENT": USER_AGENT,
        "HTTP_X_FORWARDED_FOR": FORWARDED_IP,
        "HTTP_REFERER": referer,
    }
    request = SimpleNamespace(
        headers=[
            ("USER-AGENT", USER_AGENT),
            ("X-FORWARDED-FOR", FORWARDED_IP),
            ("X-REAL-IP", FORWARDED_IP),
            ("FORWARDED", f"for={FORWARDED_IP}"),
            ("TRUE-CLIENT-IP", FORWARDED_IP),
            ("REFERER", referer),
        ]
    )
    response = SimpleNamespace(status="200 OK", headers=[("Content-Type", "text/html")], sent=1234)
    atoms = glogging.SafeAtoms(logger.atoms(response, request, environ, timedelta(milliseconds=5)))
    line = config.access_log_format % atoms

    assert "GET /en/" in line and "200" in line, line
    lowered = line.lower().encode()
    leaked = [marker.label for marker in _markers(PEER_IP) if any(needle in lowered for needle in marker.needles)]
    assert not leaked, f"the access log format writes {leaked}: {line!r} (format {config.access_log_format!r})"
