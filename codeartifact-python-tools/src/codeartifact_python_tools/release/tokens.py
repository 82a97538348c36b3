"""CodeArtifact's control plane for releases: a token, the copy that promotes, their errors."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from codeartifact_python_tools import codeartifact
from codeartifact_python_tools.guard.settings import CodeArtifact
from codeartifact_python_tools.guard.settings import Settings as GuardSettings
from codeartifact_python_tools.release.errors import ExitCode, ReleaseError
from codeartifact_python_tools.release.settings import normalise, seconds

if TYPE_CHECKING:
    from collections.abc import Mapping

    from codeartifact_python_tools.release.settings import Settings

_PERMISSIONS = (
    "codeartifact:GetAuthorizationToken and sts:GetServiceBearerToken "
    "(docs/iam/codeartifact-read.json)"
)


@dataclass(frozen=True)
class Token:
    """An authorization token; the value stays out of repr, logs and messages."""

    value: str = field(repr=False)
    expiration: datetime | None


# A token request may wait for an SSO refresh or the CLI's start-up: longer than a name lookup.
TOKEN_TIMEOUT = 60.0
TOKEN_TIMEOUT_VARIABLE = "RELEASE_TOKEN_TIMEOUT"  # noqa: S105 - a variable name


def token_timeout() -> float:
    """Seconds the token request may take: RELEASE_TOKEN_TIMEOUT, default 60."""
    return seconds(TOKEN_TIMEOUT_VARIABLE, TOKEN_TIMEOUT, (1.0, 600.0))


def control_plane(
    settings: Settings, timeout: float | None = None
) -> codeartifact.ControlPlane | str:
    """The name guard's control-plane client for the release's repository, or why there is none.

    So boto3-or-CLI (NAME_GUARD_AWS), the profile and AWS's errors are handled in one place for
    the guard and the release. `timeout` bounds the client's own connect and read waits.
    """
    guard = GuardSettings.from_env(os.environ).replace(
        codeartifact=CodeArtifact(
            domain=settings.domain,
            domain_owner=settings.owner,
            region=settings.region,
            repository=settings.repository,
            profile=settings.profile,
        )
    )
    if timeout is not None:
        guard = guard.replace(timeout=timeout)
    return codeartifact.control_plane(guard)


def get_token(settings: Settings) -> Token:
    """Ask CodeArtifact for a token for the domain (12 hours by default)."""
    plane = control_plane(settings)
    if isinstance(plane, str):  # no client: boto3 and the aws CLI missing, or a bad profile
        raise explain_failure(plane, settings)
    params = {"domain": settings.domain, "domainOwner": settings.owner}
    try:
        data = plane.call("get_authorization_token", params, timeout=token_timeout())
        return Token(str(data["authorizationToken"]), parse_expiration(data.get("expiration")))
    except codeartifact.AwsError as error:
        raise explain_failure(str(error), settings) from None
    except (KeyError, TypeError) as error:
        msg = f"CodeArtifact answered the token request with something unexpected ({error})."
        raise ReleaseError(ExitCode.BAD_ANSWER, msg) from None


def parse_expiration(value: object) -> datetime | None:
    """Read the token's expiry, in any form boto3 or the aws CLI gives it; None if unreadable.

    boto3 gives a datetime. The CLI prints what its `cli_timestamp_format` says: v2's default
    `iso8601` is local time with its offset (`2026-12-02T17:41:05.123000+01:00`, no fraction on
    a whole second); `wire` (v2) and v1's default print CodeArtifact's own epoch seconds, a JSON
    number (`1764693665.123`), or the same digits as text with `--output text`.
    """
    if isinstance(value, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*", value):
        value = float(value)
    parsed: datetime | None = None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):  # a bool is no time
        try:
            parsed = datetime.fromtimestamp(value, timezone.utc)
        except (OverflowError, OSError, ValueError):
            parsed = None
    elif isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(re.sub(r"Z$", "+00:00", value.strip()))
        except ValueError:
            parsed = None
    return parsed.astimezone() if parsed is not None and parsed.tzinfo is None else parsed


@dataclass(frozen=True)
class _Request:
    """How the messages about one control-plane request name it, and what repeats it."""

    asking: str  # "ask AWS for a token"
    signed_in: str  # what needs AWS credentials: "ask CodeArtifact for a token"
    request: str  # "the token request"
    refused: str  # "a CodeArtifact token"
    permissions: str  # what the role needs, and the docs/iam/ file that grants it
    again: str  # the command that repeats it
    failed: str  # "Getting a CodeArtifact token"


_TOKEN = _Request(
    asking="ask AWS for a token",
    signed_in="ask CodeArtifact for a token",
    request="the token request",
    refused="a CodeArtifact token",
    permissions=_PERMISSIONS,
    again="`make login`",
    failed="Getting a CodeArtifact token",
)


def explain_failure(  # noqa: PLR0911 - a message per failure class
    error: str, settings: Settings, request: _Request = _TOKEN
) -> ReleaseError:
    """Turn an AWS error (CLI stderr or botocore's text) into the message for the user."""
    profile = f" --profile {settings.profile}" if settings.profile else ""
    where = f"domain {settings.domain} (owner {settings.owner}, {settings.region})"
    again = request.again
    if re.search(r"not on PATH|not installed|neither boto3", error):
        return ReleaseError(
            ExitCode.TOOL,
            f"No way to {request.asking}: {error}. Install the AWS CLI v2 (or boto3), then "
            f"run {again} again.",
        )
    if error.startswith("CliBroken"):
        return ReleaseError(ExitCode.TOOL, _last_line(error.removeprefix("CliBroken: ")))
    if re.search(r"^(Timeout|ConnectTimeoutError|ReadTimeoutError)\b", error):
        return ReleaseError(
            ExitCode.UNREACHABLE,
            f"CodeArtifact did not answer {request.request} for {where} within "
            f"{token_timeout():g} s: check your network or VPN, then run {again} again.",
        )
    if re.search(r"AccessDenied|not authorized|UnauthorizedOperation", error):
        return ReleaseError(
            ExitCode.ACCESS_DENIED,
            f"AWS refused {request.refused} for {where}: your role needs "
            f"{request.permissions}. Ask your AWS administrator to attach it. AWS said: "
            f"{_last_line(error)}",
        )
    credentials_gone = (
        r"Unable to locate credentials|NoCredentials|ExpiredToken|expired|InvalidClientTokenId|"
        r"UnrecognizedClient|SSO session|sso login|could not be found|ProfileNotFound"
    )
    if re.search(credentials_gone, error, re.IGNORECASE):
        return ReleaseError(
            ExitCode.CREDENTIALS,
            f"No valid AWS credentials to {request.signed_in} (missing, expired, or an "
            f"unknown profile). Sign in first, e.g. `aws sso login{profile}`, then run "
            f"{again} again. AWS said: {_last_line(error)}",
        )
    if re.search(r"ResourceNotFound", error):
        return ReleaseError(
            ExitCode.CONFIG,
            f"CodeArtifact has no {where}: check CODEARTIFACT_DOMAIN, CODEARTIFACT_DOMAIN_OWNER "
            f"and CODEARTIFACT_REGION at the top of the Makefile. AWS said: {_last_line(error)}",
        )
    if re.search(r"Could not connect|EndpointConnectionError|timed out|Name or service", error):
        return ReleaseError(
            ExitCode.UNREACHABLE,
            f"Could not reach CodeArtifact in {settings.region}: check your network or VPN, then "
            f"run {again} again. AWS said: {_last_line(error)}",
        )
    return ReleaseError(ExitCode.FAILED, f"{request.failed} failed: {_last_line(error)}")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no message)"


