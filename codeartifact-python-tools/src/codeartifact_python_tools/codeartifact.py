"""CodeArtifact's control plane, through boto3 or the aws CLI: the tools' AWS edge, bounded.

The name guard asks it about a package and the package group it belongs to (never the
repository's simple endpoint: requesting a name there can ingest the public package into the
repository as a side effect), `protect-name` sets origin controls through it unless a package group
already blocks the upstream, `login` gets a token, `promote` copies a staged version into the
release repository, and `doctor` reads a package's origin controls and its group.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from codeartifact_python_tools.bounded import CACHE
from codeartifact_python_tools.guard.names import has_version, normalise_name
from codeartifact_python_tools.guard.settings import in_ci
from codeartifact_python_tools.guard.verdicts import (
    Origin,
    PackageGroup,
    RepositoryFinding,
    Status,
    covered_by_group,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from codeartifact_python_tools.guard.settings import Settings


class AwsError(Exception):
    """An error from AWS, by its error code ("ResourceNotFoundException", "NoCredentials"...)."""

    def __init__(self, code: str, message: str, resource_type: str = "") -> None:  # noqa: D107
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.resource_type = resource_type  # what was not found: domain, repository, package...

    @property
    def package_missing(self) -> bool:
        """The package (or version) does not exist, as opposed to the domain or repository.

        AWS documents what is missing in the error's `resourceType` (domain, repository, package,
        package-version, asset): boto3 has it, and so has the CLI v2 from 2.34.0 ("Additional
        error details"). Older CLIs print only the message, whose wording is no API: only its
        subject counts, never a word further on, so that a domain or repository that does not
        exist (a wrong region, a typo) never reads as a free name, whatever it is called.
        """
        if self.code != "ResourceNotFoundException":
            return False
        if self.resource_type:
            return self.resource_type in {"package", "package-version"}
        return _PACKAGE_MISSING.match(self.message) is not None


# AWS's messages name what is missing first: "The pypi package 'acme-widgets' does not exist in
# repository 'python'.", "Domain not found. Domain 'acme' owned by account '...' does not exist."
_PACKAGE_MISSING = re.compile(r"(?:The [a-z]+ )?package\b", re.IGNORECASE)


class ControlPlane(Protocol):
    """CodeArtifact operations by their boto3 names, with boto3's parameters and responses."""

    def call(
        self, operation: str, params: dict[str, Any], timeout: float | None = None
    ) -> dict[str, Any]:
        """Run one operation within `timeout` seconds if given; raise AwsError."""
        ...


@dataclass
class Boto3Plane:
    """The control plane through a boto3 `codeartifact` client (real, or stubbed in tests)."""

    client: Any

    def call(
        self, operation: str, params: dict[str, Any], timeout: float | None = None
    ) -> dict[str, Any]:
        """Run one operation; boto3's exceptions become AwsError (the client has timeouts)."""
        del timeout
        exceptions = importlib.import_module("botocore.exceptions")
        try:
            response: dict[str, Any] = getattr(self.client, operation)(**params)
        except exceptions.ClientError as error:
            err = error.response.get("Error", {})
            raise AwsError(
                str(err.get("Code", "ClientError")),
                str(err.get("Message", "")),
                str(error.response.get("resourceType", "")),
            ) from error
        except exceptions.NoCredentialsError as error:
            code = "NoCredentials"
            raise AwsError(code, str(error)) from error
        except exceptions.BotoCoreError as error:
            raise AwsError(type(error).__name__, str(error)) from error
        return response

    @classmethod
    def create(cls, settings: Settings) -> Boto3Plane:
        """Create a client for the configured region and profile that fails fast."""
        boto3 = importlib.import_module("boto3")
        config = importlib.import_module("botocore.config")
        exceptions = importlib.import_module("botocore.exceptions")
        ca = settings.codeartifact
        try:
            session = boto3.Session(profile_name=ca.profile or None, region_name=ca.region)
        except exceptions.ProfileNotFound as error:
            code = "ProfileNotFound"
            raise AwsError(code, str(error)) from error
        client = session.client(
            "codeartifact",
            config=config.Config(
                connect_timeout=settings.timeout,
                read_timeout=settings.timeout,
                retries={"total_max_attempts": 1},
            ),
        )
        return cls(client)


_CLI_ERROR = re.compile(r"An error occurred \((\w+)\)(?: when calling the \w+ operation)?: (.*)")
# CLI v2 from 2.34.0 prints the error's other fields after its message, one `name: value` a line.
_CLI_DETAILS = "\nAdditional error details:\n"
_CLI_PARAMS = {
    "domain": "--domain",
    "domainOwner": "--domain-owner",
    "repository": "--repository",
    "format": "--format",
    "package": "--package",
    "packageVersion": "--package-version",
    "maxResults": "--max-results",
    "nextToken": "--next-token",
    "sourceRepository": "--source-repository",
    "destinationRepository": "--destination-repository",
    "versions": "--versions",
    "allowOverwrite": "--allow-overwrite",
    "includeFromUpstream": "--include-from-upstream",
}


@dataclass
class CliPlane:
    """The control plane through the `aws` CLI found on PATH."""

    aws: str
    settings: Settings

    def command(self, operation: str, params: Mapping[str, Any]) -> list[str]:
        """Build the `aws codeartifact ...` command line for one operation."""
        ca = self.settings.codeartifact
        argv = [self.aws, "codeartifact", operation.replace("_", "-")]
        for key, value in params.items():
            if key == "restrictions":
                argv += ["--restrictions", ",".join(f"{k}={v}" for k, v in value.items())]
                continue
            option = _CLI_PARAMS[key]
            if isinstance(value, bool):  # the CLI's flags: --allow-overwrite, --no-allow-...
                argv.append(option if value else option.replace("--", "--no-", 1))
            elif isinstance(value, list):  # a list member takes its items one after another
                argv += [option, *map(str, value)]
            else:
                argv += [option, str(value)]
        argv += ["--region", ca.region, "--output", "json", "--no-paginate"]
        timeout = str(max(1, int(self.settings.timeout)))
        argv += ["--cli-connect-timeout", timeout, "--cli-read-timeout", timeout]
        if ca.profile:
            argv += ["--profile", ca.profile]
        return argv

    def call(
        self, operation: str, params: dict[str, Any], timeout: float | None = None
    ) -> dict[str, Any]:
        """Run one operation; the CLI's errors become AwsError."""
        timeout = self.settings.timeout if timeout is None else timeout
        env = {**os.environ, "AWS_PAGER": ""}
        try:
            done = subprocess.run(
                self.command(operation, params),
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                env=env,
            )
        except subprocess.TimeoutExpired as error:
            msg = f"no answer within {timeout:g} s"
            code = "Timeout"
            raise AwsError(code, msg) from error
        except OSError as error:
            code = "CliError"
            raise AwsError(code, str(error)) from error
        if done.returncode != 0:
            raise _cli_error(done.stderr, self.aws, done.returncode)
        try:
            data: dict[str, Any] = json.loads(done.stdout or "{}")
        except ValueError as error:
            raise broken_cli(self.aws, done.stdout, done.returncode) from error
        if not isinstance(data, dict):
            raise broken_cli(self.aws, done.stdout, done.returncode)
        return data


def broken_cli(aws: str, said: str, returncode: int) -> AwsError:
    """Explain an `aws` that answers no AWS error and no JSON: a shim, a crash, another program."""
    text = said.strip()
    first = text.splitlines()[0].strip() if text else f"exit code {returncode}, no output"
    if "pyenv" in text:
        why = (
            f"it is a pyenv shim ({first}): the Python version this directory selects has no "
            "aws; install the AWS CLI v2 outside pyenv, or `pyenv shell` a version that has it"
        )
    else:
        why = f"it printed no AWS error and no JSON ({first[:120]})"
    fix = "put a working AWS CLI v2 first on PATH"
    return AwsError("CliBroken", f"the aws CLI at {aws} does not work: {why}; {fix}")


def _cli_error(stderr: str, aws: str = "aws", returncode: int = 1) -> AwsError:
    text = stderr.strip()
    match = _CLI_ERROR.search(text)
    if match:
        fields = {}
        if _CLI_DETAILS in text:
            for line in text.split(_CLI_DETAILS, 1)[1].splitlines():
                name, _, value = line.partition(": ")
                fields[name.strip()] = value.strip()
        return AwsError(match.group(1), match.group(2).strip(), fields.get("resourceType", ""))
    lowered = text.lower()
    if "unable to locate credentials" in lowered or "token has expired" in lowered:
        return AwsError("NoCredentials", text.splitlines()[0] if text else "")
    if "could not be found" in lowered and "profile" in lowered:
        return AwsError("ProfileNotFound", text.splitlines()[0])
    if "could not connect" in lowered or "timed out" in lowered:
        return AwsError("EndpointConnectionError", text.splitlines()[0])
    if "aws" in lowered and ("usage:" in lowered or "error:" in lowered):
        # The CLI's own usage error (an option this version lacks): one line of it is enough.
        lines = [line for line in text.splitlines() if "error" in line.lower()]
        return AwsError("CliError", (lines or text.splitlines())[-1].strip())
    return broken_cli(aws, text, returncode)


# Where AWS's credential chain looks before the instance metadata service: the environment (keys,
# a profile, a web identity, a container's endpoint) and the two shared files.
_CREDENTIAL_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)
NO_CREDENTIALS = (
    "no AWS credentials configured (no AWS_* credentials in the environment, no AWS config or "
    "credentials file); sign in first, e.g. `aws configure sso` then `aws sso login`, or set "
    "NAME_GUARD_AWS=cli to ask the whole credential chain (an EC2 instance role)"
)


