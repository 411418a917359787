"""Every part of a production deployment, started on loopback for a test and stopped after it.

PostgreSQL, Redis and nginx come from Debian's packages (scripts/system-deps)
and run as unprivileged users; the S3-protocol server is moto's standalone
server from PyPI; gunicorn and the task workers are Harbour's own commands.
Each part writes its log into the stack's folder, which the tests search.
"""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

BASE = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
UNPRIVILEGED = "nobody"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing answered on port {port} in {seconds} s:\n{log.read_text()[-3000:]}")


def _as(user: str) -> list[str]:
    return ["runuser", "-u", user, "--"] if os.getuid() == 0 else []


@dataclass
class Stack:
    folder: Path
    env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    pg_data: Path | None = None

    def log(self, name: str) -> Path:
        return self.folder / "logs" / f"{name}.log"

    def start(
        self, name: str, command: list[str], *, port: int | None = None, env: dict[str, str] | None = None
    ) -> None:
        out = self.log(name).open("ab")
        self.processes[name] = subprocess.Popen(
            command, cwd=BASE, env=env or self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        if port is not None:
            wait_for_port(port, self.processes[name], self.log(name))

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGCONT)
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)

    def manage(
        self, *args: str, env: dict[str, str] | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=BASE,
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        with self.log(f"manage-{args[0]}").open("a") as log:
            log.write(done.stdout + done.stderr)
        if check and done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done

    # --- the parts ---------------------------------------------------------------------

    def postgres(self) -> str:
        pgbin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        self.pg_data = self.folder / "pg"
        self.pg_data.mkdir()
        if os.getuid() == 0:
            shutil.chown(self.pg_data, "postgres")
        port = self.ports["postgres"] = free_port()
        subprocess.run(
            [
                *_as("postgres"),
                str(pgbin / "initdb"),
                "-D",
                str(self.pg_data / "data"),
                "-U",
                "harbour",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            check=True,
            capture_output=True,
        )
        self.start(
            "postgres",
            [
                *_as("postgres"),
                str(pgbin / "postgres"),
                "-D",
                str(self.pg_data / "data"),
                "-c",
                "listen_addresses=127.0.0.1",
                "-p",
                str(port),
                "-k",
                str(self.pg_data),
                "-c",
                "fsync=off",
            ],
            port=port,
        )
        return f"postgres://harbour@127.0.0.1:{port}/postgres"

    def redis(self) -> str:
        port = self.ports["redis"] = free_port()
        self.start(
            "redis",
            [
                *_as(UNPRIVILEGED),
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                "/tmp",
            ],
            port=port,
        )
        return f"redis://127.0.0.1:{port}/0"

    def s3(self) -> str:
        port = self.ports["s3"] = free_port()
        self.start("s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], port=port)
        return f"http://127.0.0.1:{port}"

    def web(self, workers: int = 2) -> None:
        port = self.ports["web"] = free_port()
        env = {**self.env, "HARBOUR_BIND": f"127.0.0.1:{port}", "HARBOUR_WEB_WORKERS": str(workers)}
        self.start(
            "web", [str(BIN / "gunicorn"), "--config", "harbour/gunicorn.conf.py", "harbour.wsgi"], port=port, env=env
        )

    def nginx(self, *, read_timeout: int = 60) -> None:
        port = self.ports["nginx"] = free_port()
        config = self.folder / "nginx"
        # nginx runs as an unprivileged user, who may not reach the checkout: it serves a copy.
        static = self.folder / "static"
        if not static.exists():
            shutil.copytree(BASE / "staticfiles", static)
        self.manage(
            "deploy_files",
            str(config),
            "--listen",
            f"127.0.0.1:{port}",
            "--upstream",
            f"127.0.0.1:{self.ports['web']}",
            "--read-timeout",
            str(read_timeout),
            "--static-root",
            str(static),
        )
        if os.getuid() == 0:
            for path in [config, *config.rglob("*")]:
                shutil.chown(path, UNPRIVILEGED)
        self.start(
            "nginx", [*_as(UNPRIVILEGED), "nginx", "-c", str(config / "nginx.conf"), "-g", "daemon off;"], port=port
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.ports['nginx']}{path}"

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(self.url(path), headers=headers or {})  # noqa: S310 - loopback only
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def close(self) -> None:
        for name in reversed(list(self.processes)):
            self.stop(name)


@contextlib.contextmanager
def stack() -> Iterator[Stack]:
    # World-readable, so the unprivileged servers can read their configuration and Harbour's files.
    folder = Path(tempfile.mkdtemp(prefix="harbour-stack-"))
    folder.chmod(0o755)
    (folder / "logs").mkdir()
    (folder / "media").mkdir()
    keys = folder / "keys"
    keys.mkdir(mode=0o700)
    (keys / "master-key").write_text(base64.b64encode(secrets.token_bytes(32)).decode())
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HARBOUR_", "DATABASE_URL", "AWS_"))}
    built = Stack(
        folder,
        env={
            **clean,
            "HARBOUR_PRODUCTION": "true",
            "HARBOUR_STATE_DIR": str(folder / "state"),
            "HARBOUR_SECRET_KEY": secrets.token_urlsafe(40),
            "HARBOUR_MASTER_KEY_FILE": str(keys / "master-key"),
            "HARBOUR_MEDIA_ROOT": str(folder / "media"),
            "HARBOUR_BACKUP_DIR": str(folder / "backups"),
            "HARBOUR_LOG_FORMAT": "json",
            "HARBOUR_LOG_LEVEL": "INFO",
        },
    )
    try:
        yield built
    finally:
        built.close()
        shutil.rmtree(folder, ignore_errors=True)
