"""A staged release through the generated project's own make targets, against two local indexes.

The staging and the release repository are two pypiservers with authentication (user `aws`, the
token as password). CodeArtifact's control plane is the fake `aws`, which knows the package folder
of each repository, so the CopyPackageVersions of `make promote` really copies the files from one
index to the other. `gh` is the fake of tests/doubles. The journey is the release workflow's jobs
in order (release-dist; login, stage, smoke; login, promote; github-release), then each step run
again, and the failures each step must stop at, leaving the release repository as it was.
"""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest

from tests.doubles.codeartifact import STATE_ENV, FakeCodeArtifact
from tests.doubles.gh import FakeGitHub
from tests.doubles.pypiserver import PypiServer
from tests.doubles.simple_index import SimpleIndex
from tests.e2e.copier_cli import COPIER
from tests.machine import failure_class, run, said

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.e2e

NAME = "acme-widgets"
# The tools' release exit codes (release/errors.py in the tools) a staged release adds.
SMOKE, STAGED_DIFFERS, RELEASED_DIFFERS, NOT_STAGED, COPY_REFUSED = 21, 22, 23, 24, 25


@dataclass
class Staged:
    """A staged project, its two indexes and the doubles it talks to; every output it produced."""

    path: Path
    token: str
    fake_aws: FakeCodeArtifact
    fake_gh: FakeGitHub
    staging: PypiServer
    release: PypiServer
    env: dict[str, str]
    outputs: list[str] = field(default_factory=list)

    def make(self, *targets: str, **env: str) -> subprocess.CompletedProcess[str]:
        """Run make targets in the project, with more variables."""
        result = run(["make", *targets], cwd=self.path, env={**self.env, **env}, timeout=300)
        self.outputs.append(result.stdout + result.stderr)
        return result

    def files(self, server: PypiServer, version: str) -> dict[str, bytes]:
        """The files of one version an index holds, by name."""
        return {
            path.name: path.read_bytes()
            for path in server.packages.iterdir()
            if f"-{version}-" in path.name or path.name.endswith(f"-{version}.tar.gz")
        }

    def dist(self, version: str) -> dict[str, bytes]:
        """The files of one version in the project's dist/."""
        return {p.name: p.read_bytes() for p in (self.path / "dist").glob(f"*-{version}[-.]*")}

    def new_version(self, version: str) -> None:
        """Set the project's version (uv.lock too), with its CHANGELOG section, as a bump does."""
        done = run(
            ["uv", "version", "--no-sync", version], cwd=self.path, env=self.env, timeout=300
        )
        assert done.returncode == 0, said(done)
        changelog = self.path / "CHANGELOG.md"
        section = f"## [{version}] - 2026-12-01\n\n### Fixed\n\n- Version {version}.\n\n"
        changelog.write_text(changelog.read_text().replace("## [", section + "## [", 1))


@pytest.fixture(scope="module")
def staged(
    template_repo: Path, tools_wheel: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Staged]:
    """One project with codeartifact_staging_repository=python-staging, rendered by copier's CLI.

    Its tools come from a local index, as in the publish tests: the wheel built from this checkout.
    """
    work = tmp_path_factory.mktemp("staged")
    token = f"ca-{secrets.token_hex(24)}"
    fake = FakeCodeArtifact(work / "fake-aws.json")  # acme / 123456789012 / eu-west-1 / python
    fake.update(token=token)
    fake_gh = FakeGitHub(work / "fake-gh.json")
    bins = [fake.install(work / "aws-bin").parent, fake_gh.install(work / "gh-bin").parent]
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("UV_INDEX_", "UV_PUBLISH_", "GITHUB_", "CODEARTIFACT_", "GH_"))
        and key not in {"VIRTUAL_ENV", "CI"}
    }
    env.update(
        {
            "PATH": os.pathsep.join([*map(str, bins), os.environ["PATH"]]),
            STATE_ENV: str(fake.state_file),
            **fake_gh.env(),
            "NAME_GUARD_AWS": "cli",
            "UV_CREDENTIALS_DIR": str(work / "uv-credentials"),
            "XDG_STATE_HOME": str(work / "state"),
            "UV_KEYRING_PROVIDER": "disabled",
            "RELEASE_RETRY_WAIT": "0.1",
        }
    )
    tools_password = secrets.token_hex(12)
    with (
        SimpleIndex.running(projects={"requests": ["2.32.3"]}) as upstream,
        PypiServer.running(work / "tools-index", password=tools_password) as tools,
        PypiServer.running(work / "staging", password=token) as staging,
        PypiServer.running(work / "release", password=token) as release,
    ):
        shutil.copy2(tools_wheel, tools.packages / tools_wheel.name)
        fake.add_repository("python-staging", files=staging.packages)
        fake.add_repository("python", files=release.packages)
        env.update(
            {
                "UV_INDEX_TOOLS_USERNAME": "aws",
                "UV_INDEX_TOOLS_PASSWORD": tools_password,
                "NAME_GUARD_UPSTREAM_URL": upstream.url,
                "CODEARTIFACT_INDEX_URL": release.url,
                "CODEARTIFACT_STAGING_INDEX_URL": staging.url,
            }
        )
        dst = work / NAME
        data = ["--data", f"tools_index={tools.url}"]
        data += ["--data", "codeartifact_staging_repository=python-staging"]
        rendered = run(
            [COPIER, "copy", "--trust", "--defaults", *data, str(template_repo), str(dst)],
            env=env,
            timeout=300,
        )
        assert rendered.returncode == 0, said(rendered)
        yield Staged(dst, token, fake, fake_gh, staging, release, env)


