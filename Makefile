# Maintainer tasks for the template repository itself. `make` lists them.
.DEFAULT_GOAL := help
# Every directory of this repository's own Python, for the linters.
PY_DIRS := hooks tests tools org benchmarks codeartifact-python-tools

.PHONY: help install fmt lint type test test-fast test-min-copier pythons bench clean release-template fleet
.PHONY: org-lint org-plan org-deploy org-laptop
.PHONY: tools-dist tools-codeartifact tools-github-release org-region adopt

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-21s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

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

bench: ## Time generation, the name guard and the project's checks; peers too if BENCH_COPIER_UV/BENCH_COOKIE name local clones; BENCH_UPSTREAM=configured: the guard asks this machine's index (default: local)
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

release-template: ## Tag a template release, also the tools' release: make release-template VERSION=0.2.0
	uv run python -m tools.release_template $(VERSION)

# --- The release workflow's steps (.github/workflows/release.yml), from the tag vX.Y.Z ------------
# TAG reaches the recipes as an environment variable ("$$TAG"), never pasted into their text.
TOOLS_RELEASE = uv run python -m tools.tools_release --stack $(ORG_STACK)

tools-dist: ## Build the tools package once into dist/ and check it: make tools-dist TAG=v0.3.0
	rm -rf dist
	uv build codeartifact-python-tools --out-dir dist/
	uv run twine check --strict dist/*
	$(TOOLS_RELEASE) check "$$TAG" dist

tools-codeartifact: ## CI: upload dist/ to the organisation's CodeArtifact (a fork's renamed tools)
	$(TOOLS_RELEASE) codeartifact "$$TAG" dist

tools-github-release: ## CI: create TAG's GitHub release, dist/'s files and the CHANGELOG section
	$(TOOLS_RELEASE) github-release "$$TAG" dist

org-region: ## Print the organisation's AWS region (org/stack.json); in CI, also a step output
	@$(TOOLS_RELEASE) region

fleet: ## Repositories of an organisation made from this template: make fleet ORG=acme [JSON=1]
	uv run python -m tools.fleet $(ORG) $(if $(JSON),--json) $(if $(TEMPLATE),--template $(TEMPLATE))

# PROJECT, DATA, BRANCH, TEMPLATE and REF reach the command from the environment (make exports
# what the command line sets), never pasted into the recipe: quotes in a value arrive as typed.
adopt: ## Bring an existing library into the template on a branch: make adopt PROJECT=../lib [DATA="key=value ..."] [DRY_RUN=1] (docs/adopting.md)
	uv run python -m tools.adopt "$$PROJECT" $(if $(DATA),--data "$$DATA") $(if $(BRANCH),--branch "$$BRANCH") $(if $(TEMPLATE),--template "$$TEMPLATE") $(if $(REF),--ref "$$REF") $(if $(DRY_RUN),--dry-run) $(if $(CHECK),$(if $(filter 0 no,$(CHECK)),--no-check))

# Any other name: make's last resort (.DEFAULT, GNU Make 3.81 has it) names the mistake in one
# line and points at `make` for the list, instead of a bare "No rule to make target". A file with
# no rule is still "up to date", and a dry run (`make -n`) of a wrong name stops the same way.
.DEFAULT:
	$(error $(if $(filter $@,$(MAKECMDGOALS)),no target '$@' here: run `make` for the list of targets,nothing makes '$@' and no such file exists))
