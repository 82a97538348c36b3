"""Publishing through the generated project's own make targets, to a real index with auth.

CodeArtifact's PyPI endpoint is a local pypiserver (user `aws`, the token as password); its
control plane (the token, the name guard's lookups) is the fake `aws` of tests/doubles; the public
upstream is a local simple index. The index URL comes from CODEARTIFACT_INDEX_URL and the token
from UV_INDEX_CODEARTIFACT_PASSWORD or from `make login`, as a user or CI would give them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import tomllib
from codeartifact_python_tools import __version__ as tools_version

from tests.doubles.codeartifact import STATE_ENV, FakeCodeArtifact
from tests.doubles.faulty_index import FaultyIndex
from tests.doubles.pypiserver import PypiServer, RefusingIndex, closed_index_url
from tests.doubles.simple_index import SimpleIndex
from tests.e2e.copier_cli import COPIER, TOOLS_COMMAND
from tests.machine import failure_class, run, said

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Iterator

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent
NAME = "acme-widgets"
# The tools' release exit codes (release/errors.py in the tools): one per class of failure.
CREDENTIALS, ACCESS_DENIED, VERSION_EXISTS, TAKEN_UPSTREAM, UNREACHABLE = 10, 11, 12, 13, 14
CHANGELOG = 16
RETRY_WAIT = 0.1  # RELEASE_RETRY_WAIT: seconds before the first retry of an unreachable index


@dataclass
class Project:
    """A rendered project, the doubles it talks to, and every output it produced."""

    path: Path
    token: str
    fake_aws: FakeCodeArtifact
    upstream: SimpleIndex
    env: dict[str, str]
    work: Path
    outputs: list[str] = field(default_factory=list)

    def make(
        self, *targets: str, timeout: float = 300, **env: str | None
    ) -> subprocess.CompletedProcess[str]:
        """Run make targets in the project; `env` adds variables (None removes one)."""
        full = {**self.env}
        for key, value in env.items():
            if value is None:
                full.pop(key, None)
            else:
                full[key] = value
        result = run(["make", *targets], cwd=self.path, env=full, timeout=timeout)
        self.outputs.append(result.stdout + result.stderr)
        return result

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a command with the project's environment, output recorded."""
        result = run(args, cwd=self.path, env=self.env, timeout=300)
        self.outputs.append(result.stdout + result.stderr)
        return result

    @property
    def version(self) -> str:
        pyproject = (self.path / "pyproject.toml").read_text(encoding="utf-8")
        found = re.search(r'^version = "([^"]+)"', pyproject, re.MULTILINE)
        assert found is not None
        return found.group(1)


@pytest.fixture(scope="module")
def project(
    template_repo: Path, tools_wheel: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Project]:
    """One `defaults` project rendered by the real copier CLI, shared by the module's tests.

    Its tools come from an index, as a team's do (`tools_index`): a local index with
    authentication that holds the wheel built from this checkout, never the public index.
    """
    work = tmp_path_factory.mktemp("publish")
    dst = work / NAME
    token = f"ca-{secrets.token_hex(24)}"  # what CodeArtifact hands out and pypiserver accepts
    fake = FakeCodeArtifact(work / "fake-aws.json")  # acme / 123456789012 / eu-west-1 / python
    fake.update(token=token)
    fake_bin = fake.install(work / "fake-aws-bin").parent
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("UV_INDEX_", "UV_PUBLISH_", "GITHUB_", "CODEARTIFACT_"))
        and key not in {"VIRTUAL_ENV", "CI"}  # tests say when they run "in CI"
    }
    env.update(
        {
            "PATH": f"{fake_bin}{os.pathsep}{os.environ['PATH']}",
            STATE_ENV: str(fake.state_file),
            "NAME_GUARD_AWS": "cli",
            "UV_CREDENTIALS_DIR": str(work / "uv-credentials"),  # uv's store, outside the project
            "XDG_STATE_HOME": str(work / "state"),  # where `make login` records the expiry
            "UV_KEYRING_PROVIDER": "disabled",
            # Retries wait 0.1, 0.2, 0.4 s instead of 1, 2, 4 s: here their count, messages and
            # bound matter; the default waits are a unit test (the tools' test_release.py).
            "RELEASE_RETRY_WAIT": str(RETRY_WAIT),
        }
    )
    tools_password = secrets.token_hex(12)
    with (
        SimpleIndex.running(projects={"requests": ["2.32.3"]}) as upstream,
        PypiServer.running(work / "tools-index", password=tools_password) as tools,
    ):
        shutil.copy2(tools_wheel, tools.packages / tools_wheel.name)
        # uv's credentials for the index tools.py names (`tools`), as a team's CI would set them.
        env.update({"UV_INDEX_TOOLS_USERNAME": "aws", "UV_INDEX_TOOLS_PASSWORD": tools_password})
        env["NAME_GUARD_UPSTREAM_URL"] = upstream.url
        paths = (str(template_repo), str(dst))
        rendered = run(
            [COPIER, "copy", "--trust", "--defaults", "--data", f"tools_index={tools.url}", *paths],
            env=env,
            timeout=300,
        )
        assert rendered.returncode == 0, rendered.stdout + rendered.stderr
        yield Project(dst, token, fake, upstream, env, work)


