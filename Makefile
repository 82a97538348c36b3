# Maintainer tasks for the template repository itself. `make` lists them.
.DEFAULT_GOAL := help
.PHONY: help install fmt lint type test test-fast bench clean org-lint org-plan org-deploy org-laptop

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-11s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: ## Create the development environment
	uv sync

fmt: ## Format the hooks, tests and benchmark
	uv run ruff format hooks tests benchmarks org
	uv run ruff check --fix hooks tests benchmarks org

lint: ## Lint without changing anything
	uv run ruff check hooks tests benchmarks org
	uv run ruff format --check hooks tests benchmarks org

type: ## Type-check (mypy strict)
	uv run mypy

test: ## Run the whole suite, as CI does
	uv run pytest

test-fast: ## Unit and render tests only
	uv run pytest -m "not e2e"

bench: ## Time generation, the name guard and the generated project's checks
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