# --- Promotion: CopyPackageVersions --------------------------------------------------------------

_COPY_PERMISSIONS = (
    "codeartifact:CopyPackageVersions on the package and on the release repository, and "
    "codeartifact:ReadFromRepository on the staging repository (docs/iam/codeartifact-promote.json)"
)
_COPY = _Request(
    asking="ask AWS to copy the staged version",
    signed_in="ask CodeArtifact to copy the staged version",
    request="the copy request",
    refused="the copy into the release repository",
    permissions=_COPY_PERMISSIONS,
    again="`make promote` (it is safe)",
    failed="Copying the staged version",
)
# CopyPackageVersions' failedVersions error codes (the API Reference's PackageVersionError) that
# leave the version where it was, and what each says about it.
_REFUSALS = {
    "NOT_ALLOWED": "CodeArtifact does not allow this version into the release repository",
    "MISMATCHED_STATUS": "the staged version's status does not allow a copy (is it Published?)",
    "MISMATCHED_REVISION": "the staged version changed while it was being copied",
    "SKIPPED": "CodeArtifact skipped it because of another failure in the same request",
}
COPIED, EXISTS = "copied", "exists"


def copy_version(settings: Settings, source: str, name: str, version: str) -> str:
    """Copy one version from the staging repository `source` into the release repository.

    CopyPackageVersions with `versions` (the API's alternative, `versionRevisions`, pins
    revisions this tool does not track), never `allowOverwrite` (a released version never
    changes) and never `includeFromUpstream` (staging has no upstream, and a copy takes only
    what was staged). Returns COPIED, or EXISTS for ALREADY_EXISTS: the release repository
    has the version already, and the read-back says whether with these files.
    """
    plane = control_plane(settings, timeout=token_timeout())
    if isinstance(plane, str):
        raise explain_failure(plane, settings, _COPY)
    params = {
        "domain": settings.domain,
        "domainOwner": settings.owner,
        "sourceRepository": source,
        "destinationRepository": settings.repository,
        "format": "pypi",
        "package": normalise(name),
        "versions": [version],
    }
    try:
        data = plane.call("copy_package_versions", params, timeout=token_timeout())
    except codeartifact.AwsError as error:
        if error.code == "ResourceNotFoundException":
            msg = (
                f"CodeArtifact has no repository {source} or {settings.repository} in domain "
                f"{settings.domain} (owner {settings.owner}, {settings.region}): check "
                "CODEARTIFACT_STAGING_REPOSITORY and CODEARTIFACT_REPOSITORY at the top of the "
                f"Makefile. AWS said: {error.message}"
            )
            raise ReleaseError(ExitCode.CONFIG, msg) from None
        raise explain_failure(str(error), settings, _COPY) from None
    return copy_outcome(data, settings, source, name, version)


