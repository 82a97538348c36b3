"""Adopting the libraries a team already has: `make adopt` in the template, then their own make.

Two existing libraries from tests/fixtures/adopt/, each a git repository with its history:
ml-workbench, shaped like the seed guide a real team wrote (hatchling + uv, a flat layout, the
console script `cli-experiment`, version 0.0.1 already published by hand to its CodeArtifact
repository, which only its docs name), and lab-utils, a poetry project (src layout, a Makefile,
poetry.lock, its CodeArtifact repository a poetry source). Each is adopted by the documented path
(docs/adopting.md): `make adopt`, resolve the listed conflicts, commit; then its next version
goes through `make publish-dry-run` against a local index, and a later template release through
`make update-template`. CodeArtifact's control plane is the fake `aws`, its PyPI endpoint a
pypiserver, the public upstream a local index: no host but 127.0.0.1 and the package registries.
"""

from __future__ import annotations

import os
import secrets
import shutil
from typing import TYPE_CHECKING

import pytest
import tomllib
from codeartifact_python_tools import __version__ as tools_version

from tests.conftest import ROOT
from tests.doubles.codeartifact import STATE_ENV, FakeCodeArtifact
from tests.doubles.pypiserver import PypiServer
from tests.doubles.simple_index import SimpleIndex
from tests.e2e.test_lifecycle import release_next
from tests.machine import failure_class, git, run, said
from tests.releases import release_history

if TYPE_CHECKING:
    import subprocess
    from pathlib import Path

pytestmark = pytest.mark.e2e

FIXTURES = ROOT / "tests" / "fixtures" / "adopt"
CURRENT = f"v{tools_version}"  # template release X.Y.Z is tools release X.Y.Z
# The tools' exit codes (tools/adopt/errors.py), which make reports as `Error N`.
REFUSED, CONFLICTS = 4, 5


def exit_code(result: subprocess.CompletedProcess[str]) -> int:
    """The adoption's own exit code: make exits 2 and reports the recipe's as `Error N`."""
    return 0 if result.returncode == 0 else failure_class(result)


def team_repository(where: Path, name: str, *, origin: str = "") -> Path:
    """The fixture as the team's repository: one commit, the release tagged as they did."""
    project = where / name
    shutil.copytree(FIXTURES / name, project)
    git("init", "--quiet", "--initial-branch=main", cwd=project)
    if origin:
        git("remote", "add", "origin", origin, cwd=project)
    git("add", "--all", cwd=project)
    git("commit", "--quiet", "--message", f"{name}: as published by hand", cwd=project)
    return project


def environment(work: Path, fake: FakeCodeArtifact) -> dict[str, str]:
    """The session's isolated environment, with this test's CodeArtifact first on PATH."""
    fake_bin = fake.install(work / "fake-aws-bin").parent
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("UV_INDEX_", "UV_PUBLISH_", "GITHUB_", "CODEARTIFACT_"))
        and key not in {"VIRTUAL_ENV", "CI"}
    }
    env.update(
        {
            "PATH": f"{fake_bin}{os.pathsep}{os.environ['PATH']}",
            STATE_ENV: str(fake.state_file),
            "NAME_GUARD_AWS": "cli",
            "UV_CREDENTIALS_DIR": str(work / "uv-credentials"),
            "XDG_STATE_HOME": str(work / "state"),
            "UV_KEYRING_PROVIDER": "disabled",
        }
    )
    return env


def adopt(
    project: Path, template: Path, env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    """`make adopt` in the template repository, as docs/adopting.md says to run it."""
    command = ["make", "--no-print-directory", "-C", str(ROOT), "adopt", f"PROJECT={project}"]
    return run([*command, f"TEMPLATE={template}", *args], env=env, timeout=900)


def make(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run(["make", "--no-print-directory", *args], cwd=project, env=env, timeout=900)


def resolve_by_keeping_yours(project: Path, path: str) -> None:
    """Resolve a conflict the way a team keeping its own file would: take theirs from git."""
    (project / path).write_text(git("show", f"HEAD:{path}", cwd=project), encoding="utf-8")


def commit_all(project: Path, message: str) -> None:
    git("add", "--all", cwd=project)
    git("commit", "--quiet", "--message", message, cwd=project)


def pyproject(project: Path) -> dict[str, object]:
    return tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))


