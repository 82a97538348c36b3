"""CodeArtifact's control plane: an authorization token, through boto3 if importable, else aws."""

from __future__ import annotations

import importlib.util
import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from scripts.release.errors import ExitCode, ReleaseError
from scripts.release.tools import run

if TYPE_CHECKING:
    from scripts.release.settings import Settings

_PERMISSIONS = (
    "codeartifact:GetAuthorizationToken and sts:GetServiceBearerToken "
    "(docs/iam/codeartifact-read.json)"
)


@dataclass(frozen=True)
class Token:
    """An authorization token; the value stays out of repr, logs and messages."""

    value: str = field(repr=False)
    expiration: datetime | None


def client_kind() -> str:
    """Choose boto3 or cli: NAME_GUARD_AWS decides, as for the name guard; auto prefers boto3."""
    wanted = os.environ.get("NAME_GUARD_AWS", "auto").strip().lower()
    if wanted in {"boto3", "cli"}:
        return wanted
    return "boto3" if importlib.util.find_spec("boto3") is not None else "cli"


def get_token(settings: Settings) -> Token:
    """Ask CodeArtifact for a token for the domain (12 hours by default)."""
    if client_kind() == "boto3":
        return _token_from_boto3(settings)
    return _token_from_cli(settings)


def _token_from_cli(settings: Settings) -> Token:
    args = [
        *("aws", "codeartifact", "get-authorization-token"),
        *("--domain", settings.domain, "--domain-owner", settings.owner),
        *("--region", settings.region, "--output", "json"),
    ]
    if settings.profile:
        args += ["--profile", settings.profile]
    process = run(args, timeout=60)
    if process.returncode != 0:
        raise explain_failure(process.stderr, settings)
    try:
        data = json.loads(process.stdout)
        return Token(str(data["authorizationToken"]), parse_expiration(data.get("expiration")))
    except (ValueError, KeyError, TypeError) as error:
        msg = f"`aws codeartifact get-authorization-token` answered something unexpected ({error})."
        raise ReleaseError(ExitCode.FAILED, msg) from None


def _token_from_boto3(settings: Settings) -> Token:
    # Imported by name: boto3 is optional and ships no type information.
    boto3: Any = importlib.import_module("boto3")
    exceptions: Any = importlib.import_module("botocore.exceptions")
    try:
        session = boto3.Session(profile_name=settings.profile or None)
        client = session.client("codeartifact", region_name=settings.region)
        data: dict[str, Any] = client.get_authorization_token(
            domain=settings.domain, domainOwner=settings.owner
        )
    except (exceptions.BotoCoreError, exceptions.ClientError) as error:
        raise explain_failure(str(error), settings) from None
    return Token(str(data["authorizationToken"]), parse_expiration(data.get("expiration")))


def parse_expiration(value: object) -> datetime | None:
    """Read the token's expiry: boto3 gives a datetime, the CLI ISO 8601 text or epoch seconds."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value).astimezone()
    if isinstance(value, str) and value:
        text = re.sub(r"Z$", "+00:00", value.strip())
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.astimezone()
    return None


def explain_failure(error: str, settings: Settings) -> ReleaseError:
    """Turn an AWS error (CLI stderr or botocore's text) into the message for the user."""
    profile = f" --profile {settings.profile}" if settings.profile else ""
    where = f"domain {settings.domain} (owner {settings.owner}, {settings.region})"
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