def credentials_in_sight(env: Mapping[str, str], home: Path) -> bool:
    """Whether the credential chain has anything to find short of the instance metadata service.

    Cheap: no import, no process. When it is false on a laptop, starting boto3 or the aws CLI
    (about a second either way) can only end in "Unable to locate credentials".
    """
    if any(env.get(name) for name in _CREDENTIAL_VARIABLES):
        return True
    files = (
        env.get("AWS_SHARED_CREDENTIALS_FILE") or home / ".aws" / "credentials",
        env.get("AWS_CONFIG_FILE") or home / ".aws" / "config",
    )
    return any(Path(file).is_file() for file in files)


def control_plane(settings: Settings) -> ControlPlane | str:
    """Create the client NAME_GUARD_AWS asks for, or say why there is none.

    `auto` outside CI first looks for credentials where they can be seen without AWS's tools:
    a new laptop is told at once. CI (where a runner's instance role is common) and the explicit
    modes always ask the whole credential chain.
    """
    # os.path's expanduser: pathlib's raises where no home directory can be found.
    home = Path(os.path.expanduser("~"))  # noqa: PTH111
    if (
        settings.aws == "auto"
        and not in_ci(os.environ)
        and not credentials_in_sight(os.environ, home)
    ):
        return NO_CREDENTIALS
    return _client(settings)


