# Maintainer tasks for the template repository itself. `make` lists them.
.DEFAULT_GOAL := help
.PHONY: help install fmt lint type test test-fast test-min-copier pythons bench clean release-template fleet

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-17s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: ## Create the development environment
	uv sync

fmt: ## Format the hooks, tests, tools and benchmark
	uv run ruff format hooks tests tools benchmarks
	uv run ruff check --fix hooks tests tools benchmarks

lint: ## Lint without changing anything
	uv run ruff check hooks tests tools benchmarks
	uv run ruff format --check hooks tests tools benchmarks

type: ## Type-check (mypy strict)
	uv run mypy

test: ## Run the whole suite, as CI does (or one tier: TESTS=tests/unit)
	uv run pytest $(TESTS)

test-fast: ## Unit and render tests only
	uv run pytest -m "not e2e"

# The oldest copier copier.yml admits, read from there at run time.
MIN_COPIER = uv run python -c 'import yaml; print(yaml.safe_load(open("copier.yml"))["_min_copier_version"])'

test-min-copier: ## Unit and render tiers, a copy and an update, on the oldest supported copier
	uv sync
	uv pip install "copier==$$($(MIN_COPIER))"
	uv run --no-sync pytest tests/unit tests/render tests/e2e/test_min_copier.py
	@echo "The next 'uv run' puts the locked copier back."

pythons: ## Install the Pythons the generated projects are tested with
	uv python install 3.10 3.11 3.12 3.13 3.14

bench: ## Time generation, the name guard and the generated project's checks
	uv run python -m benchmarks.bench

clean: ## Remove caches
	rm -rf .pytest_cache .mypy_cache .ruff_cache

release-template: ## Tag a template release: make release-template VERSION=0.2.0
	uv run python -m tools.release_template $(VERSION)

fleet: ## Repositories of an organisation made from this template: make fleet ORG=acme [JSON=1]
	uv run python -m tools.fleet $(ORG) $(if $(JSON),--json) $(if $(TEMPLATE),--template $(TEMPLATE))
