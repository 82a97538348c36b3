"""The release workflow's steps for the tools package (tools/tools_release.py), run for real.

The tag check against built files, the upload to the organisation's CodeArtifact through a fake
`aws` and a real local index (pypiserver) with uv, and the GitHub release through a fake `gh`.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from typing import TYPE_CHECKING

import pytest

from tests.conftest import ROOT
from tests.doubles.codeartifact import DEFAULT_TOKEN
from tests.doubles.pypiserver import PypiServer
from tests.machine import run
from tools import tools_release
from tools.tools_release import Repository, ToolsPackage, ToolsReleaseError, check, main

if TYPE_CHECKING:
    from pathlib import Path

    from tests.doubles.codeartifact import FakeCodeArtifact

VERSION = ToolsPackage.load(ROOT).versions[
    "codeartifact-python-tools/src/codeartifact_python_tools/__init__.py"
]
TAG = f"v{VERSION}"


def tools_checkout(root: Path, name: str = "codeartifact-python-tools") -> Path:
    """A copy of this repository's tools package (and stack file), renamed if asked; the root."""
    source = ROOT / "codeartifact-python-tools"
    folder = root / "codeartifact-python-tools"
    shutil.copytree(source / "src", folder / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for file in ("README.md", "LICENSE"):
        shutil.copy2(source / file, folder / file)
    pyproject = (source / "pyproject.toml").read_text(encoding="utf-8")
    (folder / "pyproject.toml").write_text(
        pyproject.replace('name = "codeartifact-python-tools"', f'name = "{name}"', 1), "utf-8"
    )
    (root / "org").mkdir()
    shutil.copy2(ROOT / "org" / "stack.json", root / "org" / "stack.json")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkout of a fork whose tools are renamed acme-python-tools, built once into dist/."""
    root = tools_checkout(tmp_path_factory.mktemp("fork"), "acme-python-tools")
    done = run(
        ["uv", "build", "--quiet", "codeartifact-python-tools", "--out-dir", "dist"],
        cwd=root,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture
def fork(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the built fork, as the cwd."""
    root = tmp_path / "fork"
    shutil.copytree(built, root)
    monkeypatch.chdir(root)
    return root


def test_this_repository_carries_its_version_in_one_place() -> None:
    package = ToolsPackage.load(ROOT)
    assert package.name == "codeartifact-python-tools"
    assert list(package.versions) == [
        "codeartifact-python-tools/src/codeartifact_python_tools/__init__.py"
    ]


def test_the_built_files_of_the_tagged_version_pass(
    fork: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", TAG, "dist"]) == 0
    stem = f"acme_python_tools-{VERSION}"
    assert capsys.readouterr().out == f"{TAG}: {stem}-py3-none-any.whl, {stem}.tar.gz\n"
    assert (fork / "dist" / ".gitignore").is_file()  # uv's, and no release file


@pytest.mark.parametrize(
    ("tag", "change", "message"),
    [
        ("v9.9.9", "", "the tag v9.9.9 is not the tools' version: "),
        (VERSION, "", f"{VERSION!r} is not a release tag"),
        (TAG, "extra", "and nothing else; it holds"),
        (TAG, "no wheel", "and a wheel of acme-python-tools"),
        (TAG, "empty", "it holds nothing"),
    ],
)
def test_other_files_or_another_tag_are_refused(
    fork: Path, capsys: pytest.CaptureFixture[str], tag: str, change: str, message: str
) -> None:
    dist = fork / "dist"
    if change == "extra":
        (dist / "notes.txt").write_text("x\n", encoding="utf-8")
    for wheel in dist.glob("*.whl") if change in {"no wheel", "empty"} else []:
        wheel.unlink()
    for sdist in dist.glob("*.tar.gz") if change == "empty" else []:
        sdist.unlink()
    assert main(["check", tag, "dist"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("tools-release: ")
    assert message in err


def test_the_region_is_the_stacks_and_a_step_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "github-output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    assert main(["--stack", str(ROOT / "org" / "stack.json"), "region"]) == 0
    assert capsys.readouterr().out == "eu-west-1\n"
    assert output.read_text(encoding="utf-8") == "region=eu-west-1\n"


def test_a_stack_file_without_the_repository_is_refused(tmp_path: Path) -> None:
    stack = tmp_path / "stack.json"
    stack.write_text(json.dumps({"Region": "eu-west-1", "Parameters": {}}), encoding="utf-8")
    with pytest.raises(ToolsReleaseError, match=r"lacks AccountId, Parameters\.DomainName"):
        Repository.load(stack)


@pytest.mark.usefixtures("fork")
def test_a_fork_publishes_its_renamed_tools_to_codeartifact(
    tmp_path: Path, fake_aws: FakeCodeArtifact, capsys: pytest.CaptureFixture[str]
) -> None:
    """Token and endpoint from `aws codeartifact`, the upload by uv; a re-run uploads nothing."""
    with PypiServer.running(tmp_path / "index", DEFAULT_TOKEN) as index:
        fake_aws.update(endpoint=index.upload_url)
        assert main(["codeartifact", TAG, "dist"]) == 0
        stem = f"acme_python_tools-{VERSION}"
        assert index.files() == [f"{stem}-py3-none-any.whl", f"{stem}.tar.gz"]
        assert main(["codeartifact", TAG, "dist"]) == 0  # a re-run of the job
        assert len(index.files()) == 2
    out = capsys.readouterr().out
    assert f"Published acme-python-tools {VERSION} to {index.upload_url}" in out
    assert DEFAULT_TOKEN not in out
    calls = fake_aws.calls
    assert [call["operation"] for call in calls[:2]] == [
        "GetRepositoryEndpoint",
        "GetAuthorizationToken",
    ]
    where = {"domain": "acme", "domain-owner": "123456789012", "region": "eu-west-1"}
    assert calls[0]["args"].items() >= {**where, "repository": "python", "format": "pypi"}.items()
    assert calls[1]["args"].items() >= where.items()


def test_the_public_name_is_never_published_to_codeartifact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tools_checkout(tmp_path)  # the upstream name, unchanged
    monkeypatch.chdir(root)
    dist = root / "dist"
    dist.mkdir()
    stem = f"codeartifact_python_tools-{VERSION}"
    for name in (f"{stem}.tar.gz", f"{stem}-py3-none-any.whl"):
        (dist / name).write_bytes(b"")
    assert main(["codeartifact", TAG, "dist"]) == 1
    assert "codeartifact-python-tools is the public package's name" in capsys.readouterr().err


CHANGELOG = f"""# Changelog

## [Unreleased]

## [{VERSION}] - 2027-01-04

### Added

- The tools ship with the template.

## [0.1.0] - 2026-11-21

- The template.
"""

FAKE_GH = """#!/bin/sh
# A `gh` for one test: records each call; `release view` finds the release once created.
echo "$*" >> "$GH_LOG"
case "$1 $2" in
  "release view") test -f "$GH_LOG.created" ;;
  "release create") cat > "$GH_LOG.notes"; touch "$GH_LOG.created" ;;
esac
"""


def test_the_github_release_has_the_files_and_the_changelog_section(
    fork: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (fork / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH, encoding="utf-8")
    gh.chmod(gh.stat().st_mode | stat.S_IXUSR)
    log = tmp_path / "gh.log"
    monkeypatch.setenv("GH_LOG", str(log))
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")

    assert main(["github-release", TAG, "dist"]) == 0
    assert main(["github-release", TAG, "dist"]) == 0  # a re-run attaches the files again

    stem = f"dist/acme_python_tools-{VERSION}"
    files = f"{stem}-py3-none-any.whl {stem}.tar.gz"
    assert log.read_text(encoding="utf-8").splitlines() == [
        f"release view {TAG} --json tagName",
        f"release create {TAG} --verify-tag --title {TAG} --notes-file - {files}",
        f"release view {TAG} --json tagName",
        f"release upload {TAG} --clobber {files}",
    ]
    notes = (tmp_path / "gh.log.notes").read_text(encoding="utf-8")
    assert notes == "### Added\n\n- The tools ship with the template.\n"


@pytest.mark.parametrize(
    ("version", "pre"), [("1.0.0", False), ("1.0.0rc1", True), ("2.0.0b2", True)]
)
def test_a_pre_release_is_marked_so(
    monkeypatch: pytest.MonkeyPatch, version: str, *, pre: bool
) -> None:
    calls: list[list[str]] = []

    def fake_run(args: list[str], **_: object) -> str:
        calls.append(list(args))
        if args[:3] == ["gh", "release", "view"]:
            msg = "release not found"
            raise ToolsReleaseError(msg)
        return ""

    monkeypatch.setattr(tools_release, "_run", fake_run)
    changelog = f"## [{version}] - 2027-01-04\n\n- Changed.\n"
    assert tools_release.github_release(f"v{version}", [], changelog) == "created"
    assert ("--prerelease" in calls[-1]) is pre


def test_a_version_without_a_changelog_section_gets_no_release() -> None:
    with pytest.raises(ToolsReleaseError, match=r"CHANGELOG\.md has no section for 1\.0\.0"):
        tools_release.notes("## [0.9.0] - 2027-01-04\n\n- Old.\n", "1.0.0")


def test_check_is_what_release_template_relies_on() -> None:
    """The same reading of the tools' version guards the tag and the built files."""
    package = ToolsPackage.load(ROOT)
    assert package.mismatches(VERSION) == ""
    with pytest.raises(ToolsReleaseError, match="it holds nothing"):
        check(TAG, ROOT / "no-such-dist", package)