def asks_through_the_cli(settings: Settings) -> bool:
    """Whether `control_plane` would ask through the aws CLI (no boto3), a process per call."""
    if settings.aws == "auto":
        return importlib.util.find_spec("boto3") is None
    return settings.aws == "cli"


def _client(settings: Settings) -> ControlPlane | str:
    mode = settings.aws
    if mode in {"auto", "boto3"}:
        try:
            importlib.import_module("boto3")
        except ImportError:
            if mode == "boto3":
                return "boto3 is not installed (NAME_GUARD_AWS=boto3)"
        else:
            try:
                return Boto3Plane.create(settings)
            except AwsError as error:
                return _reason(error, settings, "DescribePackage")
    aws = shutil.which("aws")
    if aws:
        return CliPlane(aws, settings)
    if mode == "cli":
        return "the aws CLI is not on PATH (NAME_GUARD_AWS=cli)"
    return "neither boto3 nor the aws CLI is available"


def _reason(error: AwsError, settings: Settings, operation: str) -> str:  # noqa: PLR0911 - a message per error class
    """Explain an AWS error to the user."""
    ca = settings.codeartifact
    profile = f"profile {ca.profile!r}" if ca.profile else "the default credential chain"
    if error.code in {"NoCredentials", "ExpiredTokenException", "UnrecognizedClientException"}:
        login = f"aws sso login --profile {ca.profile}" if ca.profile else "aws sso login"
        return f"no valid AWS credentials ({profile}); sign in, e.g. `{login}`"
    if error.code == "CliBroken":
        return error.message
    if error.code == "ProfileNotFound":
        return f"the AWS profile {ca.profile!r} does not exist in your AWS config"
    if error.code == "AccessDeniedException":
        return (
            f"access denied: your AWS identity ({profile}) lacks codeartifact:{operation} on "
            f"domain {ca.domain!r}, repository {ca.repository!r} ({error.message})"
        )
    if error.code in {"Timeout", "ConnectTimeoutError", "ReadTimeoutError"}:
        return f"CodeArtifact did not answer within {settings.timeout:g} s"
    if error.code == "ResourceNotFoundException":
        return (
            f"CodeArtifact has no such {error.resource_type or 'domain or repository'} "
            f"({error.message}): check the domain {ca.domain!r}, account {ca.domain_owner}, "
            f"region {ca.region} and repository {ca.repository!r}"
        )
    if error.code in {"EndpointConnectionError", "ConnectionClosedError"}:
        return f"CodeArtifact is unreachable in {ca.region} ({error.message})"
    return f"{error.code}: {error.message}"


