"""The release commands, one handler each.

login, bump, build, publish, notes and github-release; a staged release's stage, smoke, promote.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from codeartifact_python_tools.commands import output, say
from codeartifact_python_tools.release import (
    changelog,
    expiry,
    github,
    index,
    publish,
    settings,
    staging,
    tokens,
)
from codeartifact_python_tools.release.errors import ExitCode, ReleaseError
from codeartifact_python_tools.release.tools import project_version, run
from codeartifact_python_tools.release.versioning import Version, bump_arguments

if TYPE_CHECKING:
    import argparse

CHANGELOG = Path("CHANGELOG.md")
DIST = Path("dist")
INTERRUPTED = "Interrupted: publishing again is safe, files already uploaded are skipped."

EPILOG = """\
exit codes: 0 ok, 1 failed (the message says what), 2 usage, 3 a setting is missing or wrong
(run through make), 10 no valid CodeArtifact token or AWS session (make login), 11 access
denied (the role lacks a permission, named), 12 this version is published with other files
(bump), 13 the name or version is taken upstream or refused by the name guard, 14 the index or
AWS did not answer (after bounded retries), 15 the build or twine check failed, 16 CHANGELOG.md
lacks the version's section, 17 uploaded but not listed yet, 18 the name guard could not check
(strict, or in CI), 19 the index answered something else (not HTTP, broken, too large, a
redirect off the index), 20 a program the release runs (uv, aws, git, gh) is missing or broken,
21 the staged version does not install or run (smoke check; nothing was promoted), 22 staging
holds this version with other files (delete it there, or bump), 23 the release repository holds
this version with other files (bump), 24 this version is not staged (make stage), 25 CodeArtifact
refused the copy into the release repository (its reason is named).

environment: CODEARTIFACT_DOMAIN, CODEARTIFACT_DOMAIN_OWNER, CODEARTIFACT_REGION,
CODEARTIFACT_REPOSITORY, CODEARTIFACT_PROFILE, CODEARTIFACT_STAGING_REPOSITORY (the project's
Makefile exports them); CODEARTIFACT_INDEX_URL and CODEARTIFACT_PUBLISH_URL,
CODEARTIFACT_STAGING_INDEX_URL and CODEARTIFACT_STAGING_PUBLISH_URL (another index, e.g. a local
one), UV_INDEX_CODEARTIFACT_PASSWORD (a token), RELEASE_HTTP_TIMEOUT (seconds a read from the
index may take in all, default 10), RELEASE_RETRY_WAIT (seconds before the first retry, default
1), RELEASE_TOKEN_TIMEOUT (seconds the token request, or the copy, may take, default 60).
"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the release commands to the tools' command line."""

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help_text, description=help_text, epilog=EPILOG)
        parser.set_defaults(timeout_exit=ExitCode.UNREACHABLE, interrupted=INTERRUPTED)
        return parser

    add("login", "get a CodeArtifact token and store it for uv").set_defaults(handler=_login)
    bump = add("bump", "bump the version and date the CHANGELOG section")
    bump.add_argument("kind", choices=["patch", "minor", "major", "pre"])
    bump.set_defaults(handler=_bump)
    add("build", "build wheel and sdist into dist/ once, and check them").set_defaults(
        handler=_build
    )
    upload = add("publish", "build, check the name and publish to CodeArtifact")
    upload.add_argument("--dry-run", action="store_true", help="everything but the upload")
    upload.add_argument("--no-build", action="store_true", help="publish the files in dist/")
    upload.set_defaults(handler=_publish)
    # A staged release's steps (CODEARTIFACT_STAGING_REPOSITORY), each on the files in dist/.
    for name, handler, help_text in (
        ("stage", _stage, "upload the files in dist/ to the staging repository (CI)"),
        ("smoke", _smoke, "install the staged version into a fresh environment and try it (CI)"),
        ("promote", _promote, "copy the staged files into the release repository (CI)"),
    ):
        add(name, help_text).set_defaults(handler=handler)
    notes = add("notes", "print a version's CHANGELOG section")
    notes.add_argument("version", nargs="?", help="default: the project's version")
    notes.set_defaults(handler=_notes)
    tag = add("github-release", "tag vX.Y.Z and create the GitHub release from CHANGELOG.md (CI)")
    tag.set_defaults(handler=_tag)


def _login(_: argparse.Namespace) -> None:
    config = settings.load()
    token = tokens.get_token(config)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        # GitHub's documented way to hide a value in every later line of the job's log.
        sys.stdout.write(f"::add-mask::{token.value}\n")
        sys.stdout.flush()
    index.store_credentials(config, token.value)
    # A staged release's other repository: one token serves the domain, whose repositories share
    # one origin in CodeArtifact; a test's two local indexes do not.
    staged = settings.load_staging() if os.environ.get(settings.STAGING_VARIABLE) else None
    other = staged if staged is not None and staged.service != config.service else None
    if other is not None:
        index.store_credentials(other, token.value)
    say(
        f"Logged in to CodeArtifact domain {config.domain} ({config.owner}, {config.region}). "
        f"uv now sends the token to {config.service} (kept in uv's credential store, outside "
        f"this project). {_expiry(token.expiration)}"
    )
    # Only the expiry, for `make doctor`; the login has worked whether or not it can be written.
    note = expiry.record(os.environ, config.service, token.value, token.expiration)
    if other is not None:
        note = expiry.record(os.environ, other.service, token.value, token.expiration) or note
    if note:
        say(f"note: {note}; `make doctor` will not know when the token expires.")
    if os.environ.get(settings.PASSWORD_VARIABLE):
        say(
            f"warning: {settings.PASSWORD_VARIABLE} is set in your shell and wins over the "
            f"stored token; unset it: `unset {settings.PASSWORD_VARIABLE}`."
        )


