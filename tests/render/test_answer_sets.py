"""Every named answer set renders into a clean project: right files, no Jinja left, tools happy."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import tomllib
import yaml
from codeartifact_python_tools.guard.cli import EXIT_PROTECT_FAILED
from codeartifact_python_tools.guard.verdicts import Kind
from codeartifact_python_tools.release.errors import ExitCode as ReleaseCode
from codeartifact_python_tools.update.errors import ExitCode as UpdateCode

from tests.answer_sets import ANSWER_SETS, FULL_SETS
from tests.conftest import ROOT, render
from tests.render.file_sets import can_lock, expected_files

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pytest_copie.plugin import Copie

BIN = Path(sys.executable).parent
# `${{ }}` is GitHub Actions' own syntax; any other `{{` or `{%` is a Jinja leftover.
LEFTOVER = re.compile(r"(?<!\$)\{\{|\{%|%\}|\{#")


class MkDocsLoader(yaml.SafeLoader):
    """A safe loader that reads mkdocs.yml's `!!python/name:` tags as plain strings."""


MkDocsLoader.add_multi_constructor(
    "tag:yaml.org,2002:python/name:", lambda _loader, suffix, _node: suffix
)


@pytest.fixture(scope="session")
def projects(copie_session: Copie) -> dict[str, Path]:
    """Each answer set rendered once for the session, tasks included, as `copier copy` does."""
    return {name: render(copie_session, name) for name in ANSWER_SETS}


def project_files(project: Path) -> Iterator[Path]:
    """The files a user would commit: no .git, no tool caches, no virtual environment."""
    skip = {".git", ".venv", ".mypy_cache", ".ruff_cache", ".pytest_cache", "__pycache__"}
    for path in sorted(project.rglob("*")):
        if path.is_file() and not skip.intersection(path.relative_to(project).parts):
            yield path


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MYPYPATH": str(cwd / "src")}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False, env=env)


@pytest.mark.parametrize("answer_set", sorted(ANSWER_SETS))
def test_the_file_set_is_exactly_what_the_answers_ask_for(
    projects: dict[str, Path], answer_set: str
) -> None:
    project = projects[answer_set]
    rendered = {path.relative_to(project).as_posix() for path in project_files(project)}
    assert rendered == expected_files(ANSWER_SETS[answer_set], project)


@pytest.mark.parametrize("answer_set", sorted(ANSWER_SETS))
def test_no_template_syntax_is_left_over(projects: dict[str, Path], answer_set: str) -> None:
    project = projects[answer_set]
    for path in project_files(project):
        assert not path.name.endswith(".jinja"), path
        text = path.read_text(encoding="utf-8")
        match = LEFTOVER.search(text)
        assert match is None, (
            f"{path.relative_to(project)}: {text[match.start() - 40 : match.end() + 40]!r}"
        )


@pytest.mark.parametrize("answer_set", sorted(ANSWER_SETS))
def test_renders_are_tidy(projects: dict[str, Path], answer_set: str) -> None:
    """No trailing spaces, no doubled blank lines, one final newline: what a careful hand writes."""
    project = projects[answer_set]
    for path in project_files(project):
        if path.name == "uv.lock" or path.name.startswith("LICENSE"):
            continue
        name = path.relative_to(project).as_posix()
        text = path.read_text(encoding="utf-8")
        if not text:  # a marker file such as py.typed
            continue
        assert text.endswith("\n"), f"{name}: no final newline"
        assert not text.endswith("\n\n"), f"{name}: blank lines at the end"
        assert not text.startswith("\n"), f"{name}: starts with a blank line"
        for number, line in enumerate(text.splitlines(), 1):
            assert line == line.rstrip(), f"{name}:{number}: trailing white space"
        if path.suffix != ".py":  # ruff format owns Python's blank lines (two between defs)
            assert "\n\n\n" not in text, f"{name}: doubled blank line"