def _package_params(name: str, settings: Settings) -> dict[str, Any]:
    ca = settings.codeartifact
    return {
        "domain": ca.domain,
        "domainOwner": ca.domain_owner,
        "repository": ca.repository,
        "format": "pypi",
        "package": normalise_name(name),
    }


def _group_params(name: str, settings: Settings) -> dict[str, Any]:
    """GetAssociatedPackageGroup's: a package of the domain, in no repository in particular."""
    return {k: v for k, v in _package_params(name, settings).items() if k != "repository"}


# GetAssociatedPackageGroup's restriction types, and what PackageGroup calls them.
_RESTRICTIONS = {
    "PUBLISH": "publish",
    "EXTERNAL_UPSTREAM": "external_upstream",
    "INTERNAL_UPSTREAM": "internal_upstream",
}


def package_group(answer: Mapping[str, Any]) -> PackageGroup | None:
    """The group in GetAssociatedPackageGroup's answer, with each restriction's effective mode.

    `effectiveMode` is `mode` with an INHERIT resolved to the first parent group that sets one;
    a restriction the answer leaves out is unknown (""), which blocks nothing.
    """
    described = answer.get("packageGroup")
    if not isinstance(described, dict) or not described.get("pattern"):
        return None
    configuration = described.get("originConfiguration")
    restrictions = configuration.get("restrictions") if isinstance(configuration, dict) else None
    modes = {}
    for key, field in _RESTRICTIONS.items():
        restriction = restrictions.get(key) if isinstance(restrictions, dict) else None
        restriction = restriction if isinstance(restriction, dict) else {}
        modes[field] = str(restriction.get("effectiveMode") or restriction.get("mode") or "")
    return PackageGroup(pattern=str(described["pattern"]), **modes)