def test_the_tools_come_from_their_index_pinned_by_hash(
    project: Project, tools_wheel: Path
) -> None:
    """The release job installs exactly the wheel tools.py.lock names, its hash checked."""
    header = (project.path / "tools.py").read_text(encoding="utf-8")
    assert f'# dependencies = ["codeartifact-python-tools=={tools_version}"]' in header
    lock = (project.path / "tools.py.lock").read_text(encoding="utf-8")
    digest = hashlib.sha256(tools_wheel.read_bytes()).hexdigest()
    assert f'hash = "sha256:{digest}"' in lock
    assert lock.count("[[package]]") == 1  # the tools need nothing but the standard library
    # A lock whose hash is not the index's file's: uv refuses to install, nothing runs.
    tampered = lock.replace(digest, "0" * 64)
    (project.path / "tools.py.lock").write_text(tampered, encoding="utf-8")
    try:
        refused = project.make("doctor", UV_CACHE_DIR=str(project.work / "empty-uv-cache"))
    finally:
        (project.path / "tools.py.lock").write_text(lock, encoding="utf-8")
    assert refused.returncode != 0
    assert "Hash mismatch" in said(refused)


@pytest.fixture
def index(project: Project, tmp_path: Path) -> Iterator[PypiServer]:
    """A fresh authenticated index the project publishes to, through CODEARTIFACT_INDEX_URL."""
    with PypiServer.running(tmp_path / "index", password=project.token) as server:
        project.env["CODEARTIFACT_INDEX_URL"] = server.url
        yield server
    project.env.pop("CODEARTIFACT_INDEX_URL", None)


def install_and_run(project: Project, server: PypiServer, version: str) -> str:
    """Install `NAME==version` into a fresh venv from the index; return what its CLI says."""
    venv = project.work / f"venv-{version}-{time.monotonic_ns()}"
    created = project.run("uv", "venv", "--quiet", str(venv))
    assert created.returncode == 0, said(created)
    python = str(venv / "bin" / "python")
    # No password here: uv finds the one `make login` stored for the index's host.
    installed = project.run(
        *("uv", "pip", "install", "--python", python, "--no-cache"),
        *("--default-index", server.url, f"{NAME}=={version}"),
    )
    assert installed.returncode == 0, said(installed)
    answered = project.run(str(venv / "bin" / NAME), "--version")
    assert answered.returncode == 0, said(answered)
    return answered.stdout.strip()


