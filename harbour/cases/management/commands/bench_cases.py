"""The cases benchmark: an organisation's case list and a case page, with many cases across many organisations.

`--build N` fills a throwaway database with N cases spread over `--organisations`
organisations (one case worker each), each case with its own key (generated in one
pass per organisation and written with `bulk_create`), its encrypted alias, contact
details, summary and safety plan, one consent, one note, one open task and one
step of the protection path. `--measure` then opens,
in process through Django's test client as a signed-in case worker, the first page of
an organisation's case list and one of its case pages, `--requests` times each over
random organisations, and reports p50/p95 of the page, of its SQL (the queries' own
time as Django records it), and of the audit writes (each page writes one, with its
commit), the audit writes' share of the page's time, and the queries per page.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from harbour.cases.models import Case, Consent, Milestone, Note, Task
from harbour.cases.wording import wording_in
from harbour.core import audit, crypto
from harbour.core.models import RecordKey
from harbour.network.models import Member, Organisation

BATCH = 2_000
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
TARGET_PAGE_MS = 100
TARGET_AUDIT_SHARE = 0.20


def _reference(index: int) -> str:
    """A unique reference per index, in the same alphabet and length as real ones."""
    letters = []
    for _ in range(6):
        index, digit = divmod(index, len(_ALPHABET))
        letters.append(_ALPHABET[digit])
    return "HB-" + "".join(reversed(letters))


def _ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(value * 1000 for value in values)
    return {
        "p50": round(ordered[len(ordered) // 2], 1),
        "p95": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 1),
    }


class Command(BaseCommand):
    help = "Benchmark the case list and the case page at scale (see docs/performance.md); use a throwaway database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--build", type=int, default=0, help="create this many cases (in an empty database)")
        parser.add_argument("--organisations", type=int, default=50)
        parser.add_argument("--measure", action="store_true", help="time the case list and case page")
        parser.add_argument("--requests", type=int, default=200, help="requests per page")
        parser.add_argument("--output", type=Path, help="write the figures as JSON here too")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["build"] and not options["measure"]:
            raise CommandError("say --build N, --measure, or both")
        if options["build"]:
            if Case.system_objects.exists():
                raise CommandError("this database already holds cases: the benchmark builds in an empty one")
            self._build(options["build"], options["organisations"])
        if options["measure"]:
            figures = self._measure(options["requests"])
            self.stdout.write(json.dumps(figures, indent=2))
            if options["output"]:
                options["output"].write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")

    def _build(self, count: int, organisations: int) -> None:
        started = time.perf_counter()
        rng = random.Random(11)  # noqa: S311 - benchmark data, not secrets
        wording, language = wording_in(Consent.Purpose.OPEN_CASE, "en")
        now = timezone.now()
        today = timezone.localdate()
        per_organisation = [
            count // organisations + (1 if i < count % organisations else 0) for i in range(organisations)
        ]
        index = 0
        for number, cases_here in enumerate(per_organisation):
            with transaction.atomic():
                organisation = Organisation.objects.create(
                    name=f"Benchmark shelter {number:02d}", kind=Organisation.Kind.SHELTER, province="ON",
                    city="Toronto", languages=["en"], vetting_status=Organisation.Vetting.VETTED,
                )  # fmt: skip
                worker = Member.objects.create(
                    email=f"worker{number:02d}@bench.invalid", full_name=f"Worker {number:02d}",
                    organisation=organisation, role="case_worker",
                )  # fmt: skip
                for offset in range(0, cases_here, BATCH):
                    size = min(BATCH, cases_here - offset)
                    keys = RecordKey.objects.bulk_create(crypto.record_keys_new(organisation.pk, size))
                    cases = []
                    for key in keys:
                        cases.append(
                            Case(
                                organisation=organisation,
                                key=key,
                                reference=_reference(index),
                                alias=f"Alias {index}",
                                contact=f"+1 555 {rng.randrange(10**7):07d}",
                                summary=f"Case {index}: needs housing and legal help, referred by an outreach worker.",
                                safety_plan="Meet at the library; the worker calls first from a blocked number.",
                                needs="housing,legal",
                                languages="en,es",
                                created_by=worker,
                            )  # fmt: skip
                        )
                        index += 1
                    cases = Case.system_objects.bulk_create(cases)
                    Consent.system_objects.bulk_create(
                        Consent(
                            organisation=organisation,
                            case=case,
                            purpose=Consent.Purpose.OPEN_CASE,
                            # What the case holds: its consent to keep it covers each field (docs/cases.md).
                            scope="case,contact,needs,profile,safety_plan",
                            language=language,
                            wording_version=wording.version,
                            wording=wording.text,
                            recorded_by=worker,
                            given_at=now,
                        )  # fmt: skip
                        for case in cases
                    )
                    Note.system_objects.bulk_create(
                        Note(organisation=organisation, case=case, key=case.key, text="Called back.", written_by=worker)
                        for case in cases
                    )
                    # What a case page lists besides its notes: an open task and a step of the protection path.
                    Task.system_objects.bulk_create(
                        Task(
                            organisation=organisation,
                            case=case,
                            key=case.key,
                            title="Book the legal clinic",
                            due_on=today + timedelta(days=rng.randrange(-7, 30)),
                            owner=worker,
                        )  # fmt: skip
                        for case in cases
                    )
                    Milestone.system_objects.bulk_create(
                        Milestone(
                            organisation=organisation,
                            case=case,
                            kind=Milestone.Kind.IFH,
                            happened_on=today,
                            expires_on=today + timedelta(days=365),
                            remind_on=today + timedelta(days=275),
                            recorded_by=worker,
                        )  # fmt: skip
                        for case in cases
                    )
            self.stderr.write(f"  organisation {number + 1}/{organisations}: {index:,} cases")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(f"built {index:,} cases in {time.perf_counter() - started:.1f} s")

    def _measure(self, requests: int) -> dict[str, Any]:
        rng = random.Random(7)  # noqa: S311 - benchmark choices, not secrets
        workers = list(Member.objects.filter(email__endswith="@bench.invalid").order_by("pk"))
        if not workers:
            raise CommandError("no benchmark data: run with --build first")
        clients: dict[int, Client] = {}
        host = (settings.ALLOWED_HOSTS or ["127.0.0.1"])[0].lstrip(".") or "127.0.0.1"
        for worker in workers:
            clients[worker.pk] = Client(HTTP_HOST=host)
            clients[worker.pk].force_login(worker)
        references: dict[int, list[str]] = {}
        for worker in workers:
            references[worker.pk] = list(
                Case.system_objects.filter(organisation_id=worker.organisation_id)
                .order_by("?")
                .values_list("reference", flat=True)[:requests]
            )

        def list_url(worker: Member) -> str:
            return reverse("cases:case_list")

        def case_url(worker: Member) -> str:
            return reverse("cases:case_detail", args=[rng.choice(references[worker.pk])])

        figures: dict[str, Any] = {
            "database": connection.vendor,
            "cases": Case.system_objects.count(),
            "organisations": len(workers),
            "requests_per_page": requests,
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "targets": {"page_p95_ms": TARGET_PAGE_MS, "audit_share": TARGET_AUDIT_SHARE},
        }
        for name, url_for in (("case_list", list_url), ("case_page", case_url)):
            figures[name] = timed = self._time_page(requests, workers, clients, url_for, rng)
            timed["within_targets"] = {
                "page_p95": timed["page_ms"]["p95"] <= TARGET_PAGE_MS,
                "audit_share": timed["audit_share_of_mean"] <= TARGET_AUDIT_SHARE,
            }
            self.stderr.write(f"  {name}: {timed}")
        return figures

    def _time_page(
        self,
        requests: int,
        workers: list[Member],
        clients: dict[int, Client],
        url_for: Callable[[Member], str],
        rng: random.Random,
    ) -> dict[str, Any]:
        # Warm each organisation's keys and the template cache, as a running server would be.
        for worker in workers:
            self._get(clients[worker.pk], url_for(worker))
        pages: list[float] = []
        audits: list[float] = []
        sql: list[float] = []
        queries: set[int] = set()
        for _ in range(requests):
            worker = rng.choice(workers)
            url = url_for(worker)
            with _audit_timer() as spent, CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                self._get(clients[worker.pk], url)
                pages.append(time.perf_counter() - started)
            audits.append(sum(spent))
            sql.append(sum(float(query["time"]) for query in captured.captured_queries))
            queries.add(len(captured))
        return {
            "page_ms": _ms(pages),
            "sql_ms": _ms(sql),
            "audit_ms": _ms(audits),
            "audit_share_of_mean": round(sum(audits) / sum(pages), 3),
            "queries": sorted(queries),
        }

    def _get(self, client: Client, url: str) -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")


@contextmanager
def _audit_timer() -> Iterator[list[float]]:
    """Times every audit write (`audit.audit_write`, which every audited read goes through)."""
    spent: list[float] = []
    original = audit.audit_write

    def timed(**kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(**kwargs)
        finally:
            spent.append(time.perf_counter() - started)

    audit.audit_write = timed
    try:
        yield spent
    finally:
        audit.audit_write = original
