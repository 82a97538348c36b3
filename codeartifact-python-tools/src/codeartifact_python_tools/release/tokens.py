"""CodeArtifact's control plane for releases: an authorization token, and what its errors mean."""

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
from codeartifact_python_tools.release.settings import seconds

if TYPE_CHECKING:
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


def get_token(settings: Settings) -> Token:
    """Ask CodeArtifact for a token for the domain (12 hours by default).

    It goes through the name guard's control-plane client, so boto3-or-CLI (NAME_GUARD_AWS),
    the profile and AWS's errors are handled in one place for both.
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
    plane = codeartifact.control_plane(guard)
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


def explain_failure(error: str, settings: Settings) -> ReleaseError:  # noqa: PLR0911 - a message per failure class
    """Turn an AWS error (CLI stderr or botocore's text) into the message for the user."""
    profile = f" --profile {settings.profile}" if settings.profile else ""
    where = f"domain {settings.domain} (owner {settings.owner}, {settings.region})"
    if re.search(r"not on PATH|not installed|neither boto3", error):
        return ReleaseError(
            ExitCode.TOOL,
            f"No way to ask AWS for a token: {error}. Install the AWS CLI v2 (or boto3), then "
            "run `make login` again.",
        )
    if error.startswith("CliBroken"):
        return ReleaseError(ExitCode.TOOL, _last_line(error.removeprefix("CliBroken: ")))
    if re.search(r"^(Timeout|ConnectTimeoutError|ReadTimeoutError)\b", error):
        return ReleaseError(
            ExitCode.UNREACHABLE,
            f"CodeArtifact did not answer the token request for {where} within "
            f"{token_timeout():g} s: check your network or VPN, then run `make login` again.",
        )
    if re.search(r"AccessDenied|not authorized|UnauthorizedOperation", error):
        return ReleaseError(
            ExitCode.ACCESS_DENIED,
            f"AWS refused a CodeArtifact token for {where}: your role needs {_PERMISSIONS}. "
            f"Ask your AWS administrator to attach it. AWS said: {_last_line(error)}",
        )
    credentials_gone = (
        r"Unable to locate credentials|NoCredentials|ExpiredToken|expired|InvalidClientTokenId|"
        r"UnrecognizedClient|SSO session|sso login|could not be found|ProfileNotFound"
    )
    if re.search(credentials_gone, error, re.IGNORECASE):
        return ReleaseError(
            ExitCode.CREDENTIALS,
            "No valid AWS credentials to ask CodeArtifact for a token (missing, expired, or an "
            f"unknown profile). Sign in first, e.g. `aws sso login{profile}`, then run "
            f"`make login` again. AWS said: {_last_line(error)}",
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
            f"run `make login` again. AWS said: {_last_line(error)}",
        )
    return ReleaseError(
        ExitCode.FAILED, f"Getting a CodeArtifact token failed: {_last_line(error)}"
    )


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no message)"
