"""CodeArtifact's control plane for tests: a fake `aws` executable, and botocore Stubber helpers.

moto has no CodeArtifact backend, so this module follows AWS's documented requests, responses
and errors for the operations our code uses: CodeArtifact's, `sts get-caller-identity`, and the
CloudFormation change-set calls of `make org-plan` / `make org-deploy`. The fake `aws` keeps its
state in a JSON file (path in FAKE_AWS_STATE), so a test can seed it, run real programs that call
`aws`, and read back every call they made. Tokens are never recorded.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from tests.doubles import install_cli
from tests.doubles.state import StateFile, locked
from tests.doubles.state import read as read_state
from tests.doubles.state import write as write_state

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

STATE_ENV = "FAKE_AWS_STATE"
DEFAULT_TOKEN = "fake-codeartifact-token-0123456789abcdef"  # noqa: S105 - a test double's token
# Exit codes of AWS CLI v2: 253 configuration or credentials, 254 a service error.
EXIT_CONFIG = 253
EXIT_SERVICE = 254


# What pyenv's shim prints, with exit code 127, when the Python version the directory selects has
# no such command: its help, and not a word from AWS.
PYENV_SHIM = """#!/bin/sh
cat >&2 <<'EOF'
pyenv: aws: command not found

The `aws' command exists in these Python versions:
  3.11.7

Note: See 'pyenv help global' for tips on allowing both
      python2 and python3 to be found.
EOF
exit 127
"""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


class FakeCodeArtifact(StateFile):
    """One domain and repository, its packages, and the AWS CLI that reaches them."""

    def __init__(  # noqa: PLR0913 - the repository's coordinates, all keyword-only
        self,
        state_file: Path,
        *,
        domain: str = "acme",
        domain_owner: str = "123456789012",
        region: str = "eu-west-1",
        repository: str = "python",
        endpoint: str = "",
    ) -> None:
        super().__init__(
            state_file,
            {
                "domain": domain,
                "domain_owner": domain_owner,
                "region": region,
                "repository": repository,
                "endpoint": endpoint,
                "token": DEFAULT_TOKEN,
                "token_expiration": (_now() + dt.timedelta(hours=12)).isoformat(),
                "credentials": True,
                "sso_expired": False,  # True: the profile's SSO session has expired
                "caller_arn": f"arn:aws:sts::{domain_owner}:assumed-role/Developer/jane",
                "stacks": {},  # CloudFormation: stack name -> status, parameters, outputs
                "change_sets": {},  # change-set name -> stack, type, status, changes
                "profiles": None,  # None: any profile exists; else the list that does
                "latency": 0.0,
                "packages": {},
                "errors": {},
                "calls": [],
                # More repositories that exist, empty: (domain, owner, region, repository).
                "empty_repositories": [],
            },
        )

    # --- State ---------------------------------------------------------------------------------

    def update(self, **changes: Any) -> None:  # noqa: ANN401 - JSON values
        """Change top-level state: token, token_expiration, credentials, sso_expired, latency..."""
        state = self._read()
        state.update(changes)
        self._write(state)

    def add_package(
        self,
        name: str,
        versions: list[str] | None = None,
        *,
        publish: str = "ALLOW",
        upstream: str = "BLOCK",
        external: bool = False,
    ) -> None:
        """Put a package in the repository; external=True: its versions came from the upstream."""
        state = self._read()
        origin = "EXTERNAL" if external else "INTERNAL"
        package = state["packages"].setdefault(
            _normalise(name), {"origin": {"publish": publish, "upstream": upstream}, "versions": {}}
        )
        package["origin"] = {"publish": publish, "upstream": upstream}
        for version in versions or []:
            package["versions"][version] = {"status": "Published", "origin": origin}
        self._write(state)

    def add_empty_repository(
        self, domain: str, domain_owner: str, region: str, repository: str
    ) -> None:
        """Make one more repository exist, with no package in it (another answer set's)."""
        state = self._read()
        state["empty_repositories"].append([domain, domain_owner, region, repository])
        self._write(state)

    def fail(self, operation: str, code: str, message: str = "") -> None:
        """Make every call of `operation` (e.g. "DescribePackage") fail with error `code`."""
        state = self._read()
        state["errors"][operation] = {"code": code, "message": message or f"{code} (forced)"}
        self._write(state)

    def package(self, name: str) -> dict[str, Any] | None:
        """A package's state, or None."""
        found: dict[str, Any] | None = self._read()["packages"].get(_normalise(name))
        return found

    def stack(self, name: str) -> dict[str, Any] | None:
        """A CloudFormation stack's state (status, parameters, outputs), or None."""
        found: dict[str, Any] | None = self._read()["stacks"].get(name)
        return found

    @property
    def calls(self) -> list[dict[str, Any]]:
        """Every call the fake `aws` answered: operation and arguments."""
        calls: list[dict[str, Any]] = self._read()["calls"]
        return calls

    def operations(self) -> list[str]:
        """The operation names called, in order."""
        return [call["operation"] for call in self.calls]

    # --- The executable ------------------------------------------------------------------------

    def install(self, bin_dir: Path) -> Path:
        """Write an executable `aws` into `bin_dir` that serves this state; return its path."""
        return install_cli(bin_dir, "aws", "codeartifact")

    @staticmethod
    def install_pyenv_shim(bin_dir: Path) -> Path:
        """Write an `aws` that fails as a pyenv shim does where the selected Python has no aws."""
        bin_dir.mkdir(parents=True, exist_ok=True)
        aws = bin_dir / "aws"
        aws.write_text(PYENV_SHIM, encoding="utf-8")
        aws.chmod(aws.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        return aws

    def env(self) -> dict[str, str]:
        """The environment variables the fake `aws` needs."""
        return {STATE_ENV: str(self.state_file)}


def _normalise(name: str) -> str:
    import re  # noqa: PLC0415 - keep the fake `aws` start-up small

    return re.sub(r"[-_.]+", "-", name).lower()


# --- The fake `aws` command line (runs in its own process) -------------------------------------

_OPERATIONS = {
    "get-authorization-token": "GetAuthorizationToken",
    "get-repository-endpoint": "GetRepositoryEndpoint",
    "describe-package": "DescribePackage",
    "list-package-versions": "ListPackageVersions",
    "describe-package-version": "DescribePackageVersion",
    "put-package-origin-configuration": "PutPackageOriginConfiguration",
    "delete-repository": "DeleteRepository",
    "delete-domain": "DeleteDomain",
}
_FLAGS_WITHOUT_VALUE = {"--no-paginate", "--debug", "--no-cli-pager"}


class _CliError(Exception):
    def __init__(self, code: int, text: str) -> None:
        super().__init__(text)
        self.code = code
        self.text = text


def _fail(code: str, operation: str, message: str) -> NoReturn:
    text = f"\nAn error occurred ({code}) when calling the {operation} operation: {message}\n"
    raise _CliError(EXIT_SERVICE, text)


def _parse(argv: list[str]) -> tuple[str, dict[str, str]]:
    if len(argv) < 2 or argv[0] != "codeartifact" or argv[1] not in _OPERATIONS:
        raise _CliError(252, f"aws: error: argument operation: invalid choice: {argv[:2]}\n")
    return argv[1], _options(argv[2:])


def _options(args: list[str]) -> dict[str, str]:
    options: dict[str, str] = {}
    rest = list(args)
    while rest:
        flag = rest.pop(0)
        if flag in _FLAGS_WITHOUT_VALUE:
            options[flag[2:]] = "true"
        elif flag.startswith("--") and rest:
            options[flag[2:]] = rest.pop(0)
        else:
            raise _CliError(252, f"aws: error: unrecognized arguments: {flag}\n")
    return options


def _check_session(state: dict[str, Any], options: dict[str, str]) -> None:
    """The profile, the SSO session and the credentials, as every AWS CLI command checks them."""
    profiles = state["profiles"]
    if profiles is not None and "profile" in options and options["profile"] not in profiles:
        text = f"\nThe config profile ({options['profile']}) could not be found\n"
        raise _CliError(255, text)
    if state["sso_expired"]:
        text = "\nError when retrieving token from sso: Token has expired and refresh failed\n"
        raise _CliError(255, text)
    if not state["credentials"]:
        text = (
            '\nUnable to locate credentials. You can configure credentials by running "aws '
            'configure".\n'
        )
        raise _CliError(EXIT_CONFIG, text)


def _check_target(state: dict[str, Any], operation: str, options: dict[str, str]) -> None:
    _check_session(state, options)
    forced = state["errors"].get(operation)
    if forced:
        _fail(forced["code"], operation, forced["message"])
    region = (
        options.get("region")
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION", "")
    )
    if options.get("domain") != state["domain"] or region != state["region"]:
        message = f"The domain {options.get('domain')} is not found in {region or 'no region'}."
        _fail("ResourceNotFoundException", operation, message)
    if options.get("domain-owner", state["domain_owner"]) != state["domain_owner"]:
        _fail("AccessDeniedException", operation, "Not authorized on this domain.")
    repositories = (state["repository"], state.get("upstream_repository", "pypi-store"))
    if "repository" in options and options["repository"] not in repositories:
        message = f"Repository {options['repository']} not found in domain {state['domain']}."
        _fail("ResourceNotFoundException", operation, message)
    if "format" in options and options["format"] != "pypi":
        _fail("ValidationException", operation, "This test double serves pypi.")


def _empty_repository(state: dict[str, Any], options: dict[str, str]) -> dict[str, Any] | None:
    """The state of one of the empty repositories, when the call names it; else None."""
    keys = ("domain", "domain-owner", "region", "repository")
    wanted = [
        options.get(key) or (os.environ.get("AWS_REGION", "") if key == "region" else "")
        for key in keys
    ]
    if wanted not in state.get("empty_repositories", []):
        return None
    domain, owner, region, repository = wanted
    coordinates = {"domain": domain, "domain_owner": owner, "region": region}
    return {**state, **coordinates, "repository": repository, "packages": {}}


def _origin(state: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    if entry["origin"] == "EXTERNAL":
        point = {"externalConnectionName": "public:pypi"}
    else:
        point = {"repositoryName": state["repository"]}
    return {"domainEntryPoint": point, "originType": entry["origin"]}


def _domain_answer(
    state: dict[str, Any], operation: str, options: dict[str, str]
) -> dict[str, Any]:
    """The operations on the domain and repositories rather than on one package."""
    owner = state["domain_owner"]
    answers: dict[str, Callable[[], dict[str, Any]]] = {
        "GetAuthorizationToken": lambda: {
            "authorizationToken": state["token"],
            "expiration": state["token_expiration"],
        },
        "GetRepositoryEndpoint": lambda: {"repositoryEndpoint": state["endpoint"]},
        "DeleteRepository": lambda: {
            "repository": {
                "name": options["repository"],
                "domainName": state["domain"],
                "domainOwner": owner,
            }
        },
        "DeleteDomain": lambda: {"domain": {"name": state["domain"], "owner": owner}},
    }
    return answers[operation]()


_DOMAIN_OPERATIONS = {
    "GetAuthorizationToken",
    "GetRepositoryEndpoint",
    "DeleteRepository",
    "DeleteDomain",
}


def _answer(state: dict[str, Any], operation: str, options: dict[str, str]) -> dict[str, Any]:
    if operation in _DOMAIN_OPERATIONS:
        return _domain_answer(state, operation, options)
    name = options.get("package", "")
    if name != _normalise(name):
        # AWS wants the normalised name for pypi packages and finds nothing under another one.
        _fail("ResourceNotFoundException", operation, f"Package {name} not found.")
    package = state["packages"].get(name)
    if operation == "PutPackageOriginConfiguration":
        restrictions = dict(pair.split("=", 1) for pair in options["restrictions"].split(","))
        package = state["packages"].setdefault(name, {"origin": {}, "versions": {}})
        package["origin"] = {
            "publish": restrictions["publish"],
            "upstream": restrictions["upstream"],
        }
        return {"originConfiguration": {"restrictions": package["origin"]}}
    if package is None:
        message = f"Package {name} not found in repository {state['repository']}."
        _fail("ResourceNotFoundException", operation, message)
    if operation == "DescribePackage":
        return {
            "package": {
                "format": "pypi",
                "name": name,
                "originConfiguration": {"restrictions": package["origin"]},
            }
        }
    if operation == "ListPackageVersions":
        versions = [
            {
                "version": version,
                "revision": f"rev-{version}",
                "status": entry["status"],
                "origin": _origin(state, entry),
            }
            for version, entry in package["versions"].items()
        ]
        listing: dict[str, Any] = {"format": "pypi", "package": name, "versions": versions}
        if versions:
            listing["defaultDisplayVersion"] = versions[-1]["version"]
        return listing
    # DescribePackageVersion
    version = options.get("package-version", "")
    entry = package["versions"].get(version)
    if entry is None:
        message = f"Package version {name} {version} not found."
        _fail("ResourceNotFoundException", operation, message)
    return {
        "packageVersion": {
            "format": "pypi",
            "packageName": name,
            "version": version,
            "status": entry["status"],
            "origin": _origin(state, entry),
        }
    }


def _output(data: dict[str, Any], options: dict[str, str]) -> str:
    query = options.get("query")
    if query:
        value: Any = data.get(query)
        if options.get("output") == "text":
            return f"{value}\n"
        return json.dumps(value) + "\n"
    return json.dumps(data, indent=4) + "\n"


def cli_main(argv: list[str]) -> int:
    """The fake `aws`: `aws codeartifact <operation> --option value ...`."""
    import time  # noqa: PLC0415 - only the executable sleeps

    state_file = Path(os.environ[STATE_ENV])
    if argv[:1] in (["sts"], ["cloudformation"]):
        return _other_main(state_file, argv)
    try:
        command, options = _parse(argv)
        operation = _OPERATIONS[command]
        with locked(state_file):
            state = read_state(state_file)
            recorded = {k: v for k, v in options.items() if "token" not in k}
            state["calls"].append({"operation": operation, "args": recorded})
            write_state(state_file, state)
        if state["latency"]:
            time.sleep(state["latency"])
        state = _empty_repository(state, options) or state
        _check_target(state, operation, options)
        with locked(state_file):
            state = read_state(state_file)
            data = _answer(state, operation, options)
            write_state(state_file, state)
    except _CliError as error:
        sys.stderr.write(error.text)
        return error.code
    sys.stdout.write(_output(data, options))
    return 0


# --- sts and CloudFormation (the org stack's make targets) ------------------------------------

_STS = {"get-caller-identity": "GetCallerIdentity"}
_CLOUDFORMATION = {
    "describe-stacks": "DescribeStacks",
    "create-change-set": "CreateChangeSet",
    "describe-change-set": "DescribeChangeSet",
    "execute-change-set": "ExecuteChangeSet",
    "delete-change-set": "DeleteChangeSet",
    "wait change-set-create-complete": "wait change-set-create-complete",
    "wait stack-create-complete": "wait stack-create-complete",
    "wait stack-update-complete": "wait stack-update-complete",
    "delete-stack": "DeleteStack",
    "wait stack-delete-complete": "wait stack-delete-complete",
}
_NO_CHANGES = (
    "The submitted information didn't contain changes. Submit different information to create "
    "a change set."
)


def _other_main(state_file: Path, argv: list[str]) -> int:
    """`aws sts ...` and `aws cloudformation ...`, recorded like the CodeArtifact calls."""
    service, rest = argv[0], argv[1:]
    table = _STS if service == "sts" else _CLOUDFORMATION
    command = " ".join(rest[:2]) if rest[:1] == ["wait"] else " ".join(rest[:1])
    if command not in table:
        sys.stderr.write(f"aws: error: argument operation: invalid choice: {command}\n")
        return 252
    operation = table[command]
    try:
        options = _options(rest[len(command.split()) :])
        with locked(state_file):
            state = read_state(state_file)
            state["calls"].append({"operation": operation, "args": options})
            write_state(state_file, state)
        if state["latency"]:
            import time  # noqa: PLC0415 - only the executable sleeps

            time.sleep(state["latency"])
        with locked(state_file):
            state = read_state(state_file)
            _check_session(state, options)
            data = _cloud(state, operation, options) if service != "sts" else _caller(state)
            write_state(state_file, state)
    except _CliError as error:
        sys.stderr.write(error.text)
        return error.code
    if data is not None:
        sys.stdout.write(_output(data, options))
    return 0


def _caller(state: dict[str, Any]) -> dict[str, Any]:
    """GetCallerIdentity's documented response."""
    return {
        "UserId": "AROAEXAMPLEID:jane",
        "Account": state["domain_owner"],
        "Arn": state["caller_arn"],
    }


def _template_sections(path: str) -> dict[str, list[tuple[str, str]]]:
    """The logical ids (and types) under Parameters and Resources of a YAML template."""
    text = Path(path.removeprefix("file://")).read_text(encoding="utf-8")
    sections: dict[str, list[tuple[str, str]]] = {}
    current = ""
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if line and not line.startswith((" ", "#")):
            current = line.split(":", 1)[0]
        elif line.startswith("  ") and not line.startswith("   ") and line.rstrip().endswith(":"):
            following = lines[number + 1].strip() if number + 1 < len(lines) else ""
            kind = following.removeprefix("Type:").strip() if following.startswith("Type:") else ""
            sections.setdefault(current, []).append((line.strip().rstrip(":"), kind))
    return sections


def _cloud(  # noqa: C901, PLR0911 - one branch per CloudFormation operation, as AWS documents them
    state: dict[str, Any], operation: str, options: dict[str, str]
) -> dict[str, Any] | None:
    """One CloudFormation operation on the state: stacks and change sets."""
    name = options.get("stack-name", "")
    stack = state["stacks"].get(name)
    if operation == "CreateChangeSet":
        return _create_change_set(state, options)
    if operation == "DeleteStack":
        # The domain and repositories are Retain: deleting the stack leaves them (and packages).
        state["stacks"].pop(name, None)
        return None
    if operation == "wait stack-delete-complete":
        return None
    if operation == "DescribeStacks" or operation.startswith("wait stack"):
        if stack is None:
            _fail("ValidationError", "DescribeStacks", f"Stack with id {name} does not exist")
        found = {"StackName": name, "StackId": _arn(state, options, "stack", name), **stack}
        return None if operation.startswith("wait") else {"Stacks": [found]}
    change_set = state["change_sets"].get(options.get("change-set-name", ""))
    if operation.startswith("wait change-set"):
        if change_set is None or change_set["Status"] == "FAILED":
            raise _CliError(255, _WAITER_FAILED)
        return None
    if change_set is None or change_set["StackName"] != name:
        message = f"ChangeSet [{options.get('change-set-name')}] does not exist"
        _fail("ChangeSetNotFound", operation, message)
    if operation == "DescribeChangeSet":
        return dict(change_set)
    if operation == "DeleteChangeSet":
        del state["change_sets"][change_set["ChangeSetName"]]
        return None
    _execute_change_set(state, options, change_set)
    return None


_WAITER_FAILED = (
    "\nWaiter ChangeSetCreateComplete failed: Waiter encountered a terminal failure state: For "
    'expression "Status" we matched expected path: "FAILED"\n'
)


def _arn(state: dict[str, Any], options: dict[str, str], kind: str, name: str) -> str:
    region, account = options.get("region", ""), state["domain_owner"]
    return f"arn:aws:cloudformation:{region}:{account}:{kind}/{name}/0f00d"


def _create_change_set(state: dict[str, Any], options: dict[str, str]) -> dict[str, Any]:
    operation, name, change_set = (
        "CreateChangeSet",
        options["stack-name"],
        options["change-set-name"],
    )
    sections = _template_sections(options["template-body"])
    known = {key for key, _ in sections.get("Parameters", [])}
    given = {p["ParameterKey"]: p["ParameterValue"] for p in json.loads(options["parameters"])}
    unknown = sorted(set(given) - known)
    if unknown:
        _fail("ValidationError", operation, f"Parameters: {unknown} do not exist in the template")
    stack = state["stacks"].get(name)
    creating = options.get("change-set-type") == "CREATE"
    if creating and stack is not None and stack["StackStatus"] != "REVIEW_IN_PROGRESS":
        message = f"Stack [{name}] already exists and cannot be created again with the changeSet"
        _fail("ValidationError", operation, f"{message} [{change_set}].")
    if not creating and stack is None:
        _fail("ValidationError", operation, f"Stack [{name}] does not exist")
    if stack is None:
        stack = state["stacks"][name] = {"StackStatus": "REVIEW_IN_PROGRESS", "Parameters": []}
    old = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}
    action = "Add" if creating else "Modify"
    unchanged = not creating and old == given
    changes = [
        {
            "Type": "Resource",
            "ResourceChange": {
                "Action": action,
                "LogicalResourceId": logical,
                "ResourceType": kind,
                **({"Replacement": "False"} if action == "Modify" else {}),
            },
        }
        for logical, kind in sections.get("Resources", [])
    ]
    change_id = _arn(state, options, "changeSet", change_set)
    state["change_sets"][change_set] = {
        "ChangeSetName": change_set,
        "ChangeSetId": change_id,
        "StackName": name,
        "StackId": _arn(state, options, "stack", name),
        "Type": options.get("change-set-type"),
        "Status": "FAILED" if unchanged else "CREATE_COMPLETE",
        "ExecutionStatus": "UNAVAILABLE" if unchanged else "AVAILABLE",
        **({"StatusReason": _NO_CHANGES} if unchanged else {}),
        "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in given.items()],
        "Capabilities": options.get("capabilities", "").split(),
        "Changes": [] if unchanged else changes,
    }
    return {"Id": change_id, "StackId": _arn(state, options, "stack", name)}


def _execute_change_set(
    state: dict[str, Any], options: dict[str, str], change_set: dict[str, Any]
) -> None:
    """The stack takes the change set's parameters and gets its outputs."""
    if change_set["ExecutionStatus"] != "AVAILABLE":
        message = "ChangeSet is in an invalid status for execution."
        _fail("InvalidChangeSetStatus", "ExecuteChangeSet", message)
    name = change_set["StackName"]
    stack = state["stacks"][name]
    created = change_set["Type"] == "CREATE"
    stack["StackStatus"] = "CREATE_COMPLETE" if created else "UPDATE_COMPLETE"
    stack["Parameters"] = change_set["Parameters"]
    values = {p["ParameterKey"]: p["ParameterValue"] for p in change_set["Parameters"]}
    account, region = state["domain_owner"], options.get("region", "")
    host = f"{values['DomainName']}-{account}.d.codeartifact.{region}.amazonaws.com"
    policy = f"arn:aws:iam::{account}:policy/{name}"
    outputs = {
        "IndexUrl": f"https://{host}/pypi/{values.get('RepositoryName', 'python')}/simple/",
        "ReleaseRoleArn": f"arn:aws:iam::{account}:role/"
        + values.get("ReleaseRoleName", "codeartifact-release"),
        **{
            f"{kind}PolicyArn": f"{policy}-{kind}Policy-1A2B3C"
            for kind in ("Read", "Publish", "NameGuard", "OriginControls")
        },
    }
    stack["Outputs"] = [{"OutputKey": k, "OutputValue": v} for k, v in outputs.items()]
    # Executing one change set deletes the stack's others, as CloudFormation does.
    for other in [k for k, v in state["change_sets"].items() if v["StackName"] == name]:
        del state["change_sets"][other]


# --- botocore Stubber helpers ------------------------------------------------------------------


def boto3_client(region: str = "eu-west-1") -> Any:  # noqa: ANN401 - boto3 has no types here
    """A real `codeartifact` client with dummy credentials: it never signs a real request."""
    import boto3  # noqa: PLC0415 - only the Stubber tests need it

    return boto3.client(
        "codeartifact",
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 - not a secret
    )


@contextmanager
def stubbed_client(region: str = "eu-west-1") -> Iterator[tuple[Any, Any]]:
    """A real client and its Stubber, activated; every queued response must be used."""
    from botocore.stub import Stubber  # noqa: PLC0415

    client = boto3_client(region)
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def add_not_found(  # noqa: PLR0913 - the error's documented fields, all keyword-only
    stubber: Any,  # noqa: ANN401 - botocore's Stubber has no types here
    operation: str,
    *,
    resource_type: str,
    resource_id: str,
    message: str,
    expected_params: dict[str, str] | None = None,
) -> None:
    """Queue CodeArtifact's ResourceNotFoundException (HTTP 404) for one call of `operation`."""
    stubber.add_client_error(
        operation,
        service_error_code="ResourceNotFoundException",
        service_message=message,
        http_status_code=404,
        modeled_fields={
            "message": "not found",
            "resourceId": resource_id,
            "resourceType": resource_type,
        },
        expected_params=expected_params,
    )


def package_params(
    name: str, *, domain: str = "acme", owner: str = "123456789012", repository: str = "python"
) -> dict[str, str]:
    """The parameters our code sends for a package: the normalised name, format pypi."""
    return {
        "domain": domain,
        "domainOwner": owner,
        "repository": repository,
        "format": "pypi",
        "package": _normalise(name),
    }


def describe_package_response(
    name: str, publish: str = "ALLOW", upstream: str = "BLOCK"
) -> dict[str, Any]:
    """DescribePackage's documented response shape."""
    return {
        "package": {
            "format": "pypi",
            "name": _normalise(name),
            "originConfiguration": {"restrictions": {"publish": publish, "upstream": upstream}},
        }
    }


def list_versions_response(
    name: str, versions: list[str], *, external: bool = False, repository: str = "python"
) -> dict[str, Any]:
    """ListPackageVersions' documented response shape."""
    entry = {"origin": "EXTERNAL" if external else "INTERNAL"}
    state = {"repository": repository}
    listing: dict[str, Any] = {
        "format": "pypi",
        "package": _normalise(name),
        "versions": [
            {
                "version": v,
                "revision": f"rev-{v}",
                "status": "Published",
                "origin": _origin(state, entry),
            }
            for v in versions
        ],
    }
    if versions:
        listing["defaultDisplayVersion"] = versions[-1]
    return listing