def test_a_staged_release_is_built_staged_tried_promoted_read_back_then_tagged(
    staged: Staged,
) -> None:
    built = staged.make("release-dist")
    assert built.returncode == 0, said(built)
    dist = staged.dist("0.1.0")
    assert sorted(dist) == ["acme_widgets-0.1.0-py3-none-any.whl", "acme_widgets-0.1.0.tar.gz"]

    # The stage job: one login serves both repositories; the files go to staging only.
    for target in ("login", "stage"):
        done = staged.make(target)
        assert done.returncode == 0, said(done)
    assert "Staged acme-widgets 0.1.0 in python-staging" in said(done)
    assert staged.files(staged.staging, "0.1.0") == dist
    assert staged.files(staged.release, "0.1.0") == {}
    # An upload cut short (one file there): staging again uploads the other one only.
    (staged.staging.packages / "acme_widgets-0.1.0.tar.gz").unlink()
    resumed = staged.make("stage")
    assert resumed.returncode == 0, said(resumed)
    assert "(1 file(s) uploaded, 1 already there)" in said(resumed)
    assert staged.files(staged.staging, "0.1.0") == dist

    # ...then the smoke check: from staging, in a fresh environment, the command answers.
    tried = staged.make("smoke")
    assert tried.returncode == 0, said(tried)
    assert "Smoke check passed" in said(tried)
    assert "`acme-widgets --version` says acme-widgets 0.1.0" in said(tried)
    assert "imports acme_widgets" in said(tried)
    assert "twine" not in said(tried)  # the files are dist/'s, checked when they were built
    assert staged.files(staged.release, "0.1.0") == {}  # still nothing a consumer can install

    # The promote job: the same bytes, copied by CodeArtifact, then read back from there.
    promoted = staged.make("promote")
    assert promoted.returncode == 0, said(promoted)
    assert staged.fake_aws.operations().count("CopyPackageVersions") == 1
    copy = next(c for c in staged.fake_aws.calls if c["operation"] == "CopyPackageVersions")
    assert (copy["args"]["source-repository"], copy["args"]["destination-repository"]) == (
        "python-staging",
        "python",
    )
    assert staged.files(staged.release, "0.1.0") == dist
    assert "Confirmed:" in said(promoted)

    # Only then the tag and the GitHub release, with the same files.
    github = {"GITHUB_SHA": "a" * 40, "GH_TOKEN": "gh-test-token"}
    tagged = staged.make("github-release", **github)
    assert tagged.returncode == 0, said(tagged)
    assert staged.fake_gh.releases["v0.1.0"]["files"] == sorted(dist)

    # Every step again, as a re-run of the whole workflow does: each has nothing to do. The
    # build comes out the same (hatchling builds reproducibly), so staging takes it as staged.
    stamps = {p.name: p.stat().st_mtime_ns for p in staged.staging.packages.iterdir()}
    assert staged.make("release-dist").returncode == 0
    assert staged.dist("0.1.0") == dist
    for target, words in (
        ("stage", "Already staged"),
        ("smoke", "Smoke check passed"),
        ("promote", "Already promoted"),
    ):
        again = staged.make(target)
        assert again.returncode == 0, said(again)
        assert words in said(again), target
    assert {p.name: p.stat().st_mtime_ns for p in staged.staging.packages.iterdir()} == stamps
    assert staged.fake_aws.operations().count("CopyPackageVersions") == 1  # nothing copied twice
    again = staged.make("github-release", **github)
    assert again.returncode == 0, said(again)
    assert "exists already" in said(again)

    # The token was never shown.
    assert not [out for out in staged.outputs if staged.token in out]


