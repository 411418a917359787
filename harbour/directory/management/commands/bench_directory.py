"""Benchmark the directory: import throughput and twenty searches (in process, over HTTP, as raw SQL).

Wipes every directory table of the database it runs on: `make bench-directory`
points it at a throwaway SQLite file and a throwaway PostgreSQL cluster.
"""

from __future__ import annotations

import http.client
import os
import platform
import socket
import subprocess
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from harbour.directory import bench
from harbour.directory.models import HSDS_MODELS, Location, Service


class Command(BaseCommand):
    help = "Generate N services, import them, and time twenty searches three ways (wipes the directory tables)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--services", type=int, default=100_000)
        parser.add_argument("--locations", type=int, help="default: 1.5 times the services")
        parser.add_argument("--seed", type=int, default=20261122)
        parser.add_argument("--repeat", type=int, default=30, help="timed runs of each search, each way")
        parser.add_argument("--http", action="store_true", help="also time the API through gunicorn on 127.0.0.1")
        parser.add_argument("--output", type=Path, help="write the figures as JSON here")
        parser.add_argument("--skip-import", action="store_true", help="time searches on the data already there")
        parser.add_argument("--endpoints", action="store_true", help="also time every API endpoint and public page")
        parser.add_argument("--skip-searches", action="store_true", help="not the twenty searches (with --endpoints)")
        parser.add_argument("--only", default="", help="with --endpoints: only labels starting so (comma-separated)")
        parser.add_argument("--wipe", action="store_true", help="required: agree to empty the directory tables")
        parser.add_argument(
            "--memory",
            default="",
            metavar="MB,MB",
            help="also import a generated JSON list of each size (MB) in a child process and report its peak memory",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["wipe"] and not options["skip_import"]:
            raise CommandError("This empties every directory table: pass --wipe on a throwaway database.")
        services = options["services"]
        locations = options["locations"] or services * 3 // 2
        report: dict[str, Any] = {
            "database": connection.vendor,
            "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
            "services": services,
            "locations": locations,
        }
        if options["memory"]:
            sizes = [int(size) for size in options["memory"].split(",") if size.strip()]
            report["memory"] = [self._memory(size, options["seed"]) for size in sizes]
            self.stderr.write(f"Memory: {report['memory']}")
        if not options["skip_import"]:
            report["import"] = self._import(services, locations, options["seed"])
            self.stderr.write(f"Import: {report['import']}")
            if options["output"]:
                bench.write_report(options["output"], report)
        report["rows"] = {"services": Service.objects.count(), "locations": Location.objects.count()}
        if options["endpoints"]:
            # Before the statistics below: the attributes it adds are read by every search by need.
            bench.link_to_vocabulary()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # After a bulk load, as autovacuum would within a minute: statistics and the visibility
                # map (which lets index-only scans skip the table).
                cursor.execute("VACUUM ANALYZE")
            else:
                cursor.execute("ANALYZE")
            if connection.vendor == "sqlite":
                # Fold the import's write-ahead log into the database, as a quiet server would have by then.
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()  # searches start on a fresh connection, as a web request does
        report["searches"] = (
            [] if options["skip_searches"] else self._searches(options["repeat"], options["http"], report)
        )
        if options["endpoints"]:
            report["endpoints"] = self._endpoints(options["repeat"], options["http"], options["only"])
        self._print(report)
        if options["output"]:
            bench.write_report(options["output"], report)

    def _import(self, services: int, locations: int, seed: int) -> dict[str, Any]:
        data = Path(settings.STATE_DIR) / "bench" / f"directory-{services}-{locations}-{seed}.ndjson"
        if not data.exists():
            data.parent.mkdir(parents=True, exist_ok=True)
            started = time.monotonic()
            with data.open("w", encoding="utf-8") as out:
                bench.generate(out, services, locations, seed)
            self.stderr.write(f"Generated {data} in {time.monotonic() - started:.1f} s")
        for model in reversed(HSDS_MODELS):
            model._default_manager.all()._raw_delete(model._default_manager.db)
        connection.close()  # the import runs in a child process, so its peak memory is its own
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        env = dict(os.environ, DATABASE_URL=_database_url())
        load = os.getloadavg()[0]
        started = time.monotonic()
        peak, cpu = _run_measured([*manage, "hsds_import", str(data), "--quiet"], env)
        seconds = time.monotonic() - started
        return {
            "seconds": round(seconds, 1),
            "services_per_second": round(services / seconds),
            # The importer's own CPU (on SQLite the database's work too; on PostgreSQL the server's is apart).
            "cpu_seconds": round(cpu, 1),
            "services_per_cpu_second": round(services / max(cpu, 0.001)),
            "rows": sum(model._default_manager.count() for model in HSDS_MODELS),
            "peak_rss_mb": peak,
            "file_mb": round(data.stat().st_size / 1_000_000),
            "load_average": [round(load, 1), round(os.getloadavg()[0], 1)],
        }

    def _memory(self, megabytes: int, seed: int) -> dict[str, Any]:
        """Peak memory of importing a JSON list of `megabytes` MB, generated at the first run (same seed, same file)."""
        data = Path(settings.STATE_DIR) / "bench" / f"directory-list-{megabytes}mb-{seed}.json"
        data.parent.mkdir(parents=True, exist_ok=True)
        if data.exists():
            services = bench.services_in_json_list(data)
        else:
            services = bench.generate_json_list(data, megabytes, seed)
        size_mb = round(data.stat().st_size / 1_000_000)
        for model in reversed(HSDS_MODELS):
            model._default_manager.all()._raw_delete(model._default_manager.db)
        connection.close()  # the child writes to the same database
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        env = dict(os.environ, DATABASE_URL=_database_url())
        floor = _peak_rss_mb([*manage, "check"], env)
        started = time.monotonic()
        peak = _peak_rss_mb([*manage, "hsds_import", str(data), "--quiet"], env)
        seconds = round(time.monotonic() - started, 1)
        return {
            "file_mb": size_mb,
            "services": services,
            "seconds": seconds,
            "peak_rss_mb": peak,
            "floor_rss_mb": floor,
        }

    def _searches(self, repeat: int, use_http: bool, report: dict[str, Any]) -> list[dict[str, Any]]:
        server = _Gunicorn() if use_http else None
        out = []
        try:
            if server is not None:
                # What any request costs before a search: the API's root, which reads no table.
                report["http_floor_ms"] = bench.summary(bench.time_it(partial(server.get, "/api/hsds/"), repeat))
            for search in bench.SEARCHES:
                found = bench.run_in_process(search)
                by_sql = bench.run_sql(search)
                row: dict[str, Any] = {
                    "search": search.label,
                    "results": found[0],
                    "same_count_as_sql": found == by_sql,  # and the same page
                    "in_process_ms": bench.summary(bench.time_it(partial(bench.run_in_process, search), repeat)),
                    # CPU time of this process (on SQLite the whole search, the database included): what a
                    # shared machine's other work does not inflate, unlike the wall time above.
                    "in_process_cpu_ms": bench.summary(_cpu_times(partial(bench.run_in_process, search), repeat)),
                    "sql_ms": bench.summary(bench.time_it(partial(bench.run_sql, search), repeat)),
                }
                if server is not None:
                    url = bench.api_url(search)
                    row["http_ms"] = bench.summary(bench.time_it(partial(server.get, url), repeat))
                    # The baseline for HTTP: the same SQL plus every row the response holds.
                    records = partial(bench.run_sql, search, records=True)
                    row["sql_records_ms"] = bench.summary(bench.time_it(records, repeat))
                out.append(row)
                self.stderr.write(f"  {search.label}: {row}")
        finally:
            if server is not None:
                server.stop()
        return out

    def _endpoints(self, repeat: int, use_http: bool, only: str = "") -> list[dict[str, Any]]:
        """Every endpoint in process (through Django's test client) and over HTTP, with its query count."""
        from django.test import Client

        client = Client(HTTP_HOST="127.0.0.1")
        server = _Gunicorn() if use_http else None
        out = []
        try:
            chosen = [e for e in bench.endpoints() if not only or e.label.startswith(tuple(only.split(",")))]
            if server is not None:
                # Each worker's first requests load code and schemas: before any clock starts, as in production.
                for endpoint in chosen:
                    for url in endpoint.urls[: 0 if endpoint.repeat else 4]:
                        server.get(url)
            for endpoint in chosen:
                runs = endpoint.repeat or repeat
                row: dict[str, Any] = {
                    "endpoint": endpoint.label,
                    "url": endpoint.urls[0],
                    "runs": runs,
                    "queries": bench.endpoint_queries(client, endpoint.urls[0]),
                    "bytes": bench.run_endpoint_in_process(client, endpoint.urls[0]),
                    "load": os.getloadavg()[0],
                }
                if endpoint.same_as:
                    row["same_as"] = endpoint.same_as
                in_process = partial(bench.run_endpoint_in_process, client)
                row["in_process_ms"] = bench.summary(bench.time_turns(in_process, endpoint.urls, runs))
                database = _database_cpu_seconds()
                cpu = bench.time_turns(in_process, endpoint.urls, runs, clock=time.thread_time)
                row["in_process_cpu_ms"] = bench.summary(cpu)
                if database is not None:
                    # PostgreSQL's own work for those requests (its server process, not this thread).
                    row["database_cpu_ms"] = _per_request(_database_cpu_seconds(), database, runs + 1)
                if server is not None:
                    workers = server.cpu_seconds()
                    row["http_ms"] = bench.summary(bench.time_turns(server.get, endpoint.urls, runs))
                    row["http_cpu_ms"] = _per_request(server.cpu_seconds(), workers, runs + 1)
                row["load_after"] = os.getloadavg()[0]
                out.append(row)
                self.stderr.write(f"  {endpoint.label}: {row}")
        finally:
            if server is not None:
                server.stop()
        return out

    def _print(self, report: dict[str, Any]) -> None:
        self.stdout.write(f"Directory benchmark on {report['database']} ({report['machine']})")
        self.stdout.write(f"Rows: {report['rows']}")
        if "import" in report:
            self.stdout.write(f"Import: {report['import']}")
        if "http_floor_ms" in report:
            self.stdout.write(f"An HTTP request that reads no table (GET /api/hsds/): {report['http_floor_ms']}")
        self.stdout.write(
            f"{'search':45} {'n':>7} {'proc p50/p95':>15} {'cpu p50/p95':>15} {'sql p50/p95':>15} "
            f"{'http p50/p95':>15} {'sql+rows':>15}"
        )
        for row in report["searches"]:

            def cell(key: str, r: dict[str, Any] = row) -> str:
                return f"{r[key]['p50']:.1f}/{r[key]['p95']:.1f}" if key in r else "-"

            flag = "" if row["same_count_as_sql"] else "  (count or page differs from SQL!)"
            self.stdout.write(
                f"{row['search']:45} {row['results']:>7} {cell('in_process_ms'):>15} {cell('in_process_cpu_ms'):>15} "
                f"{cell('sql_ms'):>15} "
                f"{cell('http_ms'):>15} {cell('sql_records_ms'):>15}{flag}"
            )
        if report.get("endpoints"):
            self.stdout.write(
                f"{'endpoint':52} {'queries':>7} {'proc p50/p95':>15} {'cpu p50/p95':>15} {'db cpu':>6} "
                f"{'http p50/p95':>15} {'http cpu':>8} {'load':>5}"
            )
            for row in report["endpoints"]:
                proc, cpu, http = row["in_process_ms"], row["in_process_cpu_ms"], row.get("http_ms")
                over_http = f"{http['p50']:.1f}/{http['p95']:.1f}" if http else "-"
                db_cpu, http_cpu = row.get("database_cpu_ms"), row.get("http_cpu_ms")
                self.stdout.write(
                    f"{row['endpoint']:52} {row['queries']:>7} {proc['p50']:>7.1f}/{proc['p95']:<7.1f}"
                    f" {cpu['p50']:>7.1f}/{cpu['p95']:<7.1f} {'-' if db_cpu is None else f'{db_cpu:.1f}':>6}"
                    f" {over_http:>15} {'-' if http_cpu is None else f'{http_cpu:.1f}':>8} {row['load']:>5.1f}"
                )


class _Gunicorn:
    """A real gunicorn on a free loopback port, serving this database; stopped by `stop`."""

    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        env = dict(os.environ)
        env.update(
            HARBOUR_BIND=f"127.0.0.1:{self.port}",
            HARBOUR_SITE_URL=f"http://127.0.0.1:{self.port}",
            HARBOUR_WEB_WORKERS=os.environ.get("BENCH_WEB_WORKERS", "2"),
            HARBOUR_WEB_THREADS=os.environ.get("BENCH_WEB_THREADS", "4"),
            DATABASE_URL=_database_url(),
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
                self.get("/healthz")
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise CommandError("gunicorn did not start") from None
                time.sleep(0.2)

    def get(self, path: str) -> bytes:
        """One request on a new connection, as a client without keep-alive would make it."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request("GET", path, headers={"Accept-Encoding": "identity"})
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        if response.status != 200:
            raise CommandError(f"{path}: HTTP {response.status}")
        return body

    def cpu_seconds(self) -> float:
        """User and system time of the workers so far (its workers that exited included): 10 ms ticks."""
        total = _proc_cpu_seconds(self.process.pid, children=True) - _proc_cpu_seconds(self.process.pid)
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += _proc_cpu_seconds(int(child))
        return total

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _proc_cpu_seconds(pid: int, *, children: bool = False) -> float:
    """A process's user and system time (with `children`: also of its children that exited), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the name: utime is field 14, stime 15, cutime 16, cstime 17 (man 5 proc).
    utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
    return (utime + stime + (cutime + cstime if children else 0)) / os.sysconf("SC_CLK_TCK")


def _database_cpu_seconds() -> float | None:
    """The CPU time of this connection's PostgreSQL server process, when it runs on this machine; else None."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        return _proc_cpu_seconds(pid)
    except OSError:  # a server elsewhere
        return None


def _per_request(after: float | None, before: float, requests: int) -> float | None:
    return None if after is None else round(1000 * (after - before) / requests, 2)


def _cpu_times(run: Any, repeat: int) -> list[float]:
    """The process's CPU time (ms) of each of `repeat` runs, after one untimed run."""
    run()
    times = []
    for _ in range(repeat):
        started = time.process_time()
        run()
        times.append((time.process_time() - started) * 1000)
    return times


def _peak_rss_mb(command: list[str], env: dict[str, str]) -> int:
    """Run a command to its end; its peak resident memory in MB (Linux reports kilobytes)."""
    return _run_measured(command, env)[0]


def _run_measured(command: list[str], env: dict[str, str]) -> tuple[int, float]:
    """Run a command to its end; its peak resident memory in MB and its CPU seconds (user and system)."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)  # noqa: S603 - our own manage.py
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise CommandError(f"{' '.join(command[1:])} failed")
    return round(usage.ru_maxrss / 1024), usage.ru_utime + usage.ru_stime


def _database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return os.environ["DATABASE_URL"]