def ask_repository(
    name: str, version: str, settings: Settings, plane: ControlPlane, *, group: bool = True
) -> RepositoryFinding:
    """Ask the control plane about `name` (and `version`), within one timeout overall.

    Two calls answer the usual case (a free name): DescribePackage, then, with `group`,
    GetAssociatedPackageGroup (a group applies to names no repository holds yet). The package's
    versions are asked only when it exists, page by page until the last. The calls are
    sequential so that a stubbed client sees a fixed order. A group lookup that fails (access
    denied, no answer in time) leaves the group unknown and the finding as it would be without.
    """
    where = settings.codeartifact.describe()
    base = _package_params(name, settings)
    deadline = time.monotonic() + settings.timeout
    late = f"CodeArtifact did not answer within {settings.timeout:g} s"

    def ask(operation: str, params: dict[str, Any]) -> dict[str, Any] | AwsError:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return AwsError("Timeout", late)
        try:
            return plane.call(operation, params, timeout=remaining)
        except AwsError as error:
            return error

    package = ask("describe_package", base)
    if isinstance(package, AwsError) and not package.package_missing:
        reason = (
            late if package.code == "Timeout" else _reason(package, settings, "DescribePackage")
        )
        return RepositoryFinding(Status.UNKNOWN, where, reason=reason)
    associated = ask("get_associated_package_group", _group_params(name, settings)) if group else {}
    found_group = package_group(associated) if isinstance(associated, dict) else None
    if isinstance(package, AwsError):  # the package is missing: the name is free
        version_status = Status.FREE if version else Status.SKIPPED
        return RepositoryFinding(
            Status.FREE, where, version_status=version_status, group=found_group
        )
    restrictions = package.get("package", {}).get("originConfiguration", {}).get("restrictions")
    origin = (
        Origin(str(restrictions.get("publish", "")), str(restrictions.get("upstream", "")))
        if isinstance(restrictions, dict)
        else None
    )
    entries = _list_versions(ask, base, deadline)
    versions = tuple(str(e.get("version", "")) for e in entries)
    external = tuple(
        str(e.get("version", ""))
        for e in entries
        if e.get("origin", {}).get("originType") == "EXTERNAL"
    )
    version_status, version_external, reason = Status.SKIPPED, False, ""
    if version and has_version(versions, version):
        version_status, version_external = Status.TAKEN, has_version(external, version)
    elif version:
        # Not among the versions read: DescribePackageVersion says whether it exists. After the
        # deadline (a listing cut short by it included) `ask` no longer asks: UNKNOWN, not FREE.
        answer = ask("describe_package_version", {**base, "packageVersion": version})
        if isinstance(answer, dict):
            version_status = Status.TAKEN
            origin_type = answer.get("packageVersion", {}).get("origin", {}).get("originType")
            version_external = origin_type == "EXTERNAL"
        elif answer.package_missing:
            version_status = Status.FREE
        else:
            version_status = Status.UNKNOWN
            reason = (
                late
                if answer.code == "Timeout"
                else _reason(answer, settings, "DescribePackageVersion")
            )
    return RepositoryFinding(
        Status.TAKEN,
        where,
        origin=origin,
        versions=versions,
        external_versions=external,
        version_status=version_status,
        version_external=version_external,
        reason=reason,
        group=found_group,
    )


def _list_versions(
    ask: Callable[[str, dict[str, Any]], dict[str, Any] | AwsError],
    base: dict[str, Any],
    deadline: float,
) -> list[dict[str, Any]]:
    """Every version entry of the package, following nextToken to the last page.

    A page may hold fewer than maxResults versions. The listing stops at the first page that
    fails, or that arrives after the deadline: such a page is not used, so what is returned is
    what was read in time, and a version not in it is asked about on its own.
    """
    entries: list[dict[str, Any]] = []
    params = {**base, "maxResults": 1000}
    while True:
        page = ask("list_package_versions", params)
        if isinstance(page, AwsError) or time.monotonic() > deadline:
            return entries
        entries += page.get("versions", [])
        token = page.get("nextToken")
        if not token:
            return entries
        params = {**base, "maxResults": 1000, "nextToken": str(token)}


