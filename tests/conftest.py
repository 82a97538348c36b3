"""Shared fixtures: an isolated environment, and a render helper that raises on failure."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from copier import run_copy
from plumbum import local

from tests.answer_sets import ANSWER_SETS
from tests.doubles.codeartifact import STATE_ENV, FakeCodeArtifact
from tests.doubles.simple_index import SimpleIndex
from tests.machine import index_trust_environment, path_with_interpreters, run, said
from tests.releases import working_tree_release
from tests.scheduling import longest_first

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pytest_copie.plugin import Copie

pytest_plugins = ["tests.doubles.fixtures"]

ROOT = Path(__file__).resolve().parent.parent
TOOLS_FOLDER = ROOT / "codeartifact-python-tools"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Hand the longest scopes out first (tests/scheduling.py says why)."""
    items[:] = longest_first(items)


def uv_cache_dir() -> str:
    """uv's cache directory as uv resolves it for this user."""
    found = subprocess.run(["uv", "cache", "dir"], capture_output=True, text=True, check=True)
    return found.stdout.strip()


def sync_task_environment() -> None:
    """Give copier's tasks the environment the tests set up, as a subprocess would inherit it.

    Copier runs `_tasks` with plumbum's copy of the environment, taken when plumbum was first
    imported: by pytest-copie's plugin, before any fixture ran. Changes to `os.environ` alone
    (a git identity, PATH, UV_PYTHON_DOWNLOADS) would never reach the tasks.
    """
    local.env.clear()
    local.env.update(os.environ)


@pytest.fixture(scope="session", autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep every test away from real AWS and the real public index, for the whole session."""
    saved = dict(os.environ)
    for key in list(os.environ):
        if key.startswith(("AWS_", "NAME_GUARD_", "UV_INDEX_", "UV_PUBLISH_", "CODEARTIFACT_")):
            del os.environ[key]
    # Python writes bytecode as it does on a user's machine. A CI image that turns it off made
    # every copier run, hook and project check compile its imports again (about 0.5 s of CPU
    # a copier run), which the tests would pay hundreds of times over.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    home = tmp_path_factory.mktemp("aws-home")
    # CodeArtifact's control plane is a fake `aws` serving an empty repository (acme/python,
    # eu-west-1): every name is free there unless a test's own `fake_aws` says otherwise.
    fake = FakeCodeArtifact(home / "fake-aws-state.json")
    for answers in ANSWER_SETS.values():  # and each answer set's own repository, empty too
        coordinates = (
            "codeartifact_domain",
            "aws_account_id",
            "aws_region",
            "codeartifact_repository",
        )
        if all(key in answers for key in coordinates):
            fake.add_empty_repository(*(str(answers[key]) for key in coordinates))
    fake_bin = fake.install(home / "fake-aws-bin").parent
    # The user's own copier settings (an organisation's defaults, after `make org-laptop`) and
    # git configuration never reach a test: copier reads the tests' settings file, git a global
    # configuration of the tests' own (never /dev/null, which git would replace if it wrote).
    # The one default it sets is the organisation's `tools_index` setting (org/copier-settings.yml),
    # naming this checkout's tools folder: every project the tests copy, from whichever clone of
    # the template, runs the same tools, and uv builds them once for the session instead of once
    # for each clone. A test of the checkout default itself asks for `no_copier_settings`.
    (home / "copier-settings.yml").write_text(
        f"defaults:\n  tools_index: {json.dumps(str(TOOLS_FOLDER))}\n", encoding="utf-8"
    )
    (home / "gitconfig").write_text("", encoding="utf-8")
    os.environ.update(
        {
            # No credentials, no metadata service: botocore never leaves the machine.
            "AWS_CONFIG_FILE": str(home / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            # uv must use the interpreters on this machine, never download one.
            "UV_PYTHON_DOWNLOADS": "never",
            # One uv cache for every test, wherever a test moves HOME: packages built or
            # downloaded once (the tools among them) are not fetched again.
            "UV_CACHE_DIR": os.environ.get("UV_CACHE_DIR") or uv_cache_dir(),
            # One mypy cache per worker for every project it checks: typeshed's stubs are read
            # once, not in each of the dozens of projects (about 1.5 s of CPU a check). mypy
            # checks each file's hash against the cache, so a project's own code is always read.
            "MYPY_CACHE_DIR": str(home / "mypy-cache"),
            # Caches the tests' programs keep for the user (the copier adapter's copy of the
            # tools' source among them) go here, never into the user's own.
            "XDG_CACHE_HOME": str(home / "cache"),
            "PATH": f"{fake_bin}{os.pathsep}{path_with_interpreters()}",
            STATE_ENV: str(fake.state_file),
            "COPIER_SETTINGS_PATH": str(home / "copier-settings.yml"),
            "GIT_CONFIG_GLOBAL": str(home / "gitconfig"),
            # Commits made by post-copy tasks and update tests need an identity.
            "GIT_AUTHOR_NAME": "Template Tests",
            "GIT_AUTHOR_EMAIL": "tests@example.com",
            "GIT_COMMITTER_NAME": "Template Tests",
            "GIT_COMMITTER_EMAIL": "tests@example.com",
        }
    )
    for key, value in index_trust_environment(home / "config").items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    with SimpleIndex.running(projects={"requests": ["2.32.3"]}) as upstream:
        # The public upstream is a local index; CodeArtifact is the fake `aws` above, or the one
        # a test puts first on PATH.
        os.environ["NAME_GUARD_UPSTREAM_URL"] = upstream.url
        os.environ["NAME_GUARD_AWS"] = "cli"
        sync_task_environment()
        yield
    os.environ.clear()
    os.environ.update(saved)
    sync_task_environment()


@pytest.fixture
def no_copier_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Copier with no settings: every answer's default is the template's own."""
    empty = tmp_path / "copier-settings.yml"
    empty.write_text("{}\n", encoding="utf-8")  # copier refuses an empty file
    monkeypatch.setenv("COPIER_SETTINGS_PATH", str(empty))


@pytest.fixture(scope="session")
def tools_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tools package built from this checkout, as its release job builds it."""
    out = tmp_path_factory.mktemp("tools-dist")
    built = run(["uv", "build", "--wheel", "--out-dir", str(out), str(TOOLS_FOLDER)], timeout=300)
    assert built.returncode == 0, said(built)
    (wheel,) = out.glob("*.whl")
    return wheel


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working tree as a git repository tagged with a version, the way copier sees a release."""
    return working_tree_release(tmp_path_factory.mktemp("template") / "repo", "99.0.0")


def render(copie: Copie, answer_set: str, **extra: object) -> Path:
    """Render one named answer set with pytest-copie and return the project; raise if it failed."""
    answers = {**ANSWER_SETS[answer_set], **extra}
    sync_task_environment()  # a test's own monkeypatched variables reach the tasks too
    result = copie.copy(extra_answers=answers)
    if result.exit_code != 0 or result.exception is not None or result.project_dir is None:
        msg = f"render of {answer_set!r} failed: {result.exception!r}"
        raise AssertionError(msg) from result.exception
    return result.project_dir


def render_files(destination: Path, answer_set: str) -> Path:
    """Render one named answer set into destination without the post-copy task (git, uv lock).

    For tests that judge the files alone: copier renders in this process, and raises if it fails.
    """
    run_copy(
        str(ROOT),
        destination,
        data=ANSWER_SETS[answer_set],
        defaults=True,
        unsafe=True,
        skip_tasks=True,
        vcs_ref="HEAD",
        quiet=True,
    )
    return destination
