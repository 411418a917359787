"""The load test (`make bench-load`, docs/performance.md): the production configuration on loopback, many visitors.

Starts what the deployment test starts (harbour/operations/tests/stack.py: PostgreSQL, gunicorn
behind nginx, in production mode), loads the rights content, a receiving organisation and the
benchmark directory (`--services`, 1.5 locations each, the same generated file as
`make bench-directory`), then runs locust (harbour/operations/locustfile.py) headless: `--users`
visitors without pause for `--seconds`. It reports requests per second, p50/p95/p99, errors,
and the CPU time per request of the gunicorn workers (their /proc times before and after, the
ones that exited included), beside PostgreSQL's, nginx's and locust's own.
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from harbour.directory import bench, places, vocabulary
from harbour.operations.tests.stack import BIN, stack

TICKS = os.sysconf("SC_CLK_TCK")
LANGUAGES = ["en", "en", "en", "fr", "fr", "es", "zh-hans", "ar", "pa", "tl", "uk", "th", "vi"]
WORDS = ["shelter", "legal", "counselling", "interpretation", "food", "housing", "Winnipeg", "employment"]

# Each kind of request of the load, for `--per-kind` (the locustfile asks for the same, at random).
KINDS = {
    "home": "/{languages}/",
    "service page": "/en/directory/services/{public_services}/",
    "self-check": "/{languages}/self-check/",
    "fact sheet": "/{languages}/rights/{fact_sheets}/",
    "rights index": "/{languages}/rights/",
    "search: text": "/en/directory/?q={words}",
    "search: place": "/en/directory/?place={places}",
    "search: need": "/en/directory/?need={needs}",
    "search: text, place and need": "/en/directory/?q={words}&place={places}&need={needs}",
    "api: services search": "/api/hsds/services?search={words}",
    "api: near a postal code": "/api/hsds/service_at_locations?postcode={postcodes}",
    "api: service by id": "/api/hsds/services/{services}",
    "api: organization by id": "/api/hsds/organizations/{organizations}",
    "api: service at location by id": "/api/hsds/service_at_locations/{service_at_locations}",
    "report: form": "/en/report/write/?to={receiver}",
}
KEYS = ["languages", "public_services", "services", "fact_sheets", "words", "places", "needs", "postcodes"]
KEYS += ["organizations", "service_at_locations"]

# Run inside the loaded instance: what the visitors can ask for, as JSON.
PLAN = """
import json, sys
from harbour.directory.models import Organization, Service, ServiceAtLocation
from harbour.reports.management.commands.reports_bench import _receiver
from harbour.reports.models import ReportReceiver
from harbour.rights.models import FactSheet
def sample(queryset):
    return [str(i) for i in queryset.order_by("id").values_list("id", flat=True)[:200000:97]]
json.dump({
    "services": sample(Service.objects.all()),
    "public_services": sample(Service.objects.filter(status=Service.Status.ACTIVE)),
    "organizations": sample(Organization.objects.all()),
    "service_at_locations": sample(ServiceAtLocation.objects.all()),
    "fact_sheets": list(FactSheet.objects.values_list("slug", flat=True)),
    "receiver": ReportReceiver.objects.get(organisation=_receiver()).pk,
}, sys.stdout)
"""


def _cpu_seconds(pid: int, *, children: bool) -> float:
    """User and system time of a process (with `children`: also of its children that exited and were waited for)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the name: state is field 3, utime 14, stime 15, cutime 16, cstime 17 (man 5 proc).
    utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
    return (utime + stime + (cutime + cstime if children else 0)) / TICKS


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _tree_cpu(pid: int) -> float:
    """A server's worker processes: the live ones, and those that exited (their master waited for them)."""
    total = _cpu_seconds(pid, children=True) - _cpu_seconds(pid, children=False)
    for child in _children(pid):
        try:
            total += _cpu_seconds(child, children=True)
        except FileNotFoundError:
            continue  # exited between the listing and the reading: counted in its parent's next reading
    return total