def release_then_update(project: Path, releases: Path, env: dict[str, str], token: str) -> None:
    """The adopted project's next version through a dry-run publish, then a template update."""
    bumped = make(project, env, "bump-patch")
    assert bumped.returncode == 0, said(bumped)
    commit_all(project, "Release the next version")
    with PypiServer.running(project.parent / "index", password=token) as index:
        env = {**env, "CODEARTIFACT_INDEX_URL": index.url, "UV_INDEX_CODEARTIFACT_PASSWORD": token}
        dry = make(project, env, "publish-dry-run")
        assert dry.returncode == 0, said(dry)
        assert "would be uploaded" in said(dry)
        assert index.files() == []
    major, minor, patch = (int(part) for part in tools_version.split("."))
    following = f"{major}.{minor}.{patch + 1}"
    release_next(releases, following)
    updated = make(project, env, "update-template")
    assert updated.returncode == 0, said(updated)
    assert f"Template: {CURRENT} -> v{following}" in said(updated)
    assert "Conflicts to resolve: none" in said(updated)
    assert "make check: green" in said(updated)
    assert "[*.sql]" in (project / ".editorconfig").read_text(encoding="utf-8")


class TestTheSeedShapedLibrary:
    """ml-workbench: flat layout, a console script, 0.0.1 already in CodeArtifact."""

    def test_is_adopted_kept_whole_released_and_updated(self, tmp_path: Path) -> None:
        releases = release_history(tmp_path / "releases", CURRENT)
        token = f"ca-{secrets.token_hex(24)}"
        fake = FakeCodeArtifact(
            tmp_path / "fake-aws.json",
            domain="pheno",
            domain_owner="111122223333",
            region="eu-west-1",
            repository="pheno-pip",
        )
        fake.update(token=token)
        fake.add_package("ml-workbench", ["0.0.1"])  # published by hand: the repository's own
        env = environment(tmp_path, fake)
        project = team_repository(tmp_path / "team", "ml-workbench")
        before = git("rev-parse", "HEAD", cwd=project).strip()

        adopted = adopt(project, releases, env)
        summary = said(adopted)
        assert exit_code(adopted) == CONFLICTS, summary
        assert "Traceback" not in summary
        # The name guard asked CodeArtifact, which holds the name: the project's own, accepted.
        assert "DescribePackage" in fake.operations()
        assert "already exists in" not in summary
        # The answers came from the project: its metadata, and the repository its docs name.
        for line in (
            "package_name             ml-workbench",
            "cli_name                 cli-experiment",
            "codeartifact_domain      pheno                        docs/publishing.md",
            "aws_account_id           111122223333",
            "codeartifact_repository  pheno-pip",
            "aws_profile              integration",
        ):
            assert line in summary
        # Every disagreement is named: the one conflict, the settings the template's won.
        assert "Conflicts to resolve: 1\n  README.md\n" in summary
        assert 'testpaths: yours ["tests"], the template\'s ["src", "tests"] kept' in summary
        assert "not added   src/ml_workbench/sizes.py" in summary
        assert "make check: green" in summary
        assert "docs/publishing.md name" in summary

        # On its own branch, history kept: the move is a commit of its own, `--follow` sees it.
        assert git("branch", "--show-current", cwd=project).strip() == "adopt-template"
        log = git("log", "--format=%s", "--follow", "src/ml_workbench/experiment.py", cwd=project)
        assert "ml-workbench: as published by hand" in log
        assert git("rev-parse", "HEAD~1", cwd=project).strip() == before
        # Code, tests, version, dependency and entry point, as the team had them.
        for path in (
            "ml_workbench/experiment.py",
            "ml_workbench/cli.py",
            "ml_workbench/__init__.py",
        ):
            assert (project / "src" / path).read_bytes() == (
                FIXTURES / "ml-workbench" / path
            ).read_bytes()
        for path in ("tests/test_cli.py", "tests/test_experiment.py", "docs/publishing.md"):
            assert (project / path).read_bytes() == (FIXTURES / "ml-workbench" / path).read_bytes()
        assert not (project / "ml_workbench").exists()
        assert not (project / "src/ml_workbench/sizes.py").exists()
        metadata = pyproject(project)
        package = metadata["project"]
        assert isinstance(package, dict)
        assert package["version"] == "0.0.1"
        assert package["dependencies"] == ["attrs>=23.1"]
        assert package["scripts"] == {"cli-experiment": "ml_workbench.cli:main"}
        answers = (project / ".copier-answers.yml").read_text(encoding="utf-8")
        assert f"_commit: {CURRENT}\n" in answers
        assert f"_src_path: {releases}\n" in answers
        assert "<<<<<<< yours" in (project / "README.md").read_text(encoding="utf-8")

        # The person's part: keep their README, commit. The CLI answers as before.
        resolve_by_keeping_yours(project, "README.md")
        commit_all(project, "Adopt codeartifact-python-template")
        answered = run(
            ["uv", "run", "--frozen", "cli-experiment", "baseline", "--param", "epochs=20"],
            cwd=project,
            env=env,
        )
        assert answered.returncode == 0, said(answered)
        assert answered.stdout == "baseline (epochs=20)\n"

        release_then_update(project, releases, env, token)
        assert package["version"] != pyproject(project)["project"]["version"] == "0.0.2"  # type: ignore[index]  # a TOML table
        assert not (project / "src/ml_workbench/sizes.py").exists()  # still the team's choice


