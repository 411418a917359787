# Harbour's two commands: `make run` and `make test`. Both install what they need.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Tests run in parallel, one process per logical CPU (pytest-xdist); TEST_WORKERS=0 runs them in one process.
TEST_WORKERS ?= logical
export HARBOUR_STATE_DIR ?= $(CURDIR)/var

.PHONY: demo-code run test lint types test-sqlite test-postgres test-browser test-deploy translations messages bench-weight clean

$(VENV)/.runtime: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "Harbour needs $(PYTHON)"; exit 1; }
	@$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || { echo "$(PYTHON) cannot make virtual environments: install Debian's python3.11-venv"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

var/secret-key var/master-key:
	@mkdir -p var && chmod 700 var
	@test -f var/secret-key || ( umask 077; $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret-key )
	@test -f var/master-key || ( umask 077; $(PYTHON) -c "import base64, secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())" > var/master-key )

# Build-time checks (check_translations, build_translations, page_weight) are in harbour/checks;
# the demo (load_demo, demo_code, directory_demo_build) in harbour/demo.
translations: $(VENV)/.runtime
	$(PY) manage.py build_translations

run: $(VENV)/.runtime var/secret-key var/master-key translations
	@scripts/system-deps --runtime || echo "Harbour runs, but fact-sheet PDFs need Debian's Pango and Noto fonts: run scripts/system-deps --runtime as root"
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py migrate --noinput --verbosity 0
	$(PY) manage.py load_rights_content
	HARBOUR_DEMO=true $(PY) manage.py load_demo --site-url http://127.0.0.1:$(PORT)
	HARBOUR_DEMO=true HARBOUR_SITE_URL=http://127.0.0.1:$(PORT) HARBOUR_BIND=127.0.0.1:$(PORT) \
		$(VENV)/bin/gunicorn --config harbour/gunicorn.conf.py harbour.wsgi

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: $(VENV)/.dev var/secret-key var/master-key
	$(VENV)/bin/mypy

messages: $(VENV)/.dev var/secret-key var/master-key
	$(PY) manage.py check_translations

test-sqlite: $(VENV)/.dev var/secret-key var/master-key translations
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n $(TEST_WORKERS) -m "not browser and not deployment"

test-postgres: $(VENV)/.dev var/secret-key var/master-key translations
	PYTHON=$(PY) scripts/with-postgres $(VENV)/bin/pytest -n $(TEST_WORKERS) -m "not browser and not deployment and not slow"

test-browser: $(VENV)/.dev var/secret-key var/master-key translations
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/pytest -n $(TEST_WORKERS) -m browser

# The production configuration end to end: PostgreSQL, Redis, an S3-protocol server, task workers,
# gunicorn and nginx, each started on loopback by the tests and stopped after them (docs/deploy.md).
test-deploy: $(VENV)/.dev var/secret-key var/master-key translations
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/pytest -m deployment

test: $(VENV)/.dev var/secret-key var/master-key
	scripts/system-deps
	$(MAKE) lint types messages test-sqlite test-postgres test-browser test-deploy
	@echo "make test: all checks passed"

bench-weight: $(VENV)/.runtime var/secret-key var/master-key translations
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py page_weight

# The directory benchmark (docs/performance.md): BENCH_SERVICES services, 1.5 locations each, on SQLite then
# PostgreSQL, each in a throwaway database; import throughput and twenty searches in process, over HTTP and as SQL,
# then every API endpoint and public directory page in process and over HTTP, with their query counts.
.PHONY: bench bench-directory
BENCH_SERVICES ?= 100000
# Sizes (MB) of the generated JSON lists whose import's peak memory is measured, on SQLite (empty: none).
BENCH_MEMORY ?= 50,400
BENCH_DIRECTORY = $(PY) manage.py bench_directory --wipe --http --endpoints --services $(BENCH_SERVICES)
bench-directory: $(VENV)/.runtime var/secret-key var/master-key translations
	$(PY) manage.py collectstatic --noinput --verbosity 0
	mkdir -p var/bench && rm -f var/bench/directory.sqlite3
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench/directory.sqlite3 $(PY) manage.py migrate --noinput --verbosity 0
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench/directory.sqlite3 $(BENCH_DIRECTORY) --memory "$(BENCH_MEMORY)" \
		--output var/bench/directory-sqlite.json
	PYTHON=$(PY) scripts/with-postgres sh -c '$(PY) manage.py migrate --noinput --verbosity 0 && \
		$(BENCH_DIRECTORY) --output var/bench/directory-postgres.json'

# Reports (docs/performance.md): a submission without key stretching, one receipt guess at the real
# Argon2id cost, and BENCH_REPORTERS concurrent reporters through gunicorn for BENCH_SECONDS, in a throwaway database.
.PHONY: bench-reports
BENCH_REPORTERS ?= 20
BENCH_SECONDS ?= 60
bench-reports: $(VENV)/.runtime var/secret-key var/master-key translations
	$(PY) manage.py collectstatic --noinput --verbosity 0
	mkdir -p var/bench && rm -rf var/bench/reports.sqlite3 var/bench/reports-media
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench/reports.sqlite3 $(PY) manage.py migrate --noinput --verbosity 0
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench/reports.sqlite3 HARBOUR_MEDIA_ROOT=$(CURDIR)/var/bench/reports-media \
		HARBOUR_EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend \
		timeout $$(( $(BENCH_SECONDS) + 600 )) $(PY) manage.py reports_bench --reporters $(BENCH_REPORTERS) \
		--seconds $(BENCH_SECONDS) --output var/bench/reports-sqlite.json

bench: bench-weight bench-screening bench-directory bench-stats bench-reports bench-cases bench-load

# Cases (docs/performance.md): BENCH_CASES cases across 50 organisations, on SQLite then PostgreSQL, each in a
# throwaway database; built by one process, then the case list and a case page timed in process by another.
.PHONY: bench-cases
BENCH_CASES ?= 100000
bench-cases: $(VENV)/.runtime var/secret-key var/master-key translations
	mkdir -p var/bench && rm -f var/bench/cases.sqlite3
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench/cases.sqlite3 $(PY) manage.py migrate --noinput --verbosity 0
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench/cases.sqlite3 $(PY) manage.py bench_cases --build $(BENCH_CASES)
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench/cases.sqlite3 $(PY) manage.py bench_cases --measure \
		--output var/bench/cases-sqlite.json
	PG_DURABLE=1 PYTHON=$(PY) scripts/with-postgres sh -c '$(PY) manage.py migrate --noinput --verbosity 0 && \
		$(PY) manage.py bench_cases --build $(BENCH_CASES) && \
		$(PY) manage.py bench_cases --measure --output var/bench/cases-postgres.json'
# The load test (docs/performance.md): the production configuration on loopback (PostgreSQL, gunicorn behind
# nginx) with the BENCH_SERVICES directory, BENCH_USERS locust visitors without pause for BENCH_SECONDS; requests/s,
# p50/p95/p99, errors and CPU time per request, for each gunicorn WORKERSxTHREADS in BENCH_WEB. Fails on any error.
.PHONY: bench-load
BENCH_USERS ?= 100
BENCH_WEB ?= 2x4
bench-load: $(VENV)/.dev var/secret-key var/master-key translations
	$(PY) manage.py collectstatic --noinput --verbosity 0
	scripts/system-deps
	$(PY) manage.py bench_load --services $(BENCH_SERVICES) --users $(BENCH_USERS) --seconds $(BENCH_SECONDS) \
		$(foreach web,$(BENCH_WEB),--web $(web)) --output var/bench/load.json


clean:
	rm -rf $(VENV) staticfiles .mypy_cache .ruff_cache

demo-code: $(VENV)/.runtime
	@$(PY) manage.py demo_code

# Screening: the engine's time per assessment (p50/p95), in process, over the vignettes.
.PHONY: bench-screening
bench-screening: $(VENV)/.runtime var/secret-key var/master-key
	$(PY) manage.py screening_bench

# Statistics (docs/performance.md): one release with five breakdowns over BENCH_RECORDS records, on SQLite then
# PostgreSQL, each in a throwaway database; the records are loaded by one process and released by another.
.PHONY: bench-stats
BENCH_RECORDS ?= 1000000
bench-stats: $(VENV)/.runtime var/secret-key var/master-key
	mkdir -p var/bench && rm -f var/bench/stats.sqlite3
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench/stats.sqlite3 $(PY) manage.py migrate --noinput --verbosity 0
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench/stats.sqlite3 $(PY) manage.py bench_stats --load $(BENCH_RECORDS)
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench/stats.sqlite3 $(PY) manage.py bench_stats --release --output var/bench/stats-sqlite.json
	PYTHON=$(PY) scripts/with-postgres sh -c '$(PY) manage.py migrate --noinput --verbosity 0 && \
		$(PY) manage.py bench_stats --load $(BENCH_RECORDS) && \
		$(PY) manage.py bench_stats --release --output var/bench/stats-postgres.json'
