# Trygg: `make run` serves the app, `make test` runs the whole suite.
# Both install what they need, so a fresh clone works with these two commands alone.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# LibreOffice's UNO bridge only exists for Debian's own Python, so the converter
# (unoserver) runs from a second venv built on /usr/bin/python3.
UNO_VENV := .venv-uno
PORT ?= 5000
export FLASK_APP := app

# Debian packages: the browser for the browser tests, LibreOffice and metric-compatible
# fonts for PDF/A (and an emoji font, so emoji quoted from a chat survive in the PDF/A and
# its text), poppler for reading PDFs back in tests.
DEB_PACKAGES := chromium libreoffice-writer-nogui python3-uno python3-venv \
	fonts-crosextra-carlito fonts-crosextra-caladea fonts-liberation2 fonts-noto-color-emoji \
	poppler-utils libcairo2

.PHONY: run test bench-scale bench-load bench-acks lint typecheck system-packages pdf-service messages clean-venv

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check -r requirements.txt
	touch $@

# Installs the Debian packages when one is missing and we are root; otherwise says how.
system-packages:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then echo "Debian-pakker: alt er på plass."; \
	elif [ "$$(id -u)" = "0" ]; then \
	  echo "Installerer Debian-pakker:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "Mangler Debian-pakker:$$missing"; \
	  echo "Kjør: sudo apt-get install --no-install-recommends$$missing"; \
	  echo "Uten LibreOffice virker Word-nedlasting, men ikke PDF."; fi

$(UNO_VENV)/.installed: requirements.txt
	@if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import uno" 2>/dev/null; then \
	  /usr/bin/python3 -m venv --system-site-packages $(UNO_VENV) && \
	  $(UNO_VENV)/bin/pip install -q --disable-pip-version-check "$$(grep -i '^unoserver==' requirements.txt)" && \
	  touch $@; \
	else echo "python3-uno mangler: PDF-konvertering er slått av."; fi

# The warm PDF converters run beside the web server for as long as it runs; without
# LibreOffice the service cannot start and Word downloads still work.
# One background job worker (trygg.jobs.worker: exports with a progress page, the daily
# reminders) runs beside them, after the converters' addresses are known.
CONVERTER_PORTS ?= 2003,2005
# `make run FEIDE=local` starts a local OpenID Connect provider in Feide's place
# (devtools/oidc_provider.py): "Logg inn med Feide" then asks for an e-mail address and
# logs in as it (a demo account's address matches that account).
FEIDE ?=
FEIDE_LOCAL_PORT ?= 5010
run: system-packages $(VENV)/.installed
	-@$(MAKE) --no-print-directory $(UNO_VENV)/.installed
	TRYGG_ENV=development $(PY) -m flask --app app db upgrade
	TRYGG_ENV=development $(PY) -m flask --app app seed-demo
	@set -e; pids=""; trap 'kill $$pids 2>/dev/null' EXIT INT TERM; \
	if [ -x $(UNO_VENV)/bin/python ]; then \
	  $(PY) -m trygg.pdf.service --ports $(CONVERTER_PORTS) --workdir instance/lo & pids="$$pids $$!"; \
	  export TRYGG_CONVERTERS=$$(echo $(CONVERTER_PORTS) | sed 's/\([0-9]*\)/127.0.0.1:\1/g'); \
	fi; \
	if [ "$(FEIDE)" = "local" ]; then \
	  $(PY) -m devtools.oidc_provider --port $(FEIDE_LOCAL_PORT) & pids="$$pids $$!"; \
	  export FEIDE_ISSUER=http://127.0.0.1:$(FEIDE_LOCAL_PORT) FEIDE_CLIENT_ID=trygg-dev \
	    FEIDE_CLIENT_SECRET=trygg-dev-secret; \
	fi; \
	TRYGG_ENV=development $(PY) -m trygg.jobs.worker & pids="$$pids $$!"; \
	TRYGG_ENV=development $(PY) -m flask --app app run --port $(PORT) --with-threads

pdf-service: $(VENV)/.installed $(UNO_VENV)/.installed
	$(PY) -m trygg.pdf.service --ports $(CONVERTER_PORTS) --workdir instance/lo

# The test command the README names and CI calls. Each test file runs whole in one of
# TEST_WORKERS processes (a file's converter and server fixtures start once); every test has
# its own database schema, folder and ports, so the workers never meet.
TEST_WORKERS ?= 2
test: system-packages $(VENV)/.installed-dev
	-@$(MAKE) --no-print-directory $(UNO_VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	@./scripts/test-databases $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

# The municipality at full size on PostgreSQL (bench/scale.py, its own database
# trygg_scale): 180 schools, 60,000 pupils, 400,000 cases; p50/p95 per page without and
# with migrations 0014's, 0017's and 0018's indexes. The fill takes a while; `make bench-scale
# SCALE_ARGS=--reuse` measures again on the schema filled before. `make test` runs a tiny
# version.
SCALE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/trygg_scale
SCALE_ARGS ?=
bench-scale: $(VENV)/.installed-dev
	$(PY) -m bench.scale --url $(SCALE_URL) --schools 180 --pupils 60000 --cases 400000 $(SCALE_ARGS)

# Many people at once (bench/load.py, its own database trygg_load): locust, headless, on
# loopback, against gunicorn (2 workers) on PostgreSQL; requests/s, p50, p95 and errors per
# kind of request, and CPU per request. About three minutes with the filling and the
# arrival; `make test` runs a small version (tests/test_load_small.py).
LOAD_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/trygg_load
LOAD_USERS ?= 50
LOAD_SECONDS ?= 60
bench-load: $(VENV)/.installed-dev
	$(PY) -m bench.load --url $(LOAD_URL) --users $(LOAD_USERS) --seconds $(LOAD_SECONDS)

# The merged PDF of 300 kvitteringer (bench/acks.py): one LibreOffice conversion per
# employee against the kvitteringer composed in chunks, side by side on warm converters of
# its own (or those in TRYGG_CONVERTERS). Goal: the new path <= 15 s.
ACKS_COUNT ?= 300
bench-acks: $(VENV)/.installed-dev
	-@$(MAKE) --no-print-directory $(UNO_VENV)/.installed
	$(PY) -m bench.acks --count $(ACKS_COUNT)

lint:
	$(PY) -m ruff check . && $(PY) -m ruff format --check .

typecheck:
	$(PY) -m mypy

messages:
	$(VENV)/bin/pybabel extract -F babel.cfg -o translations/messages.pot .
