# Two commands do everything on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8150
HOST ?= 127.0.0.1

.PHONY: run test e2e quality format migrate demo-data requirements clean serve

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.base-installed: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements/base.txt
	touch $@

$(VENV)/.test-installed: requirements/test.txt requirements/base.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements/test.txt
	touch $@

# The MySQL driver builds against libmysqlclient, so it is installed only when DATABASE_URL asks for MySQL.
$(VENV)/.mysql-installed: requirements/mysql.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements/mysql.txt
	touch $@

MYSQL_DRIVER := $(if $(filter mysql%,$(DATABASE_URL)),$(VENV)/.mysql-installed)

# gunicorn and django-storages, for `make serve`.
$(VENV)/.server-installed: requirements/server.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements/server.txt
	touch $@

var:
	mkdir -p var

migrate: $(VENV)/.base-installed $(MYSQL_DRIVER) | var
	$(BIN)/python manage.py migrate --noinput

# The demo site and every link printed follow HOST and PORT (`PORT=8170 make run`).
demo-data: migrate
	$(BIN)/python manage.py load_demo_data --domain $(HOST):$(PORT)

## run: install, migrate, load the demo data and serve on http://$(HOST):$(PORT) (SQLite by default)
run: demo-data
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# `make serve` takes every variable from the environment (README.md, "Production"); with no TLS proxy in front
# it defaults to plain HTTP, a local-only secret key and local host names.
SERVE_ENV = DJANGO_SETTINGS_MODULE=credentials.settings.production \
	SECRET_KEY="$${SECRET_KEY:-make-serve-local-only-key-not-for-any-real-deployment-0123456789}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-false}" \
	SESSION_COOKIE_SECURE="$${SESSION_COOKIE_SECURE:-false}" \
	CSRF_COOKIE_SECURE="$${CSRF_COOKIE_SECURE:-false}" \
	HOST=$(HOST) PORT=$(PORT)

## serve: the production settings under gunicorn on http://$(HOST):$(PORT) (migrates and collects static first);
##        GUNICORN_WORKERS, DATABASE_URL, CACHE_URL, LOG_LEVEL, ... come from the environment
serve: $(VENV)/.server-installed $(MYSQL_DRIVER) | var
	$(SERVE_ENV) LOG_LEVEL=WARNING $(BIN)/python manage.py migrate --noinput
	$(SERVE_ENV) LOG_LEVEL=WARNING $(BIN)/python manage.py collectstatic --noinput -v 0
	$(SERVE_ENV) exec $(BIN)/gunicorn --config credentials/gunicorn_conf.py credentials.wsgi:application

## test: the whole suite (SQLite + locmem, or DATABASE_URL / CACHE_URL)
test: $(VENV)/.test-installed $(MYSQL_DRIVER) | var
	$(BIN)/pytest $(PYTEST_ARGS)

## e2e: the browser tests only (needs Debian's chromium: apt-get install chromium)
e2e: $(VENV)/.test-installed $(MYSQL_DRIVER) | var
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS)

## node-verifier: Digital Bazaar's VC libraries in var/node-verifier, the independent verifier of tests/verifiable
NODE_VERIFIER := var/node-verifier
$(NODE_VERIFIER)/node_modules/.installed: tests/verifiable/node/package.json | var
	mkdir -p $(NODE_VERIFIER)
	cp tests/verifiable/node/package.json $(NODE_VERIFIER)/package.json
	npm install --prefix $(NODE_VERIFIER) --no-audit --no-fund --silent
	touch $@

node-verifier: $(NODE_VERIFIER)/node_modules/.installed

.PHONY: node-verifier

## quality: lint and format check
quality: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.test-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## bench-catalog: copy_catalog of 1,000 programs from bench/fake_discovery.py on MariaDB (BENCH_CATALOG_DATABASE_URL)
BENCH_CATALOG_DATABASE_URL ?= mysql://root:@127.0.0.1:3306/credentials_bench_catalog
bench-catalog: $(VENV)/.base-installed $(VENV)/.mysql-installed | var
	DATABASE_URL=$(BENCH_CATALOG_DATABASE_URL) $(BIN)/python bench/catalog_sync.py $(BENCH_ARGS)

