"""Build once, check, publish with uv to the index named `codeartifact`, and confirm it is there.

A staged release uploads the same way to its staging repository's index, `codeartifact-staging`.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from codeartifact_python_tools.commands import output, say
from codeartifact_python_tools.guard import api
from codeartifact_python_tools.guard import cli as guard_cli
from codeartifact_python_tools.guard import settings as guard_settings
from codeartifact_python_tools.guard.settings import Settings as GuardSettings
from codeartifact_python_tools.release.errors import ExitCode, ReleaseError
from codeartifact_python_tools.release.index import (
    Credentials,
    Listing,
    fetch_listing,
    find_credentials,
    http_timeout,
)
from codeartifact_python_tools.release.settings import (
    PASSWORD_VARIABLE,
    USERNAME,
    Settings,
    normalise,
    seconds,
)
from codeartifact_python_tools.release.tools import run

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Callable, Iterator, Mapping, Sequence

ATTEMPTS = 4  # an unreachable index is tried this often, waiting 1, 2 then 4 s between tries
RETRY_WAIT = 1.0  # seconds before the first retry, doubled before each next one
RETRY_WAIT_VARIABLE = "RELEASE_RETRY_WAIT"
VISIBLE_ATTEMPTS = 5  # the index may list a new upload a few seconds late
# One `uv publish` may take this long in all, whatever uv's own timeouts do: a bound, not a
# budget (uv gives up on a stalled upload after RELEASE_HTTP_TIMEOUT seconds without progress).
UPLOAD_LIMIT = 300.0
# pyproject.toml's dependency group of the build backend: the release builds with it, installed
# from uv.lock with its dependencies' hashes checked, not in a build environment resolved that day.
BUILD_GROUP = "build"
TWINE = "twine==7.0.0"  # pinned: it runs in the release job, and a release is reproducible
_STATUS = re.compile(r"status code (\d{3})")
# What uv prints when it could not reach an index at all (publishing, installing, creating an
# environment): staging reads the same messages.
NO_NETWORK = (
    r"error sending request|client error \(Connect\)|tcp connect error|dns error|timed out|"
    r"Connection refused|Connection reset"
)
_UNREACHABLE = re.compile(rf"Failed to query check URL|{NO_NETWORK}", re.IGNORECASE)


@dataclass(frozen=True)
class Release:
    """What is being published: the project's name and version, and its built files."""

    name: str
    version: str
    files: tuple[Path, ...]


class Unreachable(Exception):  # noqa: N818 - a state, like TimeoutError
    """The index did not answer; worth trying again."""


def distribution_files(dist: Path, name: str, version: str) -> tuple[Path, ...]:
    """Find the wheel and sdist of this version in dist/; refuse if either is missing."""
    stem = f"{re.sub(r'[-_.]+', '_', name).lower()}-{version}"
    wheels = sorted(dist.glob(f"{stem}-*.whl"))
    sdists = sorted(dist.glob(f"{stem}.tar.gz"))
    if not wheels or not sdists:
        msg = (
            f"{dist}/ has no wheel and sdist of {name} {version}: build them with "
            "`make release-dist` (or let `make publish` build)."
        )
        raise ReleaseError(ExitCode.BUILD, msg)
    return (*wheels, *sdists)


def _in_project(args: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """Run a uv command on the project's environment (.venv).

    Not on the tools' own: `uv run --script tools.py` made that this process's VIRTUAL_ENV, which
    `uv build --no-build-isolation` would build in.
    """
    return run(
        args, env={k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}, replace_env=True
    )


def build(dist: Path, name: str, version: str) -> tuple[Path, ...]:
    """Build wheel and sdist into a cleared dist/, without tool.uv.sources, and twine-check them.

    The backend is the `build` group's, installed into .venv from uv.lock.
    """
    say(f"Building {name} {version} (wheel and sdist) into {dist}/ ...")
    install = ["uv", "sync", "--frozen", "--inexact", "--quiet", "--only-group", BUILD_GROUP]
    process = _in_project(install)
    if process.returncode != 0:
        msg = (
            f"`{' '.join(install)}` failed: the release builds with the backend of "
            f"pyproject.toml's `{BUILD_GROUP}` dependency group, as uv.lock pins it (the template "
            f"has the group; `uv lock` after adding it):\n{output(process)}"
        )
        raise ReleaseError(ExitCode.BUILD, msg)
    build = ["uv", "build", "--no-sources", "--no-build-isolation", "--clear"]
    process = _in_project([*build, "--out-dir", str(dist)])
    if process.returncode != 0:
        msg = f"`uv build` failed; fix the build, then try again:\n{output(process)}"
        raise ReleaseError(ExitCode.BUILD, msg)
    files = distribution_files(dist, name, version)
    twine_check(files)
    return files


def twine_check(files: tuple[Path, ...]) -> None:
    """`twine check --strict`: the metadata and README render as the index will show them."""
    if importlib.util.find_spec("twine") is not None:
        command = [sys.executable, "-m", "twine"]
    else:
        command = ["uvx", TWINE]
    process = run([*command, "check", "--strict", *map(str, files)])
    if process.returncode != 0:
        msg = f"`twine check --strict` found problems in the metadata:\n{output(process)}"
        raise ReleaseError(ExitCode.BUILD, msg)
    say(f"twine check --strict: {', '.join(f.name for f in files)} pass.")


# The name guard's exit codes (guard/verdicts.py Kind) and what each means for a release.
_GUARD_REFUSALS = {
    3: (ExitCode.CONFIG, "the name breaks the naming policy: rename the package"),
    4: (
        ExitCode.TAKEN_UPSTREAM,
        (
            "the name or this version exists upstream: rename the package, or bump the version "
            "(`make bump-patch`) if only the version is taken"
        ),
    ),
    5: (
        ExitCode.UNVERIFIED,
        (
            "the name could not be checked and the check is strict (always in CI, where a "
            "release fails closed): fix what it names (`make login`, the role's permissions, "
            "network), then publish again"
        ),
    ),
}


def check_names(name: str, version: str) -> None:
    """Run the name guard's release check: the name and version must not exist upstream.

    A version already in the repository is accepted: `uv publish` then skips identical files,
    so a re-run after a partial upload completes it, and refuses different ones.
    """
    settings = GuardSettings.from_env(os.environ)
    # In CI the release fails closed: a check that could not run (access denied, the public
    # index down) stops it. On a laptop it stays a warning, as `make check-name` prints it.
    if in_ci():
        settings = settings.replace(strict=True)
    verdict = api.check_release(name, version, settings, allow_in_repository=True)
    code = guard_cli.report(verdict, f"{name} {version}", sys.stderr)
    if code != 0:
        refusal, advice = _GUARD_REFUSALS.get(
            code, (ExitCode.FAILED, "see the name guard's message above")
        )
        msg = f"The name guard refused to publish {name} {version}: {advice}."
        raise ReleaseError(refusal, msg)


def in_ci(environ: Mapping[str, str] | None = None) -> bool:
    """Whether this runs in CI (GitHub Actions, or any CI that sets CI=true)."""
    return guard_settings.in_ci(os.environ if environ is None else environ)


def retry_wait(environ: Mapping[str, str] | None = None) -> float:
    """Seconds before the first retry: RELEASE_RETRY_WAIT, default 1, at most 30."""
    return seconds(RETRY_WAIT_VARIABLE, RETRY_WAIT, (0.0, 30.0), environ)


def retrying(action: Callable[[], None], what: str, where: str) -> None:
    """Run `action`, retrying an unreachable index with exponential backoff, bounded."""
    started = time.monotonic()
    wait = retry_wait()
    for attempt in range(1, ATTEMPTS + 1):
        error = _failure(action)
        if error is None:
            return
        why = _describe(error)
        if attempt == ATTEMPTS:
            waited = time.monotonic() - started
            msg = (
                f"The index at {where} did not answer ({what}) after {ATTEMPTS} attempts "
                f"over {waited:.0f} s: {why}. Check your network or VPN and the index URL, "
                "then run the command again (files already uploaded are skipped)."
            )
            raise ReleaseError(ExitCode.UNREACHABLE, msg)
        delay = wait * 2.0 ** (attempt - 1)
        say(f"Index unreachable ({why}); retrying in {delay:g} s ({attempt}/{ATTEMPTS}).")
        time.sleep(delay)


def _failure(action: Callable[[], None]) -> Exception | None:
    """Run `action` once: the error that is worth a retry, or None."""
    try:
        action()
    except (Unreachable, OSError) as error:
        return error
    return None


def _describe(error: Exception) -> str:
    """Say why a connection failed in a few words: `Connection refused`, not the repr."""
    reason = getattr(error, "reason", None) or getattr(error, "strerror", None) or error
    return str(getattr(reason, "strerror", None) or reason)


def read_listing(url: str, credentials: Credentials | None, what: str) -> Listing:
    """Read a project's page on the index, retrying while it is unreachable."""
    found: list[Listing] = []
    retrying(lambda: found.append(fetch_listing(url, credentials)), what, url)
    return found[-1]


def require_credentials(settings: Settings) -> Credentials | None:
    """Find the credentials uv will use; none at all is the 'run make login' error."""
    credentials = find_credentials(settings)
    if credentials is None and os.environ.get("UV_KEYRING_PROVIDER") != "subprocess":
        msg = (
            f"No CodeArtifact token for {settings.service}: neither {PASSWORD_VARIABLE} nor "
            "uv's credential store has one. Run `make login` (tokens last 12 hours)."
        )
        raise ReleaseError(ExitCode.CREDENTIALS, msg)
    return credentials


def probe(settings: Settings, release: Release, credentials: Credentials | None) -> Listing:
    """Read the project's page on the index: proves the token works before anything is sent."""
    url = settings.project_url(release.name)
    listing = read_listing(url, credentials, "reading the project's page")
    if listing.status == 401:  # noqa: PLR2004 - HTTP Unauthorized
        raise credentials_error(settings, "401 Unauthorized on reading the index", credentials)
    if listing.status == 403:  # noqa: PLR2004 - HTTP Forbidden
        source = f" from {credentials.source}" if credentials else ""
        policy = "codeartifact-stage.json" if settings.staging else "codeartifact-read.json"
        msg = (
            f"The index refused the token{source} (403 Forbidden on reading {release.name} in "
            f"{settings.repository}). If the token is old (over 12 hours) or for another domain, "
            "run `make login`; if that does not help, your role lacks "
            f"codeartifact:ReadFromRepository (docs/iam/{policy}): ask your AWS administrator "
            "to attach it."
        )
        raise ReleaseError(ExitCode.ACCESS_DENIED, msg)
    if listing.status >= 500:  # noqa: PLR2004 - server errors are worth a retry
        raise ReleaseError(ExitCode.UNREACHABLE, f"The index answered {listing.status}: try later.")
    return listing


def credentials_error(
    settings: Settings, what: str, credentials: Credentials | None
) -> ReleaseError:
    """Explain a token the index does not accept."""
    source = f" (from {credentials.source})" if credentials else ""
    msg = (
        f"The index did not accept the CodeArtifact token{source}: {what}. The token is missing "
        "or expired (they last 12 hours; CodeArtifact answers 401 or 404 for both). "
        f"Run `make login`, then run this again. Index: {settings.index_url}"
    )
    return ReleaseError(ExitCode.CREDENTIALS, msg)


# uv's publish errors name the HTTP status; CodeArtifact answers 404 to an expired token.
_BY_STATUS = {
    401: ExitCode.CREDENTIALS,
    404: ExitCode.CREDENTIALS,
    403: ExitCode.ACCESS_DENIED,
    409: ExitCode.VERSION_EXISTS,  # the same file name with other content
}


def classify(text: str) -> ExitCode:
    """Tell which class of failure uv's publish output shows."""
    status = _STATUS.search(text)
    code = int(status.group(1)) if status else 0
    if "Local file and index file do not match" in text:
        kind = ExitCode.VERSION_EXISTS
    elif "Missing credentials" in text:
        kind = ExitCode.CREDENTIALS
    elif code == 409 and re.search(r"external|upstream", text, re.IGNORECASE):  # noqa: PLR2004
        kind = ExitCode.TAKEN_UPSTREAM
    elif code in _BY_STATUS:
        kind = _BY_STATUS[code]
    elif code >= 500 or _UNREACHABLE.search(text):  # noqa: PLR2004 - server errors: retry
        kind = ExitCode.UNREACHABLE
    else:
        kind = ExitCode.FAILED
    return kind


@contextmanager
def uv_index_config(settings: Settings) -> Iterator[dict[str, str]]:
    """Environment for `uv publish`: a test index given by URL replaces pyproject.toml's entry.

    A token given for the release repository (UV_INDEX_CODEARTIFACT_PASSWORD) serves the staging
    repository too: one token covers every repository of the domain.
    """
    # Retries are ours, with messages; uv gives up on a silent index as our reads do.
    env = {"UV_HTTP_RETRIES": "0", "UV_HTTP_TIMEOUT": f"{http_timeout():g}"}
    password = os.environ.get(settings.password_variable) or os.environ.get(PASSWORD_VARIABLE)
    if password and not os.environ.get(settings.password_variable):
        env[settings.password_variable] = password
    if password and not os.environ.get(settings.username_variable):
        env[settings.username_variable] = USERNAME  # uv sends the password only with a user name
    if not settings.overridden:
        yield env
        return
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "uv.toml"
        config.write_text(
            "[[index]]\n"
            f'name = "{settings.index_name}"\n'
            f'url = "{settings.index_url}"\n'
            f'publish-url = "{settings.publish_url}"\n'
            "explicit = true\n",
            encoding="utf-8",
        )
        yield {**env, "UV_CONFIG_FILE": str(config)}


def upload(
    settings: Settings, release: Release, credentials: Credentials | None, *, dry_run: bool
) -> tuple[int, int]:
    """Run `uv publish --index NAME`; return the (uploaded, skipped) file counts."""
    args = ["uv", "publish", "--index", settings.index_name, "--trusted-publishing", "never"]
    args += ["--dry-run"] if dry_run else []
    args += [str(path) for path in release.files]

    said: list[str] = []

    def attempt() -> None:
        with uv_index_config(settings) as env:
            process = run(args, env=env, timeout=UPLOAD_LIMIT)
        text = output(process)
        if process.returncode == 0:
            said.append(text)
            return
        kind = classify(text)
        if kind == ExitCode.UNREACHABLE:
            raise Unreachable(_last_cause(text))
        if kind == ExitCode.VERSION_EXISTS and settings.staging:
            raise staged_differs(settings, release, f"uv said: {_last_cause(text)}")
        raise explain(kind, text, settings, release, credentials)

    retrying(attempt, "uploading", settings.publish_url)
    text = said[-1]
    skipped = len(re.findall(r"already exists, skipping", text))
    return len(release.files) - skipped, skipped


def explain(
    kind: ExitCode, text: str, settings: Settings, release: Release, credentials: Credentials | None
) -> ReleaseError:
    """Explain one failure class of `uv publish`."""
    said = _last_cause(text)
    if kind == ExitCode.CREDENTIALS:
        return credentials_error(settings, f"uv said: {said}", credentials)
    if kind == ExitCode.ACCESS_DENIED:
        if _read_refused(settings, release, credentials):
            return credentials_error(settings, "403 on upload and 401 on read", credentials)
        msg = (
            f"CodeArtifact refused the upload of {release.name} {release.version} (403 "
            "Forbidden): the token is valid, but your role lacks "
            "codeartifact:PublishPackageVersion (and codeartifact:PutPackageMetadata) on "
            f"repository {settings.repository}. Attach "
            "docs/iam/codeartifact-publish.json to the role, then `make login` and publish again."
        )
        return ReleaseError(kind, msg)
    if kind == ExitCode.VERSION_EXISTS:
        msg = (
            f"{release.name} {release.version} is already on the index with different files "
            f"(uv said: {said}). A published version never changes: bump the version "
            "(`make bump-patch`, or bump-minor/bump-major), then publish again."
        )
        return ReleaseError(kind, msg)
    if kind == ExitCode.TAKEN_UPSTREAM:
        msg = (
            f"CodeArtifact refused {release.name} {release.version}: it exists in the "
            f"repository's upstream (uv said: {said}). Rename the package if the name belongs to "
            "someone else upstream, or bump the version; run `make protect-name` so the public "
            "package can never shadow yours."
        )
        return ReleaseError(kind, msg)
    return ReleaseError(kind, f"`uv publish` failed:\n{text}")


def confirm_visible(settings: Settings, release: Release, credentials: Credentials | None) -> None:
    """Wait (bounded) until the index lists every file of the release."""
    if credentials is None:
        say("Not confirmed: no token this script can read the index with (keyring route).")
        return
    wanted = {path.name for path in release.files}
    url = settings.project_url(release.name)
    missing = wanted
    for attempt in range(1, VISIBLE_ATTEMPTS + 1):
        listing = read_listing(url, credentials, "confirming the upload")
        missing = wanted - listing.files
        if not missing:
            say(f"Confirmed: {url} lists {', '.join(sorted(wanted))}.")
            return
        if attempt < VISIBLE_ATTEMPTS:
            time.sleep(2.0 ** (attempt - 1))
    again = (
        "with `make stage`; staging again is safe"
        if settings.staging
        else "with `make publish-dry-run`; publishing again is safe"
    )
    msg = (
        f"Uploaded, but {url} does not list {', '.join(sorted(missing))} yet. Check again in a "
        f"minute {again} (it skips what is there)."
    )
    raise ReleaseError(ExitCode.NOT_VISIBLE, msg)


def unstage_command(settings: Settings, release: Release) -> str:
    """The command that deletes a staged version (nobody installs from staging)."""
    return (
        f"aws codeartifact delete-package-versions --domain {settings.domain} --domain-owner "
        f"{settings.owner} --repository {settings.repository} --format pypi --package "
        f"{normalise(release.name)} --versions {release.version}"
    )


def staged_differs(settings: Settings, release: Release, why: str) -> ReleaseError:
    """Staging holds this version with other files: delete it there (nobody installs from it)."""
    msg = (
        f"The staging repository {settings.repository} holds {release.name} {release.version} "
        f"with other files than dist/ ({why}): a build that changed after it was staged. "
        "Nothing was promoted. Consumers never read staging, so delete the staged version "
        f"(`{unstage_command(settings, release)}`), then `make stage` again; or bump the "
        "version (`make bump-patch`)."
    )
    return ReleaseError(ExitCode.STAGED_DIFFERS, msg)


def _read_refused(settings: Settings, release: Release, credentials: Credentials | None) -> bool:
    try:
        listing = fetch_listing(settings.project_url(release.name), credentials)
    except OSError:
        return False
    return listing.status == 401  # noqa: PLR2004 - HTTP Unauthorized


def _last_cause(text: str) -> str:
    """Pick uv's most specific line: the last `cause:` or `error:` line."""
    lines = [line.strip() for line in text.splitlines()]
    causes = [line for line in lines if line.startswith(("cause:", "error:"))]
    return re.sub(r"^(cause|error): ", "", causes[-1]) if causes else (lines[-1] if lines else "")