def test_a_broken_command_is_stopped_at_the_smoke_check_with_nothing_released(
    staged: Staged,
) -> None:
    staged.new_version("0.1.1")
    pyproject = staged.path / "pyproject.toml"
    good = pyproject.read_text()
    assert 'acme-widgets = "acme_widgets.cli:main"' in good
    pyproject.write_text(good.replace("acme_widgets.cli:main", "acme_widgets.cli:missing"))
    for target in ("release-dist", "login", "stage"):  # twine and the name guard see nothing
        done = staged.make(target)
        assert done.returncode == 0, said(done)
    broken = staged.dist("0.1.1")

    failed = staged.make("smoke")
    assert failure_class(failed) == SMOKE, said(failed)
    assert "Smoke check failed: `acme-widgets --version` fails" in said(failed)
    assert "Nothing was promoted" in said(failed)
    assert "Traceback" in said(failed)  # the command's own error, shown to fix it
    assert staged.files(staged.release, "0.1.1") == {}
    assert failure_class(staged.make("smoke")) == SMOKE  # a re-run stops the same way

    # Fixed, but built again under the same version: staging refuses the other files.
    pyproject.write_text(good)
    assert staged.make("release-dist").returncode == 0
    refused = staged.make("stage")
    assert failure_class(refused) == STAGED_DIFFERS, said(refused)
    assert "aws codeartifact delete-package-versions" in said(refused)
    assert staged.files(staged.staging, "0.1.1") == broken
    assert failure_class(staged.make("promote")) == STAGED_DIFFERS  # never the broken files

    # The staged version deleted (what that command does to staging), the fixed build goes out.
    for name in broken:
        (staged.staging.packages / name).unlink()
    for target in ("stage", "smoke", "promote"):
        done = staged.make(target)
        assert done.returncode == 0, f"{target}: {said(done)}"
    assert staged.files(staged.release, "0.1.1") == staged.dist("0.1.1")
    assert staged.files(staged.release, "0.1.1") != broken


def test_promote_refuses_what_it_must_and_leaves_the_release_repository_as_it_was(
    staged: Staged,
) -> None:
    staged.new_version("0.1.2")
    assert staged.make("release-dist").returncode == 0
    assert staged.make("login").returncode == 0

    # Not staged yet: nothing to copy, and nothing copied.
    copies = staged.fake_aws.operations().count("CopyPackageVersions")
    unstaged = staged.make("promote")
    assert failure_class(unstaged) == NOT_STAGED, said(unstaged)
    assert "make stage" in said(unstaged)
    assert staged.make("stage").returncode == 0

    # CodeArtifact refuses the copy (one of the codes AWS lists): its reason, nothing released.
    staged.fake_aws.fail_copy("0.1.2", "NOT_ALLOWED", "Origin configuration blocks it.")
    refused = staged.make("promote")
    staged.fake_aws.update(copy_failures={})
    assert failure_class(refused) == COPY_REFUSED, said(refused)
    assert "Origin configuration blocks it." in said(refused)
    assert staged.files(staged.release, "0.1.2") == {}

    # Another build of the version got into the release repository: promote and stage refuse.
    planted = staged.release.packages / "acme_widgets-0.1.2.tar.gz"
    planted.write_bytes(b"another build")
    for target in ("promote", "stage"):
        differs = staged.make(target)
        assert failure_class(differs) == RELEASED_DIFFERS, said(differs)
        assert "bump the version" in said(differs)
    assert planted.read_bytes() == b"another build"
    planted.unlink()
    assert staged.fake_aws.operations().count("CopyPackageVersions") == copies + 1  # the refused

    promoted = staged.make("promote")
    assert promoted.returncode == 0, said(promoted)
    assert staged.files(staged.release, "0.1.2") == staged.dist("0.1.2")
