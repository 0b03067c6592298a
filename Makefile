# Charterline's two commands: `make run` (the app on SQLite with demo data) and `make test` (the whole suite,
# on SQLite and then PostgreSQL). Each installs what it needs first.

VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
export NLTK_DATA := $(CURDIR)/.nltk_data

.PHONY: run test setup setup-test lint bench assets clean

run: setup
	CHARTERLINE_ENV=development $(FLASK) db upgrade
	CHARTERLINE_ENV=development $(FLASK) demo load
	CHARTERLINE_ENV=development $(FLASK) run --host 127.0.0.1 --port 5000

test: setup-test
	scripts/run-tests

# The stylesheet is compiled from GOV.UK Frontend's Sass with the council's settings (styles/, scripts/build-css).
setup: $(VENV)/.installed static/vendor/plotly.min.js
	scripts/install-system-packages app
	scripts/build-css

$(VENV)/.installed: pyproject.toml
	scripts/install-system-packages app
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	$(PY) scripts/setup_nltk_data.py
	touch $@

# plotly.js for staff chart pages, copied from the installed plotly package.
static/vendor/plotly.min.js: $(VENV)/.installed
	scripts/vendor-plotly $(PY)

setup-test: setup
	scripts/install-system-packages test
	$(PY) scripts/setup_nltk_data.py
	scripts/setup-test-assets

lint: setup
	$(VENV)/bin/ruff check .

bench: setup
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

# Refresh GOV.UK Frontend's JavaScript in static/ from the version pinned in package.json and compile the stylesheet.
assets:
	scripts/refresh-govuk-frontend

clean:
	rm -rf $(VENV) node_modules .nltk_data
