"""A staged release's pieces: settings, the comparison of an index's files with dist/, the wheel's
modules and commands, and CopyPackageVersions' answer, read as AWS documents it."""

from __future__ import annotations

import hashlib
import zipfile
from typing import TYPE_CHECKING, Any

import pytest
from codeartifact_python_tools import codeartifact, simple_api
from codeartifact_python_tools.guard.settings import CodeArtifact, Settings
from codeartifact_python_tools.release import settings, staging, tokens
from codeartifact_python_tools.release.errors import ExitCode, ReleaseError
from codeartifact_python_tools.release.index import Listing
from codeartifact_python_tools.release.publish import Release

if TYPE_CHECKING:
    from pathlib import Path

    from tests.doubles.codeartifact import FakeCodeArtifact

ENV = {
    "CODEARTIFACT_DOMAIN": "acme",
    "CODEARTIFACT_DOMAIN_OWNER": "123456789012",
    "CODEARTIFACT_REGION": "eu-west-1",
    "CODEARTIFACT_REPOSITORY": "python",
}
HOST = "https://acme-123456789012.d.codeartifact.eu-west-1.amazonaws.com"


# --- Settings ------------------------------------------------------------------------------------


def test_staging_is_another_repository_of_the_same_domain_with_its_own_index_name() -> None:
    staged = settings.load_staging({**ENV, "CODEARTIFACT_STAGING_REPOSITORY": "python-staging"})
    assert staged.repository == "python-staging"
    assert staged.index_url == f"{HOST}/pypi/python-staging/simple/"
    assert staged.publish_url == f"{HOST}/pypi/python-staging/"
    assert staged.service == settings.load(ENV).service  # one origin: one token serves both
    assert staged.staging
    assert not settings.load(ENV).staging
    assert staged.index_name == "codeartifact-staging"
    assert staged.password_variable == "UV_INDEX_CODEARTIFACT_STAGING_PASSWORD"  # noqa: S105 - a name
    assert settings.load(ENV).password_variable == settings.PASSWORD_VARIABLE


def test_a_local_staging_index_is_named_like_the_release_one() -> None:
    local = "http://127.0.0.1:8081/simple"
    staged = settings.load_staging(
        {
            **ENV,
            "CODEARTIFACT_STAGING_REPOSITORY": "python-staging",
            "CODEARTIFACT_STAGING_INDEX_URL": local,
        }
    )
    assert (staged.index_url, staged.publish_url) == (f"{local}/", "http://127.0.0.1:8081/")
    assert staged.overridden


@pytest.mark.parametrize(
    ("staging_repository", "words"),
    [("", "this project publishes straight to python"), ("python", "must be another repository")],
)
def test_a_project_that_does_not_stage_is_told_how_to(staging_repository: str, words: str) -> None:
    with pytest.raises(ReleaseError) as raised:
        settings.load_staging({**ENV, "CODEARTIFACT_STAGING_REPOSITORY": staging_repository})
    assert raised.value.code == ExitCode.CONFIG
    assert words in raised.value.message


# --- What an index lists, against dist/ -------------------------------------------------------


def test_hashes_come_from_pep_503_fragments_and_pep_691_json() -> None:
    html = (
        '<a href="/p/a-1.0.tar.gz#sha256=ABC">a-1.0.tar.gz</a><a href="/p/a-1.0.whl">a-1.0.whl</a>'
    )
    assert simple_api.listed_files(html, "text/html")[1] == {"a-1.0.tar.gz": "abc"}
    page = '{"files": [{"filename": "a-1.0.tar.gz", "hashes": {"sha256": "def"}}, {"x": 1}]}'
    assert simple_api.listed_files(page, "application/vnd.pypi.simple.v1+json")[1] == {
        "a-1.0.tar.gz": "def"
    }


@pytest.fixture
def release(tmp_path: Path) -> Release:
    files = []
    for name in ("acme_widgets-0.1.0-py3-none-any.whl", "acme_widgets-0.1.0.tar.gz"):
        path = tmp_path / name
        path.write_bytes(name.encode())
        files.append(path)
    return Release("acme-widgets", "0.1.0", tuple(files))


def listed(release: Release, **changes: str | None) -> Listing:
    """The index's listing of the release's files; changes: a name's other hash, None to drop."""
    hashes = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in release.files}
    hashes["acme_widgets-0.0.9.tar.gz"] = "0" * 64  # another version never counts
    for name, digest in changes.items():
        if digest is None:
            hashes.pop(name)
        else:
            hashes[name] = digest
    return Listing(200, frozenset(hashes), hashes)


def test_the_same_files_are_identical_and_nothing_is_absent(release: Release) -> None:
    match = staging.compare(release, listed(release))
    assert match.identical
    assert not match.absent
    none = staging.compare(release, Listing(404, frozenset()))
    assert none.absent
    assert not none.identical


def test_another_build_of_the_version_differs_file_by_file(release: Release) -> None:
    match = staging.compare(release, listed(release, **{"acme_widgets-0.1.0.tar.gz": "f" * 64}))
    assert match.differing == ("acme_widgets-0.1.0.tar.gz",)
    assert not match.identical
    assert not match.absent
    assert "other content: acme_widgets-0.1.0.tar.gz" in match.describe()


def test_a_file_built_elsewhere_or_missing_is_no_match(release: Release) -> None:
    extra = staging.compare(release, listed(release, **{"acme_widgets-0.1.0-cp312.whl": "1"}))
    assert extra.extra == ("acme_widgets-0.1.0-cp312.whl",)
    assert not extra.identical
    half = staging.compare(release, listed(release, **{"acme_widgets-0.1.0.tar.gz": None}))
    assert half.missing == ("acme_widgets-0.1.0.tar.gz",)
    assert not half.absent
    assert not half.identical