@pytest.mark.usefixtures("dist")
def test_login_publish_retry_bump_and_failures_round_trip(  # noqa: PLR0915 - one journey, step by step
    project: Project, index: PypiServer
) -> None:
    token = project.token

    # make login: the fake `aws` hands out the token; uv's store keeps it, outside the project.
    login = project.make("login")
    assert login.returncode == 0, said(login)
    assert "expires" in said(login)
    assert "GetAuthorizationToken" in project.fake_aws.operations()
    stored = project.env["UV_CREDENTIALS_DIR"]
    assert any(token in p.read_text() for p in Path(stored).rglob("*") if p.is_file())
    # Beside it, for `make doctor`: the expiry the fake handed out, and never the token.
    record = project.work / "state" / "codeartifact-python-template" / "tokens.json"
    recorded = json.loads(record.read_text(encoding="utf-8"))
    assert list(recorded) == [index.upload_url]
    expires = datetime.fromisoformat(recorded[index.upload_url]["expires"])
    assert expires > datetime.now(timezone.utc)
    assert token not in record.read_text(encoding="utf-8")
    assert token not in said(login)

    # Publish 0.1.0, the token from the environment: both files land, and the package installs.
    started = time.monotonic()
    first = project.make("publish", UV_INDEX_CODEARTIFACT_PASSWORD=token)
    round_trip = time.monotonic() - started
    assert first.returncode == 0, said(first)
    assert index.files() == ["acme_widgets-0.1.0-py3-none-any.whl", "acme_widgets-0.1.0.tar.gz"]
    assert "Confirmed" in said(first)
    assert install_and_run(project, index, "0.1.0") == f"{NAME} 0.1.0"

    # Publishing the same files again is a no-op: uv's check URL sees them, nothing is uploaded.
    # (From here on, steps about the upload alone reuse dist/, as the release job does.)
    stamps = {p.name: p.stat().st_mtime_ns for p in index.packages.iterdir()}
    again = project.make("publish-dist", UV_INDEX_CODEARTIFACT_PASSWORD=token)
    assert again.returncode == 0, said(again)
    assert "Already published" in said(again)
    assert {p.name: p.stat().st_mtime_ns for p in index.packages.iterdir()} == stamps

    # The same version with other content is refused, with the advice to bump.
    module = project.path / "src" / "acme_widgets" / "__init__.py"
    module.write_text(module.read_text() + '\nEDITION = "changed"\n')
    changed = project.make("publish", UV_INDEX_CODEARTIFACT_PASSWORD=token)
    assert failure_class(changed) == VERSION_EXISTS, said(changed)
    assert "make bump-patch" in said(changed)
    assert "Traceback" not in said(changed)

    # Bump: uv version and a dated CHANGELOG section; publish with the token `make login` stored.
    changelog = project.path / "CHANGELOG.md"
    changelog.write_text(
        changelog.read_text().replace(
            "## [Unreleased]\n", "## [Unreleased]\n\n### Changed\n\n- The edition is named.\n", 1
        )
    )
    bumped = project.make("bump-patch")
    assert bumped.returncode == 0, said(bumped)
    assert project.version == "0.1.1"
    notes = changelog.read_text()
    assert re.search(r"## \[Unreleased\]\n\n## \[0\.1\.1\] - \d{4}-\d{2}-\d{2}\n", notes), notes
    assert "- The edition is named." in notes.split("## [0.1.0]")[0]
    second = project.make("publish")
    assert second.returncode == 0, said(second)
    assert "acme_widgets-0.1.1.tar.gz" in index.files()
    assert install_and_run(project, index, "0.1.1") == f"{NAME} 0.1.1"
    # ... and the stored token also authenticates the check URL: a re-run uploads nothing.
    again = project.make("publish-dist")
    assert again.returncode == 0, said(again)
    assert "Already published" in said(again)

    # A wrong token: a clear message that names the fix, no traceback.
    wrong = project.make("publish-dist", UV_INDEX_CODEARTIFACT_PASSWORD="not-the-token")  # noqa: S106
    assert failure_class(wrong) in {CREDENTIALS, ACCESS_DENIED}, said(wrong)
    assert "make login" in said(wrong)
    assert "Traceback" not in said(wrong)

    # The index is down: bounded retries with backoff, then a clear message.
    with index.stopped():
        started = time.monotonic()
        down = project.make("publish-dist")
        elapsed = time.monotonic() - started
    assert failure_class(down) == UNREACHABLE, said(down)
    assert f"retrying in {RETRY_WAIT:g} s" in said(down)
    assert "did not answer" in said(down)
    assert elapsed < 30

    # The token was never shown, and no file of the project holds it.
    assert not [out for out in project.outputs if token in out]
    leaks = [
        p
        for p in project.path.rglob("*")
        if p.is_file() and ".venv" not in p.parts and token.encode() in p.read_bytes()
    ]
    assert not leaks
    sys.stderr.write(f"publish round trip (build, checks, upload, read-back): {round_trip:.1f} s\n")


def test_dry_run_checks_everything_and_uploads_nothing(project: Project, index: PypiServer) -> None:
    result = project.make("publish-dry-run", UV_INDEX_CODEARTIFACT_PASSWORD=project.token)
    assert result.returncode == 0, said(result)
    assert "would be uploaded" in said(result)
    assert index.files() == []


