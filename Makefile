# Maintainer tasks for the template repository itself. `make` lists them.
.DEFAULT_GOAL := help
.PHONY: help install fmt lint type test test-fast bench clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: ## Create the development environment
	uv sync

fmt: ## Format the hooks, tests and benchmark
	uv run ruff format hooks tests benchmarks
	uv run ruff check --fix hooks tests benchmarks

lint: ## Lint without changing anything
	uv run ruff check hooks tests benchmarks
	uv run ruff format --check hooks tests benchmarks

type: ## Type-check (mypy strict)
	uv run mypy

test: ## Run the whole suite, as CI does
	uv run pytest

test-fast: ## Unit and render tests only
	uv run pytest -m "not e2e"

bench: ## Time generation, the name guard and the project's checks; peers too if BENCH_COPIER_UV/BENCH_COOKIE name local clones
	uv run python -m benchmarks.bench

clean: ## Remove caches
	rm -rf .pytest_cache .mypy_cache .ruff_cache
