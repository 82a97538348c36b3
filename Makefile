# Maintainer tasks for the template repository itself. `make` lists them.
.DEFAULT_GOAL := help
# Every directory of this repository's own Python, for the linters.
PY_DIRS := hooks tests tools org benchmarks

.PHONY: help install fmt lint type test test-fast test-min-copier pythons bench clean release-template fleet
.PHONY: org-lint org-plan org-deploy org-laptop

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-17s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: ## Create the development environment
	uv sync

fmt: ## Format this repository's Python
	uv run ruff format $(PY_DIRS)
	uv run ruff check --fix $(PY_DIRS)

lint: ## Lint without changing anything
	uv run ruff check $(PY_DIRS)
	uv run ruff format --check $(PY_DIRS)

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

bench: ## Time generation, the name guard and the project's checks; peers too if BENCH_COPIER_UV/BENCH_COOKIE name local clones
	uv run python -m benchmarks.bench

# --- The organisation's CodeArtifact set-up: org/README.md ------------------------------------
ORG_STACK ?= org/stack.json
ORG_SETTINGS ?= org/copier-settings.yml

org-lint: ## Lint the organisation stack (cfn-lint)
	uv run cfn-lint org/codeartifact.yml

org-plan: ## Show what the organisation stack would change in AWS (a change set, not applied)
	uv run python org/stack.py plan --config $(ORG_STACK)

org-deploy: ## Create or update the organisation stack, then print its outputs
	uv run python org/stack.py deploy --config $(ORG_STACK)

org-laptop: ## Once per laptop: make the organisation's answers copier's defaults
	uv run python org/laptop.py $(ORG_SETTINGS)

clean: ## Remove caches
	rm -rf .pytest_cache .mypy_cache .ruff_cache

release-template: ## Tag a template release: make release-template VERSION=0.2.0
	uv run python -m tools.release_template $(VERSION)

fleet: ## Repositories of an organisation made from this template: make fleet ORG=acme [JSON=1]
	uv run python -m tools.fleet $(ORG) $(if $(JSON),--json) $(if $(TEMPLATE),--template $(TEMPLATE))