def test_the_release_workflow_steps_build_once_then_publish_those_files(
    project: Project, index: PypiServer, tmp_path: Path
) -> None:
    outputs = tmp_path / "github-output"
    shutil.rmtree(project.path / ".venv", ignore_errors=True)  # the build job's fresh checkout
    built = project.make("release-dist", GITHUB_OUTPUT=str(outputs))
    assert built.returncode == 0, said(built)
    assert outputs.read_text().splitlines() == [
        f"version={project.version}",
        "prerelease=false",
        "region=eu-west-1",  # the Makefile's CODEARTIFACT_REGION, for configure-aws-credentials
    ]
    stem = f"acme_widgets-{project.version}"
    assert f"twine check --strict: {stem}-py3-none-any.whl, {stem}.tar.gz pass." in said(built)
    # The backend that built them, and its own dependencies: the `build` group, as uv.lock pins it
    # (an isolated build would have resolved them that day).
    locked = tomllib.loads((project.path / "uv.lock").read_text(encoding="utf-8"))
    pinned = {package["name"]: package["version"] for package in locked["package"]}
    backend = ("hatchling", "pathspec", "pluggy", "trove-classifiers")
    versions = f"import importlib.metadata as m; print(*(m.version(n) for n in {backend}))"
    installed = run([".venv/bin/python", "-c", versions], cwd=project.path)
    assert installed.stdout.split() == [pinned[name] for name in backend], said(installed)
    assert not list((project.path / ".venv").glob("lib/python*/site-packages/pytest"))  # no dev
    dist = {p.name: p.read_bytes() for p in (project.path / "dist").glob("acme_widgets-*")}
    published = project.make("publish-dist", UV_INDEX_CODEARTIFACT_PASSWORD=project.token)
    assert published.returncode == 0, said(published)
    assert "Building" not in said(published)  # nothing is built twice
    assert {p.name: p.read_bytes() for p in index.packages.iterdir()} == dist


def test_no_token_at_all_says_make_login(project: Project, index: PypiServer) -> None:
    empty = project.work / "empty-credentials"
    result = project.make("publish-dist", UV_CREDENTIALS_DIR=str(empty))
    assert failure_class(result) == CREDENTIALS, said(result)
    assert "make login" in said(result)
    assert index.files() == []


@pytest.mark.usefixtures("dist")
def test_a_version_present_upstream_is_refused_before_upload(
    project: Project, index: PypiServer
) -> None:
    with SimpleIndex.running(projects={NAME: [project.version]}) as upstream:
        result = project.make(
            "publish-dist",
            UV_INDEX_CODEARTIFACT_PASSWORD=project.token,
            NAME_GUARD_UPSTREAM_URL=upstream.url,
        )
    assert failure_class(result) == TAKEN_UPSTREAM, said(result)
    assert "rename the package" in said(result)
    assert index.files() == []


@pytest.mark.usefixtures("dist")
@pytest.mark.parametrize(
    ("failure", "code", "words"),
    [
        ({"credentials": False}, CREDENTIALS, "aws sso login"),
        ({"error": "AccessDeniedException"}, ACCESS_DENIED, "codeartifact:GetAuthorizationToken"),
    ],
    ids=["no-aws-session", "access-denied"],
)
def test_login_failures_say_what_to_do(
    project: Project, failure: dict[str, object], code: int, words: str
) -> None:
    if "error" in failure:
        project.fake_aws.fail("GetAuthorizationToken", str(failure["error"]))
    else:
        project.fake_aws.update(**failure)
    try:
        result = project.make("login", UV_CREDENTIALS_DIR=str(project.work / "login-failures"))
    finally:
        project.fake_aws.update(credentials=True, errors={})
    assert failure_class(result) == code, said(result)
    assert words in said(result)
    assert "Traceback" not in said(result)
    assert not (project.work / "login-failures").exists()


UPSTREAM_409 = "Package Version '0.1.0' exists in externally connected repository."
REFUSALS = [
    (403, "", ACCESS_DENIED, "codeartifact:PublishPackageVersion"),
    (404, "", CREDENTIALS, "make login"),
    (409, UPSTREAM_409, TAKEN_UPSTREAM, "Rename the package"),
    (409, "", VERSION_EXISTS, "bump the version"),
    (503, "", UNREACHABLE, "did not answer"),
]


