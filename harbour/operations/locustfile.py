"""The visitors of `make bench-load` (docs/performance.md): locust runs this file, never Django.

Each visitor asks, without pause, for one of the public pages, a directory search, an API request
or (rarely) sends a report, in the weights below. What to ask for (service ids, fact sheets, the
receiving organisation) comes from the JSON file named by HARBOUR_LOAD_PLAN, which `bench_load`
writes from the database it loaded. Any answer but 200 counts as an error.
"""

from __future__ import annotations

import json
import os
import random
import re
from typing import Any
from urllib.parse import quote

from locust import FastHttpUser, constant, task

PLAN: dict[str, Any] = json.loads(open(os.environ["HARBOUR_LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ANSWERS = {"work": "farm work", "place": "a town", "promised": "pay", "now": "no pay for weeks", "need": "help"}


def _one(key: str) -> str:
    """One of the plan's values for `key`, quoted for an address (a city's name may hold spaces)."""
    return quote(str(random.choice(PLAN[key])))  # noqa: S311 - which page to ask for, not a secret


class Visitor(FastHttpUser):
    wait_time = constant(0)  # without pause: the server's capacity, not a visitor's reading time

    def _get(self, path: str, name: str, *, expect: bytes = b"") -> None:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif expect and expect not in (response.content or b""):
                response.failure("the page does not hold what it should")

    # Public pages.
    @task(10)
    def home(self) -> None:
        self._get(f"/{_one('languages')}/", "home", expect=b"quick-exit")

    @task(10)
    def service_page(self) -> None:
        self._get(f"/en/directory/services/{_one('public_services')}/", "service page", expect=b"quick-exit")

    @task(5)
    def self_check(self) -> None:
        self._get(f"/{_one('languages')}/self-check/", "self-check", expect=b"quick-exit")

    @task(6)
    def fact_sheet(self) -> None:
        self._get(f"/{_one('languages')}/rights/{_one('fact_sheets')}/", "fact sheet", expect=b"quick-exit")

    @task(2)
    def rights_index(self) -> None:
        self._get(f"/{_one('languages')}/rights/", "rights index", expect=b"quick-exit")

    # Directory searches (the public pages).
    @task(8)
    def search_text(self) -> None:
        self._get(f"/en/directory/?q={_one('words')}", "search: text", expect=b"quick-exit")

    @task(8)
    def search_place(self) -> None:
        self._get(f"/en/directory/?place={_one('places')}", "search: place", expect=b"quick-exit")

    @task(5)
    def search_need(self) -> None:
        self._get(f"/en/directory/?need={_one('needs')}", "search: need", expect=b"quick-exit")

    @task(4)
    def search_combined(self) -> None:
        path = f"/en/directory/?q={_one('words')}&place={_one('places')}&need={_one('needs')}"
        self._get(path, "search: text, place and need", expect=b"quick-exit")

    # The API.
    @task(8)
    def api_search(self) -> None:
        self._get(f"/api/hsds/services?search={_one('words')}", "api: services search")

    @task(4)
    def api_near(self) -> None:
        self._get(f"/api/hsds/service_at_locations?postcode={_one('postcodes')}", "api: near a postal code")

    @task(8)
    def api_service(self) -> None:
        self._get(f"/api/hsds/services/{_one('services')}", "api: service by id")

    @task(2)
    def api_organization(self) -> None:
        self._get(f"/api/hsds/organizations/{_one('organizations')}", "api: organization by id")

    @task(2)
    def api_service_at_location(self) -> None:
        self._get(f"/api/hsds/service_at_locations/{_one('service_at_locations')}", "api: service at location by id")

    # A report: the form, then the submission (one Argon2id key stretching on the server).
    @task(1)
    def report(self) -> None:
        receiver = PLAN["receiver"]
        with self.client.get(f"/en/report/write/?to={receiver}", name="report: form", catch_response=True) as form:
            token = TOKEN.search(form.text or "") if form.status_code == 200 else None
            if token is None:
                form.failure(f"HTTP {form.status_code} or no form")
                return
        data = {"csrfmiddlewaretoken": token.group(1), "to": str(receiver), **ANSWERS}
        with self.client.post("/en/report/write/", data=data, name="report: submit", catch_response=True) as sent:
            if sent.status_code != 200 or b"<strong>" not in (sent.content or b""):
                sent.failure(f"HTTP {sent.status_code} or no receipt")