def test_a_file_listed_without_a_hash_cannot_be_called_the_same(release: Release) -> None:
    names = frozenset(p.name for p in release.files)
    assert staging.compare(release, Listing(200, names, {})).differing == tuple(sorted(names))


def test_the_wheel_names_its_modules_and_commands(tmp_path: Path) -> None:
    wheel = tmp_path / "acme_widgets-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name in (
            "acme_widgets/__init__.py",
            "acme_widgets/cli.py",
            "acme_extra.py",
            "acme_widgets-0.1.0.dist-info/METADATA",
            "acme_widgets-0.1.0.data/scripts/tool",
            "acme_widgets.pth",
        ):
            archive.writestr(name, "")
        archive.writestr(
            "acme_widgets-0.1.0.dist-info/entry_points.txt",
            "[console_scripts]\nacme-widgets = acme_widgets.cli:main\n\n"
            "[gui_scripts]\nacme-gui = acme_widgets.gui:main\n",
        )
    assert staging.wheel_contents(wheel) == (["acme_extra", "acme_widgets"], ["acme-widgets"])


# --- CopyPackageVersions ------------------------------------------------------------------------

RELEASE = settings.load(ENV)


@pytest.mark.parametrize(
    ("answer", "outcome"),
    [
        ({"successfulVersions": {"0.1.0": {"revision": "r", "status": "Published"}}}, "copied"),
        (
            {
                "successfulVersions": {},
                "failedVersions": {"0.1.0": {"errorCode": "ALREADY_EXISTS"}},
            },
            "exists",
        ),
    ],
)
def test_a_copy_is_done_or_was_done_before(answer: dict[str, Any], outcome: str) -> None:
    assert tokens.copy_outcome(answer, RELEASE, "python-staging", "acme-widgets", "0.1.0") == (
        outcome
    )


@pytest.mark.parametrize(
    ("code", "exit_code", "words"),
    [
        ("NOT_FOUND", ExitCode.NOT_STAGED, "`make stage`"),
        ("NOT_ALLOWED", ExitCode.COPY_REFUSED, "does not allow this version"),
        ("MISMATCHED_STATUS", ExitCode.COPY_REFUSED, "is it Published?"),
        ("MISMATCHED_REVISION", ExitCode.COPY_REFUSED, "changed while it was being copied"),
        ("SKIPPED", ExitCode.COPY_REFUSED, "another failure in the same request"),
    ],
)
def test_each_refusal_has_its_exit_code_and_leaves_the_release_repository_alone(
    code: str, exit_code: int, words: str
) -> None:
    answer = {"failedVersions": {"0.1.0": {"errorCode": code, "errorMessage": "AWS's words"}}}
    with pytest.raises(ReleaseError) as raised:
        tokens.copy_outcome(answer, RELEASE, "python-staging", "acme-widgets", "0.1.0")
    assert raised.value.code == exit_code
    assert words in raised.value.message
    assert "AWS's words" in raised.value.message


def test_an_answer_about_another_version_is_no_answer() -> None:
    answer: dict[str, Any] = {"successfulVersions": {"0.2.0": {}}, "failedVersions": {}}
    with pytest.raises(ReleaseError) as raised:
        tokens.copy_outcome(answer, RELEASE, "python-staging", "acme-widgets", "0.1.0")
    assert raised.value.code == ExitCode.BAD_ANSWER


def test_the_copy_request_is_one_the_aws_cli_takes_and_copies_the_files(
    fake_aws: FakeCodeArtifact, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the fake `aws` (botocore's model): the copy's options, then the files moved."""
    folders = {name: tmp_path / name for name in ("python-staging", "python")}
    for name, folder in folders.items():
        folder.mkdir()
        fake_aws.add_repository(name, files=folder)
    (folders["python-staging"] / "acme_widgets-0.1.0.tar.gz").write_bytes(b"sdist")
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    assert tokens.copy_version(RELEASE, "python-staging", "Acme_Widgets", "0.1.0") == "copied"
    assert (folders["python"] / "acme_widgets-0.1.0.tar.gz").read_bytes() == b"sdist"
    args = fake_aws.calls[-1]["args"]
    assert (args["package"], args["versions"]) == ("acme-widgets", "0.1.0")  # PEP 503 name
    assert "allow-overwrite" not in args  # a released version is never overwritten
    assert "include-from-upstream" not in args
    assert tokens.copy_version(RELEASE, "python-staging", "acme-widgets", "0.1.0") == "exists"


def test_a_copy_the_role_may_not_make_names_both_permissions(
    fake_aws: FakeCodeArtifact, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_aws.fail("CopyPackageVersions", "AccessDeniedException", "not authorized")
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ReleaseError) as raised:
        tokens.copy_version(RELEASE, "python-staging", "acme-widgets", "0.1.0")
    assert raised.value.code == ExitCode.ACCESS_DENIED
    assert "codeartifact:CopyPackageVersions" in raised.value.message
    assert "codeartifact:ReadFromRepository on the staging repository" in raised.value.message


def test_the_cli_gets_lists_and_flags_as_the_aws_cli_writes_them() -> None:
    ca = CodeArtifact("acme", "123456789012", "eu-west-1", "python")
    plane = codeartifact.CliPlane("aws", Settings(codeartifact=ca, aws="cli"))
    argv = plane.command(
        "copy_package_versions",
        {"versions": ["0.1.0", "0.2.0"], "allowOverwrite": False, "includeFromUpstream": True},
    )
    assert argv[3:8] == [
        "--versions",
        "0.1.0",
        "0.2.0",
        "--no-allow-overwrite",
        "--include-from-upstream",
    ]
