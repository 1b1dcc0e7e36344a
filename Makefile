# Shortcuts; each target is also a plain command in the README.
.PHONY: run test lint format check screenshots ci

run:            ## install, migrate, seed if empty, start web + worker + beat
	python3 dev.py run

test:           ## install, run the whole test suite
	python3 dev.py test

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports --no-cache

format:
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

check:          ## migrations complete, production settings sane
	.venv/bin/python manage.py makemigrations --check --dry-run
	.venv/bin/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml docker-compose.staging.yml

screenshots:    ## refresh docs/screenshots from the browser tests
	SCREENSHOTS_TO_DOCS=1 python3 dev.py test tests/browser

ci:             ## what CI runs (needs root for apt, PostgreSQL and Redis on localhost)
	bash .ci/run
