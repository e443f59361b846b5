# yorisoi — the two commands: `make run` and `make test`. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers for `make test`: one per core (CI has 2); TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto

.PHONY: run test install lint format migrate demo check-deploy bench clean system-deps worker fuzz audit smoke

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_master
	$(BIN)/python manage.py load_community
	$(BIN)/python manage.py load_resource_taxonomy
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py rebuild_work_items  # the demo's history is bulk-loaded, not through the services

# The background worker (reports, reminders) runs next to the server and stops with it.
run: demo
	@echo "yorisoi: http://$(HOST):$(PORT)/  (demo accounts: see README.md; background worker started; second factor optional in this demo)"
	@$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=$${DEBUG:-1} YORISOI_MFA=$${YORISOI_MFA:-optional} $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Browser tests drive Debian's chromium; install it (and Japanese fonts) when it is missing.
# poppler-utils (pdftoppm) lets the report tests look at a PDF page as an image.
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -q "Noto Sans CJK" \
	    || ! command -v pdftoppm >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk poppler-utils >/dev/null; \
	  else \
	    echo "Browser tests need Debian's chromium and fonts-noto-cjk: sudo apt-get install chromium fonts-noto-cjk poppler-utils"; \
	  fi; \
	fi

test: install system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --durations=25

# Schemathesis over the whole OpenAPI with a larger budget than `make test` gives it (examples
# per operation, input mode and caller; about 20 minutes on SQLite). DATABASE_URL picks the database.
FUZZ_EXAMPLES ?= 40
fuzz: install
	YORISOI_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -p no:cacheprovider \
	  yorisoi/http/tests/test_openapi_fuzz.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The English catalogue: Japanese is the source text (the msgids), English its translation.
# Refreshes yorisoi/locale/en/LC_MESSAGES/django.po from the code and templates, then compiles the
# .mo. Needs GNU gettext (apt-get install gettext); commit both files so other machines need none.
.PHONY: messages
messages: install
	$(BIN)/python manage.py makemessages -l en --no-obsolete --no-wrap --add-location=file \
	  --ignore=bench --ignore=tests --ignore=test-artifacts --ignore=staticfiles
	$(BIN)/python manage.py compilemessages -l en --ignore=.venv --ignore=bench --ignore=tests

worker: migrate
	$(BIN)/python manage.py db_worker

# Known vulnerabilities in the installed pins (pip-audit; needs PyPI's JSON API or OSV on the
# network, and says NOT AUDITED where neither answers). YORISOI_AUDIT_STRICT=1 fails then too.
audit: install
	$(BIN)/python .ci/pip_audit.py

# The production deployment end to end: gunicorn (2 workers, YORISOI_ENV=production) on a fresh
# PostgreSQL database (SMOKE_DATABASE_URL, default yorisoi_smoke on 127.0.0.1:5432).
smoke: install
	$(BIN)/python deploy/smoke.py

# Every benchmark in turn (about 25 minutes); each prints its figures (bench/README.md).
bench: install
	$(BIN)/python bench/person_search.py
	$(BIN)/python bench/my_queue.py --requests 40
	$(BIN)/python bench/matching.py
	$(BIN)/python bench/yearly_report.py

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles
