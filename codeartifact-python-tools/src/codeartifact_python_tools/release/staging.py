"""A staged release: stage the built files, try them from staging, then promote those same files.

`stage` uploads dist/ to the staging repository, which has no upstream and which consumers never
read; `smoke` installs that version from staging into a fresh environment and tries it; `promote`
copies it into the release repository with CopyPackageVersions and reads it back. Each step
compares what an index lists with dist/, file by file and SHA-256 by SHA-256, so a step run again
does nothing when its work is done, and refuses when another build got there first. Nothing here
writes to the release repository except the copy, and the copy happens only in `promote`.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from codeartifact_python_tools.commands import output, say
from codeartifact_python_tools.release import publish, tokens
from codeartifact_python_tools.release.errors import ExitCode, ReleaseError
from codeartifact_python_tools.release.index import find_credentials
from codeartifact_python_tools.release.settings import INDEX_NAME, USERNAME, normalise
from codeartifact_python_tools.release.tools import run
from codeartifact_python_tools.simple_api import version_from_filename

if TYPE_CHECKING:
    from codeartifact_python_tools.release.index import Credentials, Listing
    from codeartifact_python_tools.release.publish import Release
    from codeartifact_python_tools.release.settings import Settings

SMOKE_LIMIT = 300.0  # seconds the fresh environment's creation and install may take, each
RUN_LIMIT = 60.0  # seconds an import or a command's --version may take
# What the package's own code sees when it runs: no AWS credentials, no index tokens, no GitHub
# token; only what a program needs to start.
_KEPT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TEMP", "TMP", "SYSTEMROOT")
_DENIED = re.compile(r"\b401\b|Unauthorized|Missing credentials", re.IGNORECASE)
_FORBIDDEN = re.compile(r"\b403\b|Forbidden")
_NO_NETWORK = re.compile(publish.NO_NETWORK, re.IGNORECASE)


@dataclass(frozen=True)
class Match:
    """How an index's files of one version compare with dist/, by name and SHA-256."""

    wanted: int  # the files in dist/
    missing: tuple[str, ...] = ()  # in dist/, not on the index
    differing: tuple[str, ...] = ()  # on the index with other content (or no hash to compare)
    extra: tuple[str, ...] = ()  # on the index for this version, not in dist/

    @property
    def identical(self) -> bool:
        """The index holds exactly dist/'s files of the version."""
        return not (self.missing or self.differing or self.extra)

    @property
    def absent(self) -> bool:
        """The index holds no file of the version."""
        return len(self.missing) == self.wanted and not (self.differing or self.extra)

    def describe(self) -> str:
        """What differs, in a few words."""
        parts = [
            f"{label}: {', '.join(names)}"
            for label, names in (
                ("other content", self.differing),
                ("missing", self.missing),
                ("not built here", self.extra),
            )
            if names
        ]
        return "; ".join(parts)


def sha256(path: Path) -> str:
    """The file's SHA-256, as an index lists it."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def compare(release: Release, listing: Listing) -> Match:
    """Compare the version's files on the index (its listing) with dist/'s."""
    local = {path.name: sha256(path) for path in release.files}
    # The page is the project's own: its files of this version are the version's.
    listed = {name for name in listing.files if version_from_filename(name) == release.version}
    return Match(
        wanted=len(local),
        missing=tuple(sorted(set(local) - listed)),
        differing=tuple(
            sorted(n for n in listed & set(local) if listing.hashes.get(n) != local[n])
        ),
        extra=tuple(sorted(listed - set(local))),
    )


# --- stage --------------------------------------------------------------------------------------


def stage(release_settings: Settings, staging: Settings, release: Release) -> None:
    """Upload dist/ to the staging repository: refused where either repository has other files.

    The name guard runs first, as before a direct publish. The release repository is read
    (never written): a version it holds with other files can never be promoted, so nothing is
    staged for it.
    """
    publish.check_names(release.name, release.version)
    credentials = publish.require_credentials(staging)
    release_credentials = find_credentials(release_settings) or credentials
    released = compare(release, publish.probe(release_settings, release, release_credentials))
    if not (released.absent or released.identical):
        raise released_differs(release_settings, release, released)
    listing = publish.probe(staging, release, credentials)
    staged = compare(release, listing)
    if staged.differing or staged.extra:
        raise publish.staged_differs(staging, release, staged.describe())
    note = (
        f" It is in {release_settings.repository} already: `make promote` will have nothing to do."
        if released.identical
        else ""
    )
    if staged.identical:
        say(
            f"Already staged: {staging.repository} holds {release.name} {release.version} with "
            f"exactly these files. Nothing to upload.{note}"
        )
        return
    uploaded, skipped = publish.upload(staging, release, credentials, dry_run=False)
    publish.confirm_visible(staging, release, credentials)
    staged = compare(release, publish.probe(staging, release, credentials))
    if not staged.identical:
        raise publish.staged_differs(staging, release, staged.describe())
    say(
        f"Staged {release.name} {release.version} in {staging.repository} ({uploaded} file(s) "
        f"uploaded, {skipped} already there): nobody installs from it. Next: `make smoke`, then "
        f"`make promote`.{note}"
    )


# --- smoke --------------------------------------------------------------------------------------


def smoke(release_settings: Settings, staging: Settings, release: Release) -> None:
    """Install the version from staging into a fresh environment and try it.

    The wheel comes from staging (its files first checked against dist/), its dependencies from
    the release repository, with no cache: what a consumer will get once it is promoted. Then
    every top-level module of the wheel is imported, `importlib.metadata` must name the version,
    and each console script must answer `--version` with it. (The files are dist/'s, which
    passed `twine check` when they were built, in a job that holds no credentials.)
    """
    credentials = publish.require_credentials(staging)
    _require_staged(staging, release, credentials)
    wheel = next((path for path in release.files if path.suffix == ".whl"), None)
    if wheel is None:
        msg = f"dist/ has no wheel of {release.name} {release.version}: `make release-dist`."
        raise ReleaseError(ExitCode.BUILD, msg)
    modules, scripts = wheel_contents(wheel)
    released = find_credentials(release_settings) or credentials
    with tempfile.TemporaryDirectory(prefix="smoke-") as folder:
        where = Path(folder)
        python = _fresh_environment(where)
        _install(
            python,
            where=where,
            staging=staging,
            release_settings=release_settings,
            release=release,
            credentials=(credentials, released),
        )
        said = [_import(python, where, release, modules, staging)]
        said += [_answer(python.parent / script, where, release, staging) for script in scripts]
    say(
        f"Smoke check passed: {release.name} {release.version} installs from "
        f"{staging.repository} into a fresh environment; {'; '.join(said)}. Next: "
        "`make promote` (in CI, once the release environment's reviewers approve)."
    )


def wheel_contents(wheel: Path) -> tuple[list[str], list[str]]:
    """The wheel's top-level modules, and its console scripts (entry_points.txt)."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        points = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        entry_points = archive.read(points[0]).decode("utf-8") if points else ""
    modules = set()
    for name in names:
        top, _, rest = name.partition("/")
        if top.endswith((".dist-info", ".data")):
            continue
        if rest and top.isidentifier():  # a package: a folder of modules
            modules.add(top)
        elif not rest and name.endswith(".py") and name[:-3].isidentifier():
            modules.add(name[:-3])
    scripts, section = [], ""
    for line in entry_points.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped.strip("[]").strip()
        elif section == "console_scripts" and "=" in stripped:
            scripts.append(stripped.split("=", 1)[0].strip())
    return sorted(modules), scripts


def _clean_environment(python: Path | None = None) -> dict[str, str]:
    """What the package's code runs with: the basics, none of the release's credentials."""
    env = {key: os.environ[key] for key in _KEPT if key in os.environ}
    if python is not None:
        env["PATH"] = os.pathsep.join([str(python.parent), env.get("PATH", "")])
    env["NO_COLOR"] = "1"
    return env


def _fresh_environment(where: Path) -> Path:
    """A new virtual environment in `where`, for the project's Python (.python-version)."""
    request = Path(".python-version")
    version = request.read_text(encoding="utf-8").strip() if request.is_file() else ""
    venv = where / "venv"
    args = ["uv", "venv", "--quiet", "--no-config", *(["--python", version] if version else [])]
    process = run([*args, str(venv)], timeout=SMOKE_LIMIT)
    if process.returncode != 0:
        msg = f"`uv venv` could not create the smoke check's environment: {output(process)}"
        raise ReleaseError(ExitCode.TOOL, msg)
    return venv / ("Scripts" if os.name == "nt" else "bin") / "python"


def _install(  # noqa: PLR0913 - the environment, and where each of its packages comes from
    python: Path,
    *,
    where: Path,
    staging: Settings,
    release_settings: Settings,
    release: Release,
    credentials: tuple[Credentials | None, Credentials | None],
) -> None:
    """`uv pip install NAME==VERSION`: the package from staging, its dependencies from release.

    uv's first-index rule takes a name from the first index that has it: staging, listed first,
    holds only this package, so everything else comes from the release repository.
    """
    env: dict[str, str] = {"UV_HTTP_RETRIES": "0"}
    for settings, given in zip((staging, release_settings), credentials, strict=True):
        if given is not None:
            env[settings.username_variable] = given.username or USERNAME
            env[settings.password_variable] = given.password
    args = [
        *("uv", "pip", "install", "--python", str(python), "--no-cache", "--no-config"),
        *("--index", f"{staging.index_name}={staging.index_url}"),
        *("--default-index", f"{INDEX_NAME}={release_settings.index_url}"),
        # The wheel consumers will install: never a build of the sdist instead.
        *("--only-binary", normalise(release.name), f"{release.name}=={release.version}"),
    ]
    process = run(args, env=env, cwd=where, timeout=SMOKE_LIMIT)
    if process.returncode == 0:
        return
    said = output(process)
    for secret in (given.password for given in credentials if given is not None):
        said = said.replace(secret, "***")
    if _DENIED.search(said):
        kind, why = ExitCode.CREDENTIALS, "the index did not accept the token: run `make login`"
    elif _FORBIDDEN.search(said):
        kind = ExitCode.ACCESS_DENIED
        why = (
            "403 Forbidden: the role lacks codeartifact:ReadFromRepository on the staging or the "
            "release repository (docs/iam/codeartifact-stage.json, codeartifact-read.json)"
        )
    elif _NO_NETWORK.search(said):
        kind, why = ExitCode.UNREACHABLE, "an index did not answer: network or VPN, then again"
    else:
        kind = ExitCode.SMOKE
        why = (
            "it does not install (a dependency missing from the release repository, a wrong "
            "pin or Python version?)"
        )
    msg = f"{release.name} {release.version} from {staging.repository}: {why}.\n{said}"
    if kind == ExitCode.SMOKE:
        msg = f"Smoke check failed: {msg}\n{_nothing_promoted(staging, release)}"
    raise ReleaseError(kind, msg)


_IMPORT = """\
import importlib, importlib.metadata, sys
name, version, *modules = sys.argv[1:]
found = importlib.metadata.version(name)
if found != version:
    sys.exit(f"importlib.metadata names {name} {found}, not {version}")
for module in modules:
    importlib.import_module(module)
"""


def _import(
    python: Path, where: Path, release: Release, modules: list[str], staging: Settings
) -> str:
    """Import each top-level module in the fresh environment, outside the project (-I)."""
    args = [str(python), "-I", "-c", _IMPORT, release.name, release.version, *modules]
    env = _clean_environment(python)
    process = run(args, env=env, replace_env=True, cwd=where, timeout=RUN_LIMIT)
    if process.returncode != 0:
        msg = (
            f"Smoke check failed: importing {', '.join(modules) or release.name} from "
            f"{release.name} {release.version} failed:\n{output(process)}\n"
            f"{_nothing_promoted(staging, release)}"
        )
        raise ReleaseError(ExitCode.SMOKE, msg)
    return f"imports {', '.join(modules)}" if modules else "has no module to import"


def _answer(script: Path, where: Path, release: Release, staging: Settings) -> str:
    """Run a console script with --version: it must start, and name the version."""
    command = f"{script.name} --version"
    process = None
    if script.is_file():  # else the wheel declares a script the installer did not make
        env = _clean_environment(script)
        args = [str(script), "--version"]
        process = run(args, env=env, replace_env=True, cwd=where, timeout=RUN_LIMIT)
    said = output(process) if process is not None else "(not installed)"
    if process is None or process.returncode != 0 or release.version not in said:
        why = "does not name the version" if process and process.returncode == 0 else "fails"
        msg = (
            f"Smoke check failed: `{command}` {why} in the fresh environment:\n{said}\n"
            f"{_nothing_promoted(staging, release)}"
        )
        raise ReleaseError(ExitCode.SMOKE, msg)
    return f"`{command}` says {said.splitlines()[0]}"