def copy_outcome(
    data: Mapping[str, object], settings: Settings, source: str, name: str, version: str
) -> str:
    """Read CopyPackageVersions' answer for one version: COPIED, EXISTS, or the refusal."""
    copied = data.get("successfulVersions")
    failed = data.get("failedVersions")
    if isinstance(copied, dict) and version in copied:
        return COPIED
    failure = failed.get(version) if isinstance(failed, dict) else None
    if not isinstance(failure, dict):
        msg = f"CodeArtifact's answer to the copy of {name} {version} names no outcome for it."
        raise ReleaseError(ExitCode.BAD_ANSWER, msg)
    code, said = str(failure.get("errorCode", "")), str(failure.get("errorMessage", ""))
    if code == "ALREADY_EXISTS":
        return EXISTS
    if code == "NOT_FOUND":
        msg = (
            f"{name} {version} is not in the staging repository {source} (CodeArtifact: "
            f"NOT_FOUND, {said}): stage it first, `make stage` then `make smoke`."
        )
        raise ReleaseError(ExitCode.NOT_STAGED, msg)
    why = _REFUSALS.get(code, "CodeArtifact refused it")
    msg = (
        f"CodeArtifact did not copy {name} {version} from {source} to {settings.repository}: "
        f"{why} ({code}: {said}). The release repository is as it was; fix what the reason "
        "names, then run `make promote` again."
    )
    raise ReleaseError(ExitCode.COPY_REFUSED, msg)