@pytest.mark.parametrize(
    ("status", "body", "expected", "words"),
    REFUSALS,
    ids=["403-permission", "404-token", "409-upstream", "409-exists", "503-down"],
)
def test_each_refusal_of_the_index_has_its_exit_code_and_fix(
    project: Project, status: int, body: str, expected: int, words: str
) -> None:
    with RefusingIndex.running(status, body) as refusing:
        result = project.make(
            "publish-dist",
            UV_INDEX_CODEARTIFACT_PASSWORD=project.token,
            CODEARTIFACT_INDEX_URL=refusing.url,
        )
    assert failure_class(result) == expected, said(result)
    assert words in said(result)
    assert refusing.uploads  # uv really tried to upload
    assert "Traceback" not in said(result)
    assert project.token not in said(result)


@pytest.mark.usefixtures("dist")
def test_pre_releases_then_the_final_release_collect_their_notes(project: Project) -> None:
    saved = {
        name: (project.path / name).read_bytes()
        for name in ("pyproject.toml", "uv.lock", "CHANGELOG.md")
    }
    changelog = project.path / "CHANGELOG.md"

    def note(line: str) -> None:
        text = changelog.read_text()
        changelog.write_text(
            text.replace("## [Unreleased]\n", f"## [Unreleased]\n\n### Fixed\n\n- {line}\n", 1)
        )

    try:
        start = project.version
        major, minor, patch = (int(part) for part in start.split("."))
        final = f"{major}.{minor}.{patch + 1}"

        empty = project.make("bump-minor")  # nothing under Unreleased: refused, nothing changed
        assert failure_class(empty) == CHANGELOG, said(empty)
        assert project.version == start

        note("First fix.")
        first = project.make("bump-pre")
        assert first.returncode == 0, said(first)
        assert project.version == f"{final}rc1"
        note("Second fix.")
        second = project.make("bump-pre")
        assert second.returncode == 0, said(second)
        assert project.version == f"{final}rc2"

        released = project.make("bump-patch")  # releases the candidate: not one patch further
        assert released.returncode == 0, said(released)
        assert project.version == final
        text = changelog.read_text()
        section = text.split(f"## [{final}] - ")[1].split("\n## ")[0]
        assert "- First fix." in section
        assert "- Second fix." in section
        assert f"## [{final}rc1] - " in text
        assert f"## [{final}rc2] - " in text
        notes = project.run(*TOOLS_COMMAND, "notes")
        assert notes.returncode == 0, said(notes)
        assert notes.stdout.splitlines()[0] == "### Fixed"
    finally:
        for name, content in saved.items():
            (project.path / name).write_bytes(content)


# --- The index misbehaving: every fault ends with its message and exit code, in bounded time ----

BAD_ANSWER, TOOL = 19, 20
HTTP_TIMEOUT = 1  # RELEASE_HTTP_TIMEOUT for the fault table: the documented bounds scale with it
# Documented bound for an index that never answers: ATTEMPTS reads of at most the timeout each,
# and 1 + 2 + 4 waits of RELEASE_RETRY_WAIT between them (release/publish.py in the tools,
# docs/releasing.md).
SILENT_BOUND = 4 * HTTP_TIMEOUT + 7 * RETRY_WAIT
# Wall-clock ceiling for one `make publish-dist`, start-up and name check included: generous for
# a loaded two-core machine, and far below the ten minutes a missing bound would take.
CEILING = 90

FAULTS = [
    ("garbage", BAD_ANSWER, "did not answer in HTTP"),
    ("broken-json", BAD_ANSWER, "answered broken JSON"),
    ("html-error", BAD_ANSWER, "not a package listing"),
    ("truncated", BAD_ANSWER, "cut its answer short"),
    ("silence", UNREACHABLE, "did not answer (reading the project's page) after 4 attempts"),
    ("expired", CREDENTIALS, "make login"),
    ("stall-upload", UNREACHABLE, "did not answer (uploading) after 4 attempts"),
    # One byte in time, again and again: each read is bounded in all, then the retries are.
    ("drip", UNREACHABLE, "did not answer (reading the project's page) after 4 attempts"),
    ("giant", BAD_ANSWER, "answered more than 32 MiB"),
]


@pytest.fixture
def dist(project: Project) -> Path:
    """The wheel and sdist of the project's current version in dist/, built once per version."""
    folder = project.path / "dist"
    if not list(folder.glob(f"acme_widgets-{project.version}-*.whl")):
        built = project.make("release-dist")
        assert built.returncode == 0, said(built)
    return folder