def _expiry(expiration: datetime | None) -> str:
    if expiration is None:
        return "The token lasts 12 hours by default; run `make login` again after that."
    left = expiration - datetime.now().astimezone()
    hours, rest = divmod(max(int(left.total_seconds()), 0), 3600)
    when = expiration.astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return f"Token expires {when} (in {hours} h {rest // 60:02d} min): then run `make login` again."


def _bump(arguments: argparse.Namespace) -> None:
    name, text = project_version()
    current = _version(text)
    flags = [f for value in bump_arguments(current, arguments.kind) for f in ("--bump", value)]
    preview = run(["uv", "version", *flags, "--dry-run", "--short", "--frozen"])
    new = Version.parse_or_none(preview.stdout.strip()) if preview.returncode == 0 else None
    if new is None:
        msg = f"`uv version {' '.join(flags)}` failed: {output(preview)}"
        raise ReleaseError(ExitCode.FAILED, msg)
    if not CHANGELOG.is_file():
        msg = "CHANGELOG.md is missing: create it with a `## [Unreleased]` section."
        raise ReleaseError(ExitCode.CHANGELOG, msg)
    today = time.strftime("%Y-%m-%d", time.gmtime())
    updated = changelog.release(CHANGELOG.read_text(encoding="utf-8"), new, today, current)
    process = run(["uv", "version", *flags, "--no-sync"])
    if process.returncode != 0:
        msg = f"`uv version {' '.join(flags)}` failed: {output(process)}"
        raise ReleaseError(ExitCode.FAILED, msg)
    CHANGELOG.write_text(updated, encoding="utf-8")
    say(
        f"{name}: {current} -> {new}. CHANGELOG.md: the Unreleased entries are now under "
        f"`## [{new}] - {today}`. Review it, commit (`Release {new}`) and push the `release` "
        "branch: the release workflow publishes it."
    )


def _version(text: str) -> Version:
    version = Version.parse_or_none(text)
    if version is None:
        msg = f"Version {text!r} in pyproject.toml is not X.Y.Z (optionally rcN): fix it."
        raise ReleaseError(ExitCode.CONFIG, msg)
    return version


def _release_notes(version: str) -> str:
    if not CHANGELOG.is_file():
        msg = "CHANGELOG.md is missing: the release notes come from it."
        raise ReleaseError(ExitCode.CHANGELOG, msg)
    return changelog.notes(CHANGELOG.read_text(encoding="utf-8"), version)


def _build(_: argparse.Namespace) -> None:
    config = settings.load()
    name, text = project_version()
    version = _version(text)
    _release_notes(text)
    publish.build(DIST, name, text)
    github.write_outputs(
        {
            "version": text,
            "prerelease": str(version.is_prerelease).lower(),
            "region": config.region,
        }
    )


def _publish(arguments: argparse.Namespace) -> None:
    started = time.monotonic()
    config = settings.load()
    name, text = project_version()
    _version(text)
    _release_notes(text)
    if arguments.no_build:
        # Built and twine-checked once already (`make release-dist`); upload exactly those files.
        files = publish.distribution_files(DIST, name, text)
    else:
        files = publish.build(DIST, name, text)
    release = publish.Release(name, text, files)
    publish.check_names(name, text)
    credentials = publish.require_credentials(config)
    publish.probe(config, release, credentials)
    uploaded, skipped = publish.upload(config, release, credentials, dry_run=arguments.dry_run)
    if arguments.dry_run:
        say(
            f"Dry run: {name} {text} is ready; {uploaded} file(s) would be uploaded to "
            f"{config.publish_url}, {skipped} already there. `make publish` uploads them."
        )
        return
    publish.confirm_visible(config, release, credentials)
    seconds = time.monotonic() - started
    if not uploaded:
        say(f"Already published: {name} {text} is on the index, identical. Nothing to upload.")
        return
    say(
        f"Published {name} {text} to {config.publish_url}: {uploaded} file(s) uploaded, "
        f"{skipped} already there, in {seconds:.1f} s. Install it: `uv add {name}=={text}`."
    )


def _staged_release() -> tuple[settings.Settings, settings.Settings, publish.Release]:
    """The release and staging repositories, and the files in dist/ (built by release-dist)."""
    config = settings.load()
    staging_config = settings.load_staging()
    name, text = project_version()
    _version(text)
    _release_notes(text)
    release = publish.Release(name, text, publish.distribution_files(DIST, name, text))
    return config, staging_config, release


def _stage(_: argparse.Namespace) -> None:
    staging.stage(*_staged_release())


def _smoke(_: argparse.Namespace) -> None:
    staging.smoke(*_staged_release())


def _promote(_: argparse.Namespace) -> None:
    staging.promote(*_staged_release())


def _notes(arguments: argparse.Namespace) -> None:
    version = arguments.version or project_version()[1]
    sys.stdout.write(_release_notes(version))


def _tag(_: argparse.Namespace) -> None:
    name, text = project_version()
    version = _version(text)
    files = publish.distribution_files(DIST, name, text)
    notes = _release_notes(text)
    github.create_release(name, text, notes, files, prerelease=version.is_prerelease)