class TestThePoetryLibrary:
    """lab-utils: poetry metadata, src layout, a Makefile with poetry targets, poetry.lock."""

    def test_is_converted_adopted_released_and_updated(self, tmp_path: Path) -> None:
        releases = release_history(tmp_path / "releases", CURRENT)
        token = f"ca-{secrets.token_hex(24)}"
        fake = FakeCodeArtifact(tmp_path / "fake-aws.json")  # acme / 123456789012 / python
        fake.update(token=token)
        fake.add_package("lab-utils", ["1.4.2"])
        env = environment(tmp_path, fake)
        origin = "git@github.com:data-platform/lab-utils.git"
        project = team_repository(tmp_path / "team", "lab-utils", origin=origin)

        adopted = adopt(project, releases, env)
        summary = said(adopted)
        assert exit_code(adopted) == CONFLICTS, summary
        assert "github_repository        data-platform/lab-utils      git remote origin" in summary
        assert "codeartifact_repository  python                       pyproject.toml" in summary
        assert "Conflicts to resolve: 1\n  README.md\n" in summary
        assert "merged      Makefile: the template's, then your poetry-lock" in summary
        assert "your `install`, `test`, `cov`: the template's" in summary
        assert "removed     poetry.lock" in summary
        assert "make check: green" in summary

        # PEP 621 and hatchling now; poetry's constraints as PEP 440 ranges, its group kept.
        metadata = pyproject(project)
        package, tool = metadata["project"], metadata["tool"]
        assert isinstance(package, dict)
        assert isinstance(tool, dict)
        assert package["version"] == "1.4.2"
        assert package["dependencies"] == ["packaging>=24.0,<25.0"]
        assert package["requires-python"] == ">=3.12"
        assert package["license"] == "MIT"
        assert package["scripts"] == {"lab-utils": "lab_utils.cli:main"}
        assert "Topic :: Scientific/Engineering" in package["classifiers"]
        assert "poetry" not in tool
        assert tool["mypy"]["warn_unused_configs"] is True
        assert metadata["build-system"] == {
            "requires": ["hatchling==1.33.0"],
            "build-backend": "hatchling.build",
        }
        assert not (project / "poetry.lock").exists()
        assert (project / "LICENSE").read_bytes() == (FIXTURES / "lab-utils/LICENSE").read_bytes()
        for path in ("src/lab_utils/versions.py", "src/lab_utils/cli.py", "tests/test_versions.py"):
            assert (project / path).read_bytes() == (FIXTURES / "lab-utils" / path).read_bytes()
        makefile = (project / "Makefile").read_text(encoding="utf-8")
        assert "\npoetry-lock:\n\tpoetry lock\n" in makefile
        assert "poetry run pytest" not in makefile

        resolve_by_keeping_yours(project, "README.md")
        commit_all(project, "Adopt codeartifact-python-template")
        release_then_update(project, releases, env, token)
        assert pyproject(project)["project"]["version"] == "1.4.3"  # type: ignore[index]  # a TOML table


def test_a_name_only_the_public_upstream_has_is_refused_and_nothing_changes(
    template_repo: Path, tmp_path: Path
) -> None:
    """The collision the guard exists for: adoption does not make an upstream name the team's."""
    fake = FakeCodeArtifact(
        tmp_path / "fake-aws.json",
        domain="pheno",
        domain_owner="111122223333",
        region="eu-west-1",
        repository="pheno-pip",
    )  # empty: nothing the team published under that name
    env = environment(tmp_path, fake)
    project = team_repository(tmp_path / "team", "ml-workbench")
    before = git("rev-parse", "HEAD", cwd=project)
    with SimpleIndex.running(projects={"ml-workbench": ["0.2.6"]}) as upstream:
        env["NAME_GUARD_UPSTREAM_URL"] = upstream.url
        refused = adopt(project, template_repo, env)
    message = said(refused)
    assert exit_code(refused) == REFUSED, message
    assert "Traceback" not in message
    assert "package_name: ml-workbench exists on the public index" in message
    assert "Nothing was changed" in message
    assert "put-package-origin-configuration --domain pheno" in message  # the fix, before adoption
    assert git("status", "--porcelain", cwd=project) == ""
    assert git("branch", "--format=%(refname:short)", cwd=project) == "main\n"
    assert git("rev-parse", "HEAD", cwd=project) == before