def _nothing_promoted(staging: Settings, release: Release) -> str:
    """What a failed smoke check leaves, and the two ways on."""
    return (
        "Nothing was promoted: the release repository is as it was. Fix it, then release it as "
        "a new version (`make bump-patch`), or delete the staged version "
        f"(`{publish.unstage_command(staging, release)}`) and stage the fixed build."
    )


def _require_staged(staging: Settings, release: Release, credentials: Credentials | None) -> None:
    """Staging must hold exactly dist/'s files of the version: none is not staged, others differ."""
    staged = compare(release, publish.probe(staging, release, credentials))
    if staged.absent:
        raise not_staged(staging, release)
    if not staged.identical:
        raise publish.staged_differs(staging, release, staged.describe())


def not_staged(staging: Settings, release: Release) -> ReleaseError:
    """The version is not in staging: it must be staged (and tried) first."""
    msg = (
        f"{staging.repository} does not hold {release.name} {release.version}: stage it first "
        "(`make stage`, then `make smoke`)."
    )
    return ReleaseError(ExitCode.NOT_STAGED, msg)


# --- promote ------------------------------------------------------------------------------------

PROMOTED_ATTEMPTS = 5  # the index may list a copied version a few seconds late


def promote(release_settings: Settings, staging: Settings, release: Release) -> None:
    """Copy the staged version into the release repository, unchanged, and read it back.

    Already there with these files: nothing to do. There with other files: refused (a released
    version never changes). Staging must hold exactly dist/'s files: the ones the smoke check
    tried, built once by this release.
    """
    credentials = publish.require_credentials(release_settings)
    released = compare(release, publish.probe(release_settings, release, credentials))
    if released.identical:
        say(
            f"Already promoted: {release_settings.repository} holds {release.name} "
            f"{release.version} with exactly these files. Nothing to copy."
        )
        return
    if not released.absent:
        raise released_differs(release_settings, release, released)
    _require_staged(staging, release, find_credentials(staging) or credentials)
    name, version = release.name, release.version
    outcome = tokens.copy_version(release_settings, staging.repository, name, version)
    _confirm_promoted(release_settings, release, credentials, outcome)
    say(
        f"Promoted {release.name} {release.version} from {staging.repository} to "
        f"{release_settings.repository}: the files the smoke check tried, read back from there. "
        f"Install it: `uv add {release.name}=={release.version}`."
    )


def _confirm_promoted(
    settings: Settings, release: Release, credentials: Credentials | None, outcome: str
) -> None:
    """Read the release repository until it lists dist/'s files (bounded); refuse others."""
    match = compare(release, publish.probe(settings, release, credentials))
    for attempt in range(1, PROMOTED_ATTEMPTS):
        if not match.missing:
            break
        time.sleep(2.0 ** (attempt - 1))
        match = compare(release, publish.probe(settings, release, credentials))
    if match.identical:
        say(f"Confirmed: {settings.project_url(release.name)} lists {_names(release)}.")
        return
    if match.differing or match.extra:
        raise released_differs(settings, release, match)
    already = (
        " CodeArtifact says the version exists there (ALREADY_EXISTS): is it unlisted, archived "
        "or disposed? `aws codeartifact describe-package-version` shows its status."
        if outcome == tokens.EXISTS
        else ""
    )
    msg = (
        f"Copied, but {settings.project_url(release.name)} does not list "
        f"{', '.join(match.missing)} yet.{already} Check again in a minute: `make promote` again "
        "is safe (it copies nothing twice)."
    )
    raise ReleaseError(ExitCode.NOT_VISIBLE, msg)


def released_differs(settings: Settings, release: Release, match: Match) -> ReleaseError:
    """The release repository holds the version with other files: it can never change."""
    msg = (
        f"The release repository {settings.repository} holds {release.name} {release.version} "
        f"with other files than dist/ ({match.describe()}). A released version never changes: "
        "bump the version (`make bump-patch`, or bump-minor/bump-major) and release again."
    )
    return ReleaseError(ExitCode.RELEASED_DIFFERS, msg)


def _names(release: Release) -> str:
    return ", ".join(sorted(path.name for path in release.files))
