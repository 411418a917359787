"""The reports benchmark (docs/performance.md): a submission's server time without key stretching, one
receipt guess at the real cost, and a loopback load of concurrent reporters through gunicorn.

Run it on a throwaway database (`make bench-reports` makes one): it adds a receiving organisation.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test import override_settings
from nacl.pwhash import argon2id

from harbour.network.models import Member, Organisation
from harbour.reports import actions
from harbour.reports.models import ReportReceiver

PASSWORD = "bench-only password"  # noqa: S105 - a throwaway database
ANSWERS = {"work": "farm work", "place": "a town", "promised": "pay", "now": "no pay for weeks", "need": "help"}


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 1),
        "n": len(ordered),
    }


class Command(BaseCommand):
    help = "Time report submissions, receipt guesses and a loopback load of concurrent reporters."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--submissions", type=int, default=50)
        parser.add_argument("--guesses", type=int, default=10)
        parser.add_argument("--reporters", type=int, default=20)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--output", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = _receiver()
        results: dict[str, Any] = {}
        with override_settings(
            HARBOUR_REPORT_ARGON2_OPSLIMIT=argon2id.OPSLIMIT_MIN,
            HARBOUR_REPORT_ARGON2_MEMLIMIT=argon2id.MEMLIMIT_MIN,
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        ):
            timings = []
            for _ in range(options["submissions"]):
                started = time.perf_counter()
                actions.report_submit(organisation=organisation, language="en", answers=ANSWERS, files=[])
                timings.append(time.perf_counter() - started)
        results["submission_without_stretching"] = _ms(timings)
        guesses = []
        for number in range(options["guesses"]):
            started = time.perf_counter()
            actions.reporter_open(receipt=f"{number:016d}")
            guesses.append(time.perf_counter() - started)
        results["one_receipt_guess"] = _ms(guesses)
        results["argon2id"] = {
            "opslimit": settings.HARBOUR_REPORT_ARGON2_OPSLIMIT,
            "memlimit_mib": settings.HARBOUR_REPORT_ARGON2_MEMLIMIT // (1024 * 1024),
        }
        receiver = ReportReceiver.objects.get(organisation=organisation)
        results["load"] = _load(receiver.pk, reporters=options["reporters"], seconds=options["seconds"])
        text = json.dumps(results, indent=2)
        self.stdout.write(text)
        if options["output"]:
            Path(options["output"]).write_text(text + "\n", encoding="utf-8")
        if results["load"]["errors"]:
            raise CommandError(f"{results['load']['errors']} errors under load")


def _receiver() -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        name="Bench receiving organisation",
        defaults={"kind": "ngo", "province": "ON", "city": "Toronto", "vetting_status": "vetted"},
    )
    ReportReceiver.objects.update_or_create(organisation=organisation, defaults={"accepts_reports": True})
    member = Member.objects.filter(email="bench-receiver@bench.invalid").first()
    if member is None:
        member = Member(
            email="bench-receiver@bench.invalid", full_name="Bench", organisation=organisation, role="org_admin"
        )
        member.set_password(PASSWORD)
        member.save()
        actions.member_key_set_up(request=None, member=member, password=PASSWORD)
    return organisation


class _Gunicorn:
    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        env = dict(os.environ)
        env.update(
            HARBOUR_BIND=f"127.0.0.1:{self.port}",
            HARBOUR_SITE_URL=f"http://127.0.0.1:{self.port}",
            HARBOUR_WEB_WORKERS=os.environ.get("BENCH_WEB_WORKERS", "2"),
            HARBOUR_WEB_THREADS=os.environ.get("BENCH_WEB_THREADS", "4"),
            HARBOUR_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        )
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [str(gunicorn), "--config", "harbour/gunicorn.conf.py", "harbour.wsgi"],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise CommandError("gunicorn did not start")
            time.sleep(0.2)

    def request(
        self, method: str, path: str, *, body: dict[str, str] | None = None, cookie: str = ""
    ) -> tuple[int, str, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Accept-Encoding": "identity"}
        if cookie:
            headers["Cookie"] = cookie
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            set_cookie = response.getheader("Set-Cookie") or ""
        finally:
            connection.close()
        return response.status, text, set_cookie

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _load(receiver_id: int, *, reporters: int, seconds: int) -> dict[str, Any]:
    """Each reporter: open the form, send a report, come back with the receipt; until `seconds` have passed."""
    server = _Gunicorn()
    lock = threading.Lock()
    timings: list[float] = []
    errors: list[str] = []
    done = [0]
    stop_at = time.monotonic() + seconds

    def reporter() -> None:
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                status, page, set_cookie = server.request("GET", f"/en/report/write/?to={receiver_id}")
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
                cookie = set_cookie.split(";", 1)[0]
                if status != 200 or token is None:
                    raise RuntimeError(f"form: {status}")
                form = {"csrfmiddlewaretoken": token.group(1), "to": str(receiver_id), **ANSWERS}
                status, page, _ = server.request("POST", "/en/report/write/", body=form, cookie=cookie)
                receipt = re.search(r"<strong>(\d{4} \d{4} \d{4} \d{4})</strong>", page)
                if status != 200 or receipt is None:
                    raise RuntimeError(f"submit: {status}")
                back = {"csrfmiddlewaretoken": token.group(1), "receipt": receipt.group(1)}
                status, page, _ = server.request("POST", "/en/report/return/", body=back, cookie=cookie)
                if status != 200:
                    raise RuntimeError(f"return: {status}")
            except (OSError, RuntimeError) as error:
                with lock:
                    errors.append(str(error))
                continue
            with lock:
                timings.append(time.perf_counter() - started)
                done[0] += 1

    threads = [threading.Thread(target=reporter) for _ in range(reporters)]
    started = time.monotonic()
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            # Bounded: each reporter stops starting rounds at `seconds`; one round may still finish.
            thread.join(timeout=seconds + 180)
    finally:
        server.stop()
    return {
        "reporters": reporters,
        "seconds": round(time.monotonic() - started, 1),
        "rounds": done[0],
        "errors": len(errors),
        "first_errors": errors[:5],
        "round_trip": _ms(timings) if timings else {},
    }