@pytest.mark.parametrize("answer_set", sorted(ANSWER_SETS))
def test_toml_and_yaml_parse(projects: dict[str, Path], answer_set: str) -> None:
    project = projects[answer_set]
    for path in project_files(project):
        if path.suffix == ".toml":
            tomllib.loads(path.read_text(encoding="utf-8"))
        elif path.suffix in {".yml", ".yaml"}:
            yaml.load(path.read_text(encoding="utf-8"), Loader=MkDocsLoader)  # noqa: S506


@pytest.mark.parametrize("answer_set", sorted(ANSWER_SETS))
def test_ruff_finds_nothing(projects: dict[str, Path], answer_set: str) -> None:
    project = projects[answer_set]
    check = run([str(BIN / "ruff"), "check", "--no-cache", "."], project)
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = run([str(BIN / "ruff"), "format", "--check", "--no-cache", "."], project)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


# The full sets' own `make check` runs mypy on them (tests/e2e/test_copy.py): the others here.
@pytest.mark.parametrize("answer_set", sorted(set(ANSWER_SETS) - set(FULL_SETS)))
def test_mypy_strict_finds_nothing(projects: dict[str, Path], answer_set: str) -> None:
    project = projects[answer_set]
    # Incremental, in this worker's mypy cache (conftest): typeshed's stubs are read once for
    # each Python version, and mypy checks every file's hash, so the project's own code is read.
    result = run([str(BIN / "mypy")], project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout


def test_answers_are_recorded_for_copier_update(projects: dict[str, Path]) -> None:
    answers = yaml.safe_load((projects["everything-on"] / ".copier-answers.yml").read_text())
    assert answers["package_name"] == "acme-data.tools"
    assert answers["aws_profile"] == "integration"
    assert "_commit" in answers
    assert "_src_path" in answers


@pytest.mark.parametrize("answer_set", sorted(ANSWER_SETS))
def test_the_project_is_committed_with_its_lock_file(
    projects: dict[str, Path], answer_set: str
) -> None:
    project = projects[answer_set]
    status = run(["git", "status", "--porcelain"], project)
    assert status.returncode == 0, status.stderr
    assert status.stdout == "", f"uncommitted after the post-copy task:\n{status.stdout}"
    tracked = run(["git", "ls-files"], project).stdout.split()
    assert ("uv.lock" in tracked) is can_lock(ANSWER_SETS[answer_set])


def test_every_exit_code_is_documented_with_its_meaning(projects: dict[str, Path]) -> None:
    """The project's docs carry the tools' exit-code tables: every code, and no other.

    A staged release's own codes (stage, smoke, promote) only where releases are staged: an
    unstaged project has none of those targets.
    """
    project = projects["defaults"]
    release_codes = {int(code) for code in ReleaseCode}
    staged_codes = {21, 22, 23, 24, 25}
    guard_codes = {0, 1, 2, *(int(kind) for kind in Kind), EXIT_PROTECT_FAILED}
    assert release_codes >= {0, 1, 2, 3, 10, 14, 18, 19, 20, *staged_codes}
    assert guard_codes == {0, 1, 2, 3, 4, 5, 6}

    def rows(page: str, where: Path = project) -> set[int]:
        text = (where / "docs" / page).read_text(encoding="utf-8")
        return {int(code) for code in re.findall(r"^\| (\d+) \| \S", text, re.MULTILINE)}

    assert rows("releasing.md") == release_codes - staged_codes
    assert rows("releasing.md", projects["staged"]) == release_codes
    assert rows("troubleshooting.md") == guard_codes
    update_codes = {int(code) for code in UpdateCode}
    assert update_codes == {0, 1, 2, 3, 4, 5, 6}
    assert rows("updating.md") == update_codes


def test_repo_review_finds_no_failure_and_every_ignore_has_its_reason(
    projects: dict[str, Path],
) -> None:
    """Scientific Python's development guide: each check passes or is ignored with a reason."""
    project = projects["defaults"]
    result = run([str(BIN / "repo-review"), "--format", "json", "."], project)
    assert result.returncode == 0, result.stdout + result.stderr
    checks = json.loads(result.stdout)["checks"]
    failed = {
        code: check["description"] for code, check in checks.items() if check["result"] is False
    }
    assert failed == {}
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    ignores = pyproject["tool"]["repo-review"]["ignore"]
    assert isinstance(ignores, dict), "a table keeps each reason beside its ignore"
    assert ignores
    for code, reason in ignores.items():
        assert code in checks, f"{code} is no repo-review check"
        assert isinstance(reason, str), code
        assert reason.strip(), code
        assert checks[code]["skip_reason"] == reason  # repo-review read it, and shows why


def test_validate_pyproject_accepts_every_pyproject(projects: dict[str, Path]) -> None:
    """The standard tables, and the [tool.*] tables of uv, hatch, ruff, mypy and repo-review.

    One run for every answer set: the schemas take seconds to load, the files none.
    """
    plugins = ["uv", "hatch", "ruff", "mypy", "pytest", "repo-review"]
    files = [str(projects[name] / "pyproject.toml") for name in sorted(ANSWER_SETS)]
    result = run(
        [str(BIN / "validate-pyproject"), "--enable-plugins", *plugins, "--", *files], ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("Valid file:") == len(files), result.stdout


def test_make_build_and_the_release_use_the_same_build_backend(projects: dict[str, Path]) -> None:
    """[build-system]'s hatchling is the `build` group's, which `make build` (through dev) and the
    release build install from uv.lock."""
    pyproject = tomllib.loads((projects["defaults"] / "pyproject.toml").read_text(encoding="utf-8"))
    (backend,) = pyproject["build-system"]["requires"]
    assert backend.startswith("hatchling==")
    groups = pyproject["dependency-groups"]
    assert groups["build"] == [backend]
    assert {"include-group": "build"} in groups["dev"]


# `make X` as the docs write it; `make bump-...` (a family) and prose ("make targets") are not.
MAKE_COMMAND = re.compile(r"\bmake ((?:[a-z]+-)*[a-z]+)(?![\w-])")
PROSE = {"target", "targets"}


def make_help(directory: Path) -> set[str]:
    """The targets `make help` lists: the ones a reader can discover."""
    result = run(["make", "--no-print-directory", "help"], directory)
    assert result.returncode == 0, result.stderr
    return {line.split()[0] for line in result.stdout.splitlines() if line.strip()}


def named_targets(*paths: Path) -> dict[str, set[str]]:
    """Each target a `make X` in these files names, with the files that name it."""
    named: dict[str, set[str]] = {}
    for path in paths:
        for target in MAKE_COMMAND.findall(path.read_text(encoding="utf-8")):
            if target not in PROSE:
                named.setdefault(target, set()).add(path.name)
    return named


def test_every_make_target_the_docs_name_is_in_make_help(projects: dict[str, Path]) -> None:
    """The generated docs name the project's targets; this repository's docs name either kind."""
    # Every page and workflow there is, direct and staged.
    project_targets: set[str] = set()
    for project in (projects["everything-on"], projects["staged"]):
        targets = make_help(project)
        project_targets |= targets
        pages = [project / "README.md", *sorted((project / "docs").glob("*.md"))]
        pages += sorted((project / ".github" / "workflows").glob("*.yml"))
        named = named_targets(*pages)
        assert {"doctor", "check", "update-template", "login"} <= named.keys()
        missing = {target: files for target, files in named.items() if target not in targets}
        assert not missing, f"named in the generated docs, not in its `make help`: {missing}"
    assert {"stage", "smoke", "promote"} <= named.keys()

    template_targets = make_help(ROOT)
    ours = [ROOT / "README.md", ROOT / "CHANGELOG.md", ROOT / "org" / "README.md"]
    ours += sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    named = named_targets(*ours)
    assert {"org-plan", "release-template", "check"} <= named.keys()
    known = template_targets | project_targets
    missing = {target: files for target, files in named.items() if target not in known}
    assert not missing, f"named in this repository's docs, in neither `make help`: {missing}"
