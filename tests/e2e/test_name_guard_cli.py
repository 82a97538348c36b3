"""The name guard through the real `copier` CLI, and the generated project's own guard commands."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.doubles.pypiserver import closed_index_url
from tests.e2e.copier_cli import TOOLS_COMMAND, lock_tools
from tests.e2e.copier_cli import copier as run_copier
from tests.machine import run

if TYPE_CHECKING:
    from tests.doubles.codeartifact import FakeCodeArtifact
    from tests.doubles.simple_index import SimpleIndex

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent


def copier(template: Path, dst: Path, *data: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """`copier copy --defaults` as a user runs it (tasks skipped: the guard runs before them)."""
    args = ["copy", "--trust", "--skip-tasks", "--defaults"]
    for item in data:
        args += ["--data", item]
    started = time.monotonic()
    done = run_copier(*args, str(template), str(dst), timeout=120)
    return done, time.monotonic() - started


def refused(done: subprocess.CompletedProcess[str], dst: Path) -> str:
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "Traceback" not in output
    assert not dst.exists()
    return output


def test_a_name_taken_upstream_under_another_spelling_is_refused_and_leaves_nothing(
    template_repo: Path, tmp_path: Path, upstream: SimpleIndex
) -> None:
    """The index compares normalised names: Flask_SQLAlchemy is flask-sqlalchemy there."""
    dst = tmp_path / "flask"
    output = refused(copier(template_repo, dst, "package_name=Flask_SQLAlchemy")[0], dst)
    assert output.startswith(
        "package_name: Flask_SQLAlchemy (normalised: flask-sqlalchemy) is taken on the public index"
    )
    assert f"{upstream.url}flask-sqlalchemy/" in output
    assert upstream.project_requests("flask-sqlalchemy") == ["/simple/flask-sqlalchemy/"]
    assert "409 Conflict" in output
    assert "acme-flask-sqlalchemy" in output  # a free alternative, checked


def test_lookups_that_cannot_be_made_warn_and_the_copy_goes_on(
    template_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unreachable public index and CodeArtifact switched off: each said, neither fatal."""
    monkeypatch.setenv("NAME_GUARD_UPSTREAM_URL", closed_index_url())
    monkeypatch.setenv("NAME_GUARD_AWS", "none")
    dst = tmp_path / "acme-widgets"
    done, _ = copier(template_repo, dst)
    assert done.returncode == 0, done.stderr
    assert 'name = "acme-widgets"' in (dst / "pyproject.toml").read_text()
    # One warning names both lookups, why each was not made, and how to check later.
    assert "warning: package_name: acme-widgets was not checked on the public index" in done.stderr
    assert "unreachable" in done.stderr
    assert "nor in CodeArtifact repository 'python'" in done.stderr
    assert "CodeArtifact lookups are off (NAME_GUARD_AWS=none)" in done.stderr
    assert "make check-name" in done.stderr


SILENCE = 30.0  # seconds the silent upstream takes to answer