## bench-http: the API (and pages) under gunicorn, production settings, MariaDB + memcached, loaded by wrk
BENCH_DATABASE_URL ?= mysql://root:@127.0.0.1:3306/credentials_bench
bench-http: $(VENV)/.test-installed $(VENV)/.mysql-installed | var
	DATABASE_URL=$(BENCH_DATABASE_URL) CACHE_URL=$${CACHE_URL:-memcached://127.0.0.1:11211} $(BIN)/python bench/http_bench.py

## bench-cpu: CPU time per request of the bench-http scenarios in process, as multiples of /health/'s (bench/cpu_cost.py);
##            BENCH_CPU_ARGS="--callgrind --requests 30" counts instructions under valgrind instead (load-insensitive)
bench-cpu: $(VENV)/.test-installed $(VENV)/.mysql-installed | var
	DATABASE_URL=$(BENCH_DATABASE_URL) CACHE_URL=$${CACHE_URL:-memcached://127.0.0.1:11211} $(BIN)/python bench/cpu_cost.py $(BENCH_CPU_ARGS)

.PHONY: bench-cpu

# py-spy, for `make profile-write`.
$(VENV)/.profile-installed: requirements/profile.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements/profile.txt
	touch $@

## profile-write: py-spy samples one gunicorn worker under wrk load on the write path (issue, re-issue, grade);
##                flame graph in var/profile-write.svg, collapsed stacks in var/profile-write.txt, top frames
##                printed. PROFILE_PAGES=1 profiles the cold certificate page and record JSON instead
profile-write: $(VENV)/.test-installed $(VENV)/.mysql-installed $(VENV)/.profile-installed | var
	DATABASE_URL=$(BENCH_DATABASE_URL) CACHE_URL=$${CACHE_URL:-memcached://127.0.0.1:11211} $(BIN)/python bench/profile_write.py

.PHONY: profile-write

## bench-events: 10,000 CERTIFICATE_CREATED through Redis into course credentials, a clean run and one with the
##               consumer SIGKILLed twice (bench/event_bus.py; BENCH_EVENTS_ARGS="--soak" restarts Redis instead),
##               then 10,000 passing-status events for 1,000 learners and 10 badge templates: events/s, awards made
##               (exact count checked), queries per event (bench/badge_events.py; "--badges-only", "--skip-badges")
bench-events: $(VENV)/.base-installed $(MYSQL_DRIVER) | var
	$(BIN)/python bench/event_bus.py $(BENCH_EVENTS_ARGS)

## bench-signing: OpenBadgeCredentials signed and verified per second on one core (eddsa-rdfc-2022)
bench-signing: $(VENV)/.base-installed
	$(BIN)/python bench/signing_bench.py

## bench-portable: certificate PDFs rendered per second cold (headless Chromium) and served per second warm
bench-portable: $(VENV)/.test-installed
	$(BIN)/python bench/portable_bench.py $(BENCH_PORTABLE_ARGS)

## bench: every benchmark
bench: bench-http bench-catalog bench-events bench-signing bench-portable

.PHONY: bench bench-catalog bench-http bench-events bench-signing bench-portable

## soak: minutes of concurrent mixed traffic on gunicorn + MariaDB + a private memcached, then every acknowledged
##       write checked in the database (bench/soak/; not part of `make test`). SOAK_ARGS="--faults all" adds
##       a MariaDB restart (private instance), a memcached kill and a hung LMS/discovery; --duration, --clients
SOAK_DATABASE_URL ?= mysql://root:@127.0.0.1:3306/credentials_soak
soak: $(VENV)/.test-installed $(VENV)/.mysql-installed $(VENV)/.server-installed | var
	SOAK_DATABASE_URL=$(SOAK_DATABASE_URL) $(BIN)/python -m bench.soak $(SOAK_ARGS)

.PHONY: soak

## requirements: recompile the pinned requirements/*.txt from requirements/*.in
requirements: $(BIN)/python
	$(BIN)/pip install -q pip-tools
	for name in base mysql server test production profile; do \
		$(BIN)/pip-compile -q --strip-extras --no-header --no-emit-index-url --no-emit-find-links \
			--allow-unsafe requirements/$$name.in -o requirements/$$name.txt; \
	done

clean:
	rm -rf $(VENV) var