def lookup_repository(
    name: str,
    settings: Settings,
    version: str = "",
    plane: ControlPlane | None = None,
    *,
    group: bool = True,
) -> RepositoryFinding:
    """Look `name` (and `version`) up in the CodeArtifact repository, once per name.

    `group=False` leaves out the name's package group (an alternative to suggest needs only
    to be free).
    """
    where = settings.codeartifact.describe()
    if plane is None:
        if settings.offline:
            reason = "lookups are off (NAME_GUARD_OFFLINE=1)"
            return RepositoryFinding(Status.SKIPPED, where, reason=reason)
        if settings.aws == "none":
            reason = "CodeArtifact lookups are off (NAME_GUARD_AWS=none)"
            return RepositoryFinding(Status.SKIPPED, where, reason=reason)
    if not settings.codeartifact.configured:
        reason = "the CodeArtifact domain, account, region or repository is not set"
        return RepositoryFinding(Status.UNKNOWN, where, reason=reason)
    key = (
        "repository",
        normalise_name(name),
        version,
        settings.codeartifact,
        settings.aws,
        id(plane),
        group,
    )

    def run() -> RepositoryFinding:
        chosen = control_plane(settings) if plane is None else plane
        if isinstance(chosen, str):
            return RepositoryFinding(Status.UNKNOWN, where, reason=chosen)
        return ask_repository(name, version, settings, chosen, group=group)

    return CACHE.get_or_run(key, run)


@dataclass(frozen=True)
class Protection:
    """The outcome of protecting a name: its origin controls set, or a group that already does."""

    ok: bool
    message: str
    origin: Origin | None = None
    group: PackageGroup | None = None  # the name's package group, when it was found
    changed: bool = True  # False: the group protects the name, nothing was set


def associated_group(name: str, settings: Settings, plane: ControlPlane) -> PackageGroup | None:
    """The package group `name` belongs to, or None when the lookup fails (never raises)."""
    try:
        return package_group(
            plane.call("get_associated_package_group", _group_params(name, settings))
        )
    except AwsError:
        return None


def _own_origin(name: str, settings: Settings, plane: ControlPlane) -> Origin | AwsError | None:
    """The package's own origin controls; None when the package does not exist."""
    try:
        package = plane.call("describe_package", _package_params(name, settings))
    except AwsError as error:
        return None if error.package_missing else error
    restrictions = package.get("package", {}).get("originConfiguration", {}).get("restrictions")
    if not isinstance(restrictions, dict):
        return None
    return Origin(str(restrictions.get("publish", "")), str(restrictions.get("upstream", "")))


def set_origin_controls(
    name: str, settings: Settings, plane: ControlPlane | None = None
) -> Protection:
    """Set publish=ALLOW, upstream=BLOCK for `name` (works before its first version exists).

    Unless the name's package group blocks the public upstream already and the package's own
    controls leave publishing open: then nothing is set (`changed` is False). A group or package
    lookup that fails falls back to setting the controls, as without a group.
    """
    ca = settings.codeartifact
    if not ca.configured:
        return Protection(
            ok=False,
            message="the CodeArtifact domain, account, region or repository is not set "
            "(CODEARTIFACT_DOMAIN, CODEARTIFACT_DOMAIN_OWNER, CODEARTIFACT_REGION, "
            "CODEARTIFACT_REPOSITORY)",
        )
    chosen = plane
    if chosen is None:
        if settings.aws == "none":
            return Protection(ok=False, message="CodeArtifact calls are off (NAME_GUARD_AWS=none)")
        found = control_plane(settings)
        if isinstance(found, str):
            return Protection(ok=False, message=found)
        chosen = found
    group = associated_group(name, settings, chosen)
    if group is not None and group.blocks_upstream:
        own = _own_origin(name, settings, chosen)
        if not isinstance(own, AwsError) and covered_by_group(group, own):
            return Protection(ok=True, message=str(group), origin=own, group=group, changed=False)
    params = {
        **_package_params(name, settings),
        "restrictions": {"publish": "ALLOW", "upstream": "BLOCK"},
    }
    try:
        response = chosen.call("put_package_origin_configuration", params)
    except AwsError as error:
        return Protection(
            ok=False, message=_reason(error, settings, "PutPackageOriginConfiguration")
        )
    restrictions = response.get("originConfiguration", {}).get("restrictions", {})
    origin = Origin(str(restrictions.get("publish", "")), str(restrictions.get("upstream", "")))
    return Protection(ok=origin.protected, message=str(origin), origin=origin, group=group)