def test_a_silent_upstream_costs_at_most_the_timeout(
    template_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.doubles.simple_index import SimpleIndex  # noqa: PLC0415

    baseline, fast = copier(template_repo, tmp_path / "fast")
    assert baseline.returncode == 0, baseline.stderr
    monkeypatch.setenv("NAME_GUARD_TIMEOUT", "1")
    with SimpleIndex.running(projects={}, latency=SILENCE) as slow:
        monkeypatch.setenv("NAME_GUARD_UPSTREAM_URL", slow.url)
        done, elapsed = copier(template_repo, tmp_path / "acme-widgets")
    assert done.returncode == 0, done.stderr
    assert "no answer within 1 s" in done.stderr
    # The 1 s timeout, plus slack for one render's own spread on a loaded two-core machine (the
    # suite runs three workers): far below the upstream's silence, which a missing bound waits out.
    assert elapsed < fast + 1.0 + 4.0 < SILENCE


def test_strict_refuses_an_upstream_it_cannot_reach(
    template_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NAME_GUARD_UPSTREAM_URL", closed_index_url())
    dst = tmp_path / "acme-widgets"
    output = refused(copier(template_repo, dst, "name_check_strict=true")[0], dst)
    assert "was not checked on the public index" in output
    assert "strict" in output


@pytest.mark.parametrize("off", ["NAME_GUARD_OFFLINE=1", "NAME_GUARD_AWS=none"])
def test_strict_refuses_a_name_whose_lookups_are_switched_off(
    template_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, off: str
) -> None:
    """One variable is no way around an organisation's strict check (the README's promise)."""
    key, value = off.split("=")
    monkeypatch.setenv(key, value)
    dst = tmp_path / "acme-widgets"
    output = refused(copier(template_repo, dst, "name_check_strict=true")[0], dst)
    assert "the name check is strict" in output
    assert "switch the lookups back on" in output
    if key == "NAME_GUARD_AWS":  # once is enough: with the lookups on, the free name passes
        monkeypatch.undo()  # the session's lookups: a local index and the fake aws
        done, _ = copier(template_repo, dst, "name_check_strict=true")
        assert done.returncode == 0, done.stderr


def test_a_name_taken_in_codeartifact_is_refused(
    template_repo: Path, tmp_path: Path, upstream: SimpleIndex, fake_aws: FakeCodeArtifact
) -> None:
    del upstream
    fake_aws.add_package("acme-widgets", ["1.0.0"], publish="ALLOW", upstream="BLOCK")
    dst = tmp_path / "acme-widgets"
    output = refused(copier(template_repo, dst, "package_name=Acme_Widgets")[0], dst)
    assert "already exists in CodeArtifact repository 'python'" in output
    assert "1 version, latest 1.0.0" in output
    asked = [c["args"]["package"] for c in fake_aws.calls if c["operation"] == "DescribePackage"]
    assert asked.count("acme-widgets") == 1
    # Then, the name being taken, its alternatives (each an aws process of its own).
    assert {"acme-widgets-lib", "acme-widgets-tools"} <= set(asked)


def test_a_free_name_passes_both_lookups_without_warnings(
    template_repo: Path, tmp_path: Path, upstream: SimpleIndex, fake_aws: FakeCodeArtifact
) -> None:
    dst = tmp_path / "acme-widgets"
    done, _ = copier(template_repo, dst)
    assert done.returncode == 0, done.stderr
    assert 'name = "acme-widgets"' in (dst / "pyproject.toml").read_text()
    assert "warning" not in done.stderr
    assert upstream.project_requests("acme-widgets") == ["/simple/acme-widgets/"]
    # The name and its package group, two aws processes: a free name's alternatives are only
    # asked of the public index, where a lookup is a request and not a process.
    assert sorted(fake_aws.operations()) == ["DescribePackage", "GetAssociatedPackageGroup"]


def add_acme_group(fake: FakeCodeArtifact) -> None:
    """The organisation stack's group for the prefix acme- (org/codeartifact.yml, NamePrefix)."""
    fake.add_package_group(
        "/pypi//acme-~",
        publish="ALLOW_SPECIFIC_REPOSITORIES",
        external_upstream="BLOCK",
        internal_upstream="BLOCK",
        repositories={"PUBLISH": ["python"]},
    )


def test_a_new_name_taken_upstream_is_refused_at_copy_time_even_inside_the_group(
    template_repo: Path, tmp_path: Path, upstream: SimpleIndex, fake_aws: FakeCodeArtifact
) -> None:
    """The group keeps the public package out of CodeArtifact, not out of a consumer's index."""
    add_acme_group(fake_aws)
    upstream.add("acme-twin", ["1.0"])
    dst = tmp_path / "acme-twin"
    output = refused(copier(template_repo, dst, "package_name=acme-twin")[0], dst)
    assert output.startswith("package_name: acme-twin is taken on the public index")
    assert "The package group /pypi//acme-~ (publish ALLOW_SPECIFIC_REPOSITORIES, " in output
    assert "so CodeArtifact would serve only yours" in output


def test_a_free_new_name_inside_the_group_is_noted_at_copy_time(
    template_repo: Path, tmp_path: Path, upstream: SimpleIndex, fake_aws: FakeCodeArtifact
) -> None:
    """The copy says the organisation's group protects the name: no `make protect-name` to run."""
    del upstream
    add_acme_group(fake_aws)
    dst = tmp_path / "acme-gadgets"
    done, _ = copier(template_repo, dst, "package_name=acme-gadgets")
    assert done.returncode == 0, done.stderr
    assert "note: package_name: acme-gadgets is covered by the package group /pypi//acme-~" in (
        done.stderr
    )


def test_copier_update_of_the_owning_project_is_never_refused(
    template_repo: Path, tmp_path: Path, upstream: SimpleIndex, fake_aws: FakeCodeArtifact
) -> None:
    del upstream
    dst = tmp_path / "acme-widgets"
    done, _ = copier(template_repo, dst)
    assert done.returncode == 0, done.stderr
    git = ["git", "-C", str(dst)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "generated"], check=True)
    fake_aws.add_package("acme-widgets", ["0.1.0"])  # the project published its first version
    calls_before = len(fake_aws.calls)
    update = run(
        [str(BIN / "copier"), "update", "--trust", "--skip-tasks", "--defaults"],
        cwd=dst,
        timeout=120,
    )
    assert update.returncode == 0, update.stderr
    assert "already exists" not in update.stderr
    assert len(fake_aws.calls) == calls_before  # its own name is not even looked up


# --- The generated project's guard: its tools' `check-name`, and `make check-name` ---------------


@pytest.fixture(scope="module")
def project(template_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy for the module: its guard commands read the project and never change it."""
    dst = tmp_path_factory.mktemp("guarded") / "acme-widgets"
    done, _ = copier(template_repo, dst)
    assert done.returncode == 0, done.stderr
    assert not (dst / "scripts").exists()  # the tools are a package, not the project's code
    lock_tools(dst)  # as the post-copy task would have
    return dst


PROJECT_ENV = {
    "CODEARTIFACT_DOMAIN": "acme",
    "CODEARTIFACT_DOMAIN_OWNER": "123456789012",
    "CODEARTIFACT_REGION": "eu-west-1",
    "CODEARTIFACT_REPOSITORY": "python",
    "CODEARTIFACT_PROFILE": "",
    "NAME_PREFIX": "",
    "NAME_CHECK_STRICT": "0",
}


def guard(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The guard the project's Makefile runs, with the Makefile's exported constants."""
    return subprocess.run(
        [*TOOLS_COMMAND, *args],
        cwd=project,
        env={**os.environ, **PROJECT_ENV, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_the_projects_guard_checks_the_release_version(
    project: Path, fake_aws: FakeCodeArtifact
) -> None:
    ok = guard(project, "check-name", "acme-widgets", "--version", "0.1.0")
    assert ok.returncode == 0, ok.stderr
    assert "no collision found" in ok.stderr
    fake_aws.add_package("acme-widgets", ["0.1.0"])
    again = guard(project, "check-name", "acme-widgets", "--version", "0.1.0")
    assert again.returncode == 4
    assert "Version 0.1.0 of acme-widgets already exists in CodeArtifact" in again.stderr
    assert "Traceback" not in again.stderr
    rerun = guard(
        project, "check-name", "acme-widgets", "--version", "0.1.0", "--allow-in-repository"
    )
    assert rerun.returncode == 0, rerun.stderr


def test_a_partial_check_never_says_no_collision(project: Path, upstream: SimpleIndex) -> None:
    done = guard(project, "check-name", "acme-widgets", "--version", "0.1.0", NAME_GUARD_AWS="none")
    assert done.returncode == 0, done.stderr
    assert "no collision found" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("name guard: incomplete: acme-widgets 0.1.0: checked the public index")
    assert upstream.url in last
    assert "NOT checked CodeArtifact repository 'python'" in last
    # Why, once: in the warning above it, not again on the last line.
    assert last.endswith("(the warning above says why)")
    assert done.stderr.count("NAME_GUARD_AWS=none") == 1


def test_the_projects_guard_refuses_a_version_on_the_public_index(
    project: Path, upstream: SimpleIndex, fake_aws: FakeCodeArtifact
) -> None:
    del fake_aws
    upstream.add("acme-widgets", ["0.1.0"])
    done = guard(project, "check-name", "acme-widgets", "--version", "0.1.0")
    assert done.returncode == 4
    assert "exists on the public index" in done.stderr


def test_the_projects_guard_strict_and_unverifiable(project: Path, tmp_path: Path) -> None:
    uv = shutil.which("uv")
    assert uv is not None
    (tmp_path / "uv-only").mkdir()
    (tmp_path / "uv-only" / "uv").symlink_to(uv)  # uv's folder may hold an aws CLI too
    done = guard(
        project,
        "check-name",
        "acme-widgets",
        NAME_CHECK_STRICT="1",
        NAME_GUARD_AWS="cli",
        PATH=os.pathsep.join(  # everything the tools need, but no aws CLI
            [str(tmp_path / "uv-only")]
            + [
                folder
                for folder in os.environ["PATH"].split(os.pathsep)
                if not (Path(folder) / "aws").exists()
            ]
        ),
    )
    assert done.returncode == 5, done.stderr
    assert "aws CLI is not on PATH" in done.stderr


def test_the_projects_guard_protects_the_name(project: Path, fake_aws: FakeCodeArtifact) -> None:
    done = guard(project, "protect-name", "acme-widgets")
    assert done.returncode == 0, done.stderr
    assert "publish=ALLOW, upstream=BLOCK" in done.stderr
    assert fake_aws.package("acme-widgets") == {
        "origin": {"publish": "ALLOW", "upstream": "BLOCK"},
        "versions": {},
    }
    fake_aws.fail("PutPackageOriginConfiguration", "AccessDeniedException", "not allowed")
    denied = guard(project, "protect-name", "acme-widgets")
    assert denied.returncode == 6
    assert "codeartifact:PutPackageOriginConfiguration" in denied.stderr


def test_inside_a_package_group_the_guard_says_so_and_protect_name_sets_nothing(
    project: Path, upstream: SimpleIndex, fake_aws: FakeCodeArtifact
) -> None:
    add_acme_group(fake_aws)
    checked = guard(project, "check-name", "acme-widgets", "--version", "0.1.0")
    assert checked.returncode == 0, checked.stderr
    assert (
        "name guard: note: acme-widgets is covered by the package group /pypi//acme-~ (publish "
        "ALLOW_SPECIFIC_REPOSITORIES, external upstream BLOCK, internal upstream BLOCK): it blocks "
        "the public upstream for every name it matches"
    ) in checked.stderr
    assert "acme-widgets 0.1.0: no collision found" in checked.stderr

    before = len(fake_aws.calls)
    protected = guard(project, "protect-name", "acme-widgets")
    assert protected.returncode == 0, protected.stderr
    assert "so there is nothing to do (no origin controls were set)." in protected.stderr
    asked = [call["operation"] for call in fake_aws.calls[before:]]
    assert asked == ["GetAssociatedPackageGroup", "DescribePackage"]
    assert fake_aws.package("acme-widgets") is None

    # Someone publishes acme-widgets on the public index: for this project, a warning.
    upstream.add("acme-widgets", ["9.9.9"])
    twin = guard(project, "check-name", "acme-widgets", "--version", "0.1.0")
    assert twin.returncode == 0, twin.stderr
    assert "blocks the public upstream for it in every repository of the domain" in twin.stderr

    # An identity whose policy predates the lookup: the verdict without the group, no crash.
    fake_aws.fail("GetAssociatedPackageGroup", "AccessDeniedException", "not authorized")
    denied = guard(project, "check-name", "acme-widgets", "--version", "0.1.0")
    assert denied.returncode == 4, denied.stderr
    assert "does not block the upstream for it" in denied.stderr
    assert "Traceback" not in denied.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_check_name_and_protect_name(project: Path, fake_aws: FakeCodeArtifact) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")}

    def make(target: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["make", target],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    check = make("check-name")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "acme-widgets 0.1.0: no collision found" in check.stderr
    protect = make("protect-name")
    assert protect.returncode == 0, protect.stdout + protect.stderr
    assert fake_aws.package("acme-widgets") is not None
    assert [c["operation"] for c in fake_aws.calls][-1] == "PutPackageOriginConfiguration"
    fake_aws.add_package("acme-widgets", ["0.1.0"])
    taken = make("check-name")
    assert taken.returncode != 0
    assert "Version 0.1.0 of acme-widgets already exists" in taken.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_protect_name_inside_a_package_group(
    project: Path, fake_aws: FakeCodeArtifact
) -> None:
    add_acme_group(fake_aws)
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")}
    for target in ("check-name", "protect-name"):
        done = subprocess.run(
            ["make", target],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "covered by the package group /pypi//acme-~" in done.stderr
    assert "PutPackageOriginConfiguration" not in fake_aws.operations()