def publish_to(project: Project, url: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    result = project.make(
        "publish-dist",
        UV_INDEX_CODEARTIFACT_PASSWORD=project.token,
        CODEARTIFACT_INDEX_URL=url,
        RELEASE_HTTP_TIMEOUT=str(HTTP_TIMEOUT),
    )
    return result, time.monotonic() - started


@pytest.mark.parametrize(("fault", "expected", "words"), FAULTS, ids=[f[0] for f in FAULTS])
def test_an_index_fault_ends_with_its_message_code_and_bound(
    project: Project, fault: str, expected: int, words: str
) -> None:
    with FaultyIndex.running(fault) as faulty:
        result, elapsed = publish_to(project, faulty.url)
    assert failure_class(result) == expected, said(result)
    assert words in said(result)
    assert "Traceback" not in said(result)
    assert project.token not in said(result)
    assert faulty.authorizations()  # the token went to the configured index, and only there
    assert elapsed < CEILING
    waited = re.search(r"after 4 attempts over (\d+) s", said(result))
    if waited:  # the retry loop's own account of its time: the documented bound, plus slack for
        # starting uv four times on a loaded two-core machine (the suite runs three workers)
        assert int(waited.group(1)) <= SILENT_BOUND + 4 * (HTTP_TIMEOUT + 1.5), said(result)


@pytest.mark.usefixtures("dist")
def test_a_redirect_off_the_index_never_carries_the_token(project: Project) -> None:
    # "localhost" is another host than "127.0.0.1" to an HTTP client, on the same machine.
    with FaultyIndex.running("expired") as elsewhere:
        target = f"http://localhost:{elsewhere.port}/"
        with FaultyIndex.running("redirect", redirect_to=target) as redirecting:
            result, elapsed = publish_to(project, redirecting.url)
    assert failure_class(result) == BAD_ANSWER, said(result)
    assert f"redirected to {target}" in said(result)
    assert "the credentials were not sent" in said(result)
    assert redirecting.authorizations()  # sent to the configured origin...
    assert elsewhere.seen == []  # ...and nothing at all to the other one
    assert project.token not in said(result)
    assert elapsed < CEILING


@pytest.mark.parametrize(
    ("failure", "code", "words"),
    [
        ("pyenv-shim", TOOL, "the aws CLI at"),
        ("no-answer", UNREACHABLE, "did not answer the token request"),
    ],
)
def test_login_fails_with_one_readable_line(
    project: Project, tmp_path: Path, failure: str, code: int, words: str
) -> None:
    env: dict[str, str] = {"UV_CREDENTIALS_DIR": str(tmp_path / "store")}
    if failure == "pyenv-shim":
        shim = FakeCodeArtifact.install_pyenv_shim(tmp_path / "shims")
        env["PATH"] = f"{shim.parent}{os.pathsep}{project.env['PATH']}"
    else:
        project.fake_aws.update(latency=30)
        env["RELEASE_TOKEN_TIMEOUT"] = "2"  # noqa: S105 - seconds, not a secret
    started = time.monotonic()
    try:
        result = project.make("login", timeout=300, **env)
    finally:
        project.fake_aws.update(latency=0.0)
    elapsed = time.monotonic() - started
    assert failure_class(result) == code, said(result)
    errors = [line for line in said(result).splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, said(result)
    assert words in errors[0]
    assert "python2 and python3" not in said(result)  # not a fragment of the shim's help
    assert "Traceback" not in said(result)
    assert elapsed < CEILING
    if failure == "pyenv-shim":
        assert "pyenv shim" in errors[0]
        assert "put a working AWS CLI v2 first on PATH" in errors[0]
    else:
        assert "within 2 s" in errors[0]


UNVERIFIED = 18


@pytest.mark.parametrize("where", ["in-ci", "on-a-laptop"])
def test_a_name_check_that_could_not_run_stops_a_release_in_ci_only(
    project: Project, index: PypiServer, dist: Path, where: str
) -> None:
    ci = where == "in-ci"
    del dist
    down = closed_index_url()  # the public index is down
    result = project.make(
        "publish-dist",
        UV_INDEX_CODEARTIFACT_PASSWORD=project.token,
        NAME_GUARD_UPSTREAM_URL=down,
        CI="true" if ci else None,
    )
    assert "was not checked on the public index" in said(result)
    if ci:
        assert failure_class(result) == UNVERIFIED, said(result)
        assert "could not be checked and the check is strict" in said(result)
        assert index.files() == []
    else:
        assert result.returncode == 0, said(result)
        assert "name guard: warning:" in said(result)
        assert len(index.files()) == 2