def _waited_children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _default_web() -> str:
    return f"{os.environ.get('HARBOUR_WEB_WORKERS', '2')}x{os.environ.get('HARBOUR_WEB_THREADS', '4')}"


def _configuration(value: str) -> tuple[int, int]:
    workers, _x, threads = value.partition("x")
    if not (workers.isdigit() and threads.isdigit() and int(workers) > 0 and int(threads) > 0):
        raise CommandError(f"--web {value}: give workers and threads as 2x4")
    return int(workers), int(threads)


def _leaf_pid(pid: int) -> int:
    """The server itself when it was started through `runuser` (as root), or the process started."""
    children = _children(pid)
    comm = Path(f"/proc/{pid}/comm").read_text().strip()
    return children[0] if comm == "runuser" and children else pid


class Command(BaseCommand):
    help = "Load test: the production configuration on loopback, the benchmark directory, locust for a minute."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--services", type=int, default=100_000)
        parser.add_argument("--users", type=int, default=100)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument(
            "--web",
            action="append",
            metavar="WORKERSxTHREADS",
            help="gunicorn's workers and threads, e.g. 2x4 (Harbour's default); repeat to run each on the same data",
        )
        parser.add_argument("--seed", type=int, default=20261122)
        parser.add_argument(
            "--per-kind",
            type=int,
            default=20,
            metavar="N",
            help="after the load, N requests of each kind one at a time: each kind's CPU per request (0: skip)",
        )
        parser.add_argument("--output", type=Path, help="write the figures as JSON here")

    def handle(self, *args: Any, **options: Any) -> None:
        configurations = [_configuration(value) for value in options["web"] or [_default_web()]]
        data = self._directory_file(options["services"], options["seed"])
        reports = []
        with stack() as running:
            running.env.update(
                {
                    "DATABASE_URL": running.postgres(),
                    "HARBOUR_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
                    "HARBOUR_LOG_LEVEL": "WARNING",
                }
            )
            self._step("migrate", lambda: running.manage("migrate", "--noinput", "-v0"))
            self._step("rights content", lambda: running.manage("load_rights_content"))
            self._step(f"import {data.name}", lambda: self._import(running.env, data))
            plan = self._plan(running.manage("shell", "-v0", "-c", PLAN).stdout)
            plan_file = running.folder / "plan.json"
            plan_file.write_text(json.dumps(plan))
            for workers, threads in configurations:
                running.env["HARBOUR_WEB_THREADS"] = str(threads)
                running.web(workers=workers)
                running.nginx()
                self._warm(running, plan)
                report = self._run(running, plan_file, options)
                report.update(
                    services=options["services"], workers=workers, threads=threads, machine=f"{os.cpu_count()} cores"
                )
                reports.append(report)
                self._save(reports, options["output"])  # the load's figures, before anything else can fail
                if options["per_kind"]:
                    report["cpu_ms_by_kind"] = self._per_kind(running, plan, options["per_kind"])
                    self._save(reports, options["output"])
                running.stop("nginx")
                running.stop("web")
                self._print(report)
        errors = [f"{r['workers']}x{r['threads']}: {r['failures']}" for r in reports if r["errors"]]
        if errors:
            raise CommandError(f"errors under load: {errors}")

    def _save(self, reports: list[dict[str, Any]], output: Path | None) -> None:
        if output:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(json.dumps(reports, indent=2) + "\n", encoding="utf-8")

    def _step(self, what: str, run: Any) -> None:
        started = time.monotonic()
        run()
        self.stderr.write(f"{what}: {time.monotonic() - started:.0f} s")

    def _directory_file(self, services: int, seed: int) -> Path:
        locations = services * 3 // 2
        data = Path(settings.STATE_DIR) / "bench" / f"directory-{services}-{locations}-{seed}.ndjson"
        if not data.exists():
            data.parent.mkdir(parents=True, exist_ok=True)
            with data.open("w", encoding="utf-8") as out:
                bench.generate(out, services, locations, seed)
        return data

    def _import(self, env: dict[str, str], data: Path) -> None:
        done = subprocess.run(  # noqa: S603 - our own manage.py
            [str(BIN / "python"), "manage.py", "hsds_import", str(data), "--quiet"],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=3600,
        )
        if done.returncode != 0:
            raise CommandError(f"the import failed:\n{done.stderr[-3000:]}")
        analyze = "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')"
        subprocess.run(  # noqa: S603 - our own manage.py
            [str(BIN / "python"), "manage.py", "shell", "-v0", "-c", analyze],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            timeout=3600,
        )

    def _plan(self, loaded: str) -> dict[str, Any]:
        plan: dict[str, Any] = json.loads(loaded)
        cities = sorted({place.name for place in places.cities()})
        fsas = sorted(places._fsas())
        plan.update(
            languages=LANGUAGES,
            words=WORDS,
            needs=[term.code for term in vocabulary.NEEDS],
            places=cities[:: max(1, len(cities) // 150)] + fsas[:: max(1, len(fsas) // 150)],
            postcodes=fsas[:: max(1, len(fsas) // 300)],
        )
        for key in ("services", "public_services", "organizations", "service_at_locations", "fact_sheets"):
            if not plan[key]:
                raise CommandError(f"nothing to ask for: no {key} in the loaded instance")
        return plan

    def _warm(self, running: Any, plan: dict[str, Any]) -> None:
        """Each worker loads every page's code once, before the clock starts."""
        paths = [
            "/en/",
            "/fr/self-check/",
            f"/en/rights/{plan['fact_sheets'][0]}/",
            f"/en/directory/?q=shelter&place={plan['places'][0]}",
            f"/en/directory/services/{plan['public_services'][0]}/",
            f"/api/hsds/services/{plan['services'][0]}",
            f"/en/report/write/?to={plan['receiver']}",
        ]
        for _round in range(4):
            for path in paths:
                status = running.get(path)[0]
                if status != 200:
                    raise CommandError(f"{path}: HTTP {status} before the load started")

    def _per_kind(self, running: Any, plan: dict[str, Any], count: int) -> dict[str, dict[str, float]]:
        """Each kind of request alone, `count` times one after another: its CPU time in gunicorn and PostgreSQL."""
        rng = random.Random(7)  # noqa: S311 - which page to ask for, not a secret
        servers = {"gunicorn": running.processes["web"].pid, "postgres": _leaf_pid(running.processes["postgres"].pid)}
        out = {}
        for kind, path in KINDS.items():
            paths = [
                path.format(receiver=plan["receiver"], **{key: quote(str(rng.choice(plan[key]))) for key in KEYS})
                for _ in range(count)
            ]
            before = {name: _tree_cpu(pid) for name, pid in servers.items()}
            for one in paths:
                status = running.get(one)[0]
                if status != 200:
                    raise CommandError(f"{one}: HTTP {status}")
            after = {name: _tree_cpu(pid) for name, pid in servers.items()}
            out[kind] = {name: round(1000 * (after[name] - before[name]) / count, 1) for name in servers}
            self.stderr.write(f"  {kind}: {out[kind]}")
        return out

    def _run(self, running: Any, plan_file: Path, options: dict[str, Any]) -> dict[str, Any]:
        servers = {
            "gunicorn": running.processes["web"].pid,
            "postgres": _leaf_pid(running.processes["postgres"].pid),
            "nginx": _leaf_pid(running.processes["nginx"].pid),
        }
        before = {name: _tree_cpu(pid) for name, pid in servers.items()}
        before["locust"] = _waited_children_cpu()
        prefix = running.folder / "locust"
        env = {**os.environ, "HARBOUR_LOAD_PLAN": str(plan_file)}
        started = time.monotonic()
        load = os.getloadavg()[0]
        locust = subprocess.Popen(  # noqa: S603 - locust from the venv, fixed arguments
            [
                str(BIN / "locust"),
                "--locustfile",
                str(Path(__file__).resolve().parents[2] / "locustfile.py"),
                "--headless",
                "--users",
                str(options["users"]),
                "--spawn-rate",
                str(options["users"]),
                "--run-time",
                f"{options['seconds']}s",
                "--stop-timeout",
                "30",
                "--host",
                running.url(""),
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        _out, errors = locust.communicate(timeout=options["seconds"] + 300)
        seconds = time.monotonic() - started
        after = {name: _tree_cpu(pid) for name, pid in servers.items()}
        after["locust"] = _waited_children_cpu()
        if not (prefix.parent / "locust_stats.csv").exists():
            raise CommandError(f"locust wrote no figures:\n{errors[-3000:]}")
        rows = list(csv.DictReader((prefix.parent / "locust_stats.csv").open(encoding="utf-8")))
        failures = list(csv.DictReader((prefix.parent / "locust_failures.csv").open(encoding="utf-8")))
        total = next(row for row in rows if row["Name"] == "Aggregated")
        requests = int(total["Request Count"])
        cpu = {name: round(after[name] - before[name], 2) for name in before}
        return {
            "users": options["users"],
            "seconds": round(seconds, 1),
            "load_average_before": round(load, 1),
            "load_average_after": round(os.getloadavg()[0], 1),
            "requests": requests,
            "requests_per_second": round(float(total["Requests/s"]), 1),
            "p50_ms": float(total["50%"]),
            "p95_ms": float(total["95%"]),
            "p99_ms": float(total["99%"]),
            "errors": int(total["Failure Count"]),
            "failures": [f"{f['Name']}: {f['Error']} x{f['Occurrences']}" for f in failures],
            "cpu_seconds": cpu,
            "cpu_ms_per_request": {name: round(1000 * value / max(requests, 1), 2) for name, value in cpu.items()},
            "by_request": [
                {
                    "name": row["Name"],
                    "requests": int(row["Request Count"]),
                    "errors": int(row["Failure Count"]),
                    "p50_ms": float(row["50%"]),
                    "p95_ms": float(row["95%"]),
                    "p99_ms": float(row["99%"]),
                }
                for row in rows
                if row["Name"] != "Aggregated"
            ],
        }

    def _print(self, report: dict[str, Any]) -> None:
        self.stdout.write(
            f"{report['users']} visitors for {report['seconds']} s, {report['workers']} gunicorn workers of "
            f"{report['threads']} threads, {report['services']:,} services, load average "
            f"{report['load_average_before']} before and {report['load_average_after']} after"
        )
        self.stdout.write(
            f"{report['requests']} requests, {report['requests_per_second']}/s, p50 {report['p50_ms']} ms, "
            f"p95 {report['p95_ms']} ms, p99 {report['p99_ms']} ms, {report['errors']} errors"
        )
        cpu = ", ".join(f"{name} {ms} ms" for name, ms in report["cpu_ms_per_request"].items())
        self.stdout.write(f"CPU time per request: {cpu}")
        self.stdout.write(f"{'request':36} {'n':>7} {'errors':>6} {'p50':>7} {'p95':>7} {'p99':>7}")
        for row in report["by_request"]:
            self.stdout.write(
                f"{row['name']:36} {row['requests']:>7} {row['errors']:>6} {row['p50_ms']:>7.0f} "
                f"{row['p95_ms']:>7.0f} {row['p99_ms']:>7.0f}"
            )
        for kind, cpu in report.get("cpu_ms_by_kind", {}).items():
            line = f"gunicorn {cpu['gunicorn']} ms, postgres {cpu['postgres']} ms"
            self.stdout.write(f"  alone, CPU per request: {kind:34} {line}")
        for failure in report["failures"]:
            self.stdout.write(f"  {failure}")
        sys.stdout.flush()
