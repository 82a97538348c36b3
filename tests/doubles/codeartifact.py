"""CodeArtifact's control plane for tests: a fake `aws` executable, and botocore Stubber helpers.

moto has no CodeArtifact backend, so this module follows AWS's documented requests, responses
and errors for the operations our code uses: CodeArtifact's, `sts get-caller-identity`, and the
CloudFormation change-set calls of `make org-plan` / `make org-deploy`.

The fake `aws` reads its command line as AWS CLI v2 does, from botocore's own service models (the
CLI builds its commands from the same models): the command `describe-package` is DescribePackage,
the input member `domainOwner` the option `--domain-owner`, a required member a required option,
and a paginated operation takes the CLI's paging options too. A bad command line fails before
anything is "sent", with the CLI's exit code 252 and usage text; the parameters are then checked
as botocore checks them (252), and as the service does (its validation error, 254). It prints
what `--output` asks for, else AWS_DEFAULT_OUTPUT, else the profile's `output` in the AWS config
file, else JSON; timestamps as the profile's `cli_timestamp_format` says (iso8601, the default:
local time with its offset; wire: CodeArtifact's epoch seconds). Which CLI v2 release it plays
(`cli_version`) decides how errors read: 2.34.0 prefixed every error with "aws: [ERROR]:" and
shows a service error's fields ("Additional error details").

The fake keeps its state in a JSON file (path in FAKE_AWS_STATE), so a test can seed it, run real
programs that call `aws`, and read back every call they made. The authorization token it hands
out is never recorded. A repository may keep its package files in a folder (a local index's, such
as pypiserver's packages/): `copy-package-versions` then really copies a version's files from one
such folder to another, as CopyPackageVersions copies a version's assets.
"""

from __future__ import annotations

import argparse
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
# Exit codes of AWS CLI v2: 252 a bad command line or parameter, 253 configuration or
# credentials, 254 a service error, 255 anything else.
EXIT_USAGE = 252
EXIT_CONFIG = 253
EXIT_SERVICE = 254
EXIT_GENERAL = 255
# The CLI v2 release the fake plays unless a test says otherwise: its errors read as they did from
# 2.31.0 to 2.33.x (usage errors "aws: [ERROR]: ...", service errors without a prefix).
CLI_VERSION = "2.33.0"
# ListPackageVersions' maxResults is a maximum: a page may hold fewer versions, and a client must
# follow nextToken. The fake's pages hold at most this many (a test may make them smaller).
PAGE_LIMIT = 1000


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
                # ISO 8601; the CLI prints it as the profile's cli_timestamp_format says.
                "token_expiration": (_now() + dt.timedelta(hours=12)).isoformat(),
                "credentials": True,
                "sso_expired": False,  # True: the profile's SSO session has expired
                "caller_arn": f"arn:aws:sts::{domain_owner}:assumed-role/Developer/jane",
                "stacks": {},  # CloudFormation: stack name -> status, parameters, outputs
                "change_sets": {},  # change-set name -> stack, type, status, changes
                "profiles": None,  # None: any profile exists; else the list that does
                "latency": 0.0,
                "packages": {},
                "page_limit": PAGE_LIMIT,
                "cli_version": CLI_VERSION,
                # Derived here, once, rather than inside a timed call of the fake `aws`.
                "cli_table": str(cli_table_path()),
                "errors": {},
                "calls": [],
                # More repositories that exist, empty: (domain, owner, region, repository).
                "empty_repositories": [],
                # The domain's package groups besides its root /*, by pattern (see _GROUPS).
                "package_groups": {},
                # More repositories of the domain, by name: the folder each keeps its package
                # files in (a local index's), for copy-package-versions.
                "repositories": {},
                # copy-package-versions' failure a test forces for a version (see fail_copy).
                "copy_failures": {},
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

    def fail(self, operation: str, code: str, message: str = "", **fields: str) -> None:
        """Make every call of `operation` (e.g. "DescribePackage") fail with error `code`.

        `fields` are the error's modelled members besides its message, e.g. resourceType.
        """
        state = self._read()
        state["errors"][operation] = {
            "code": code,
            "message": message or f"{code} (forced)",
            "fields": fields,
        }
        self._write(state)

    def add_package_group(
        self,
        pattern: str,
        *,
        publish: str = "INHERIT",
        external_upstream: str = "INHERIT",
        internal_upstream: str = "INHERIT",
        repositories: dict[str, list[str]] | None = None,
    ) -> None:
        """Create (or replace) a package group, as CreatePackageGroup then its origin controls.

        `repositories`: the allowed repository list of each restriction type (PUBLISH, ...).
        """
        _parse_pattern(pattern)
        state = self._read()
        modes = {
            "PUBLISH": publish,
            "EXTERNAL_UPSTREAM": external_upstream,
            "INTERNAL_UPSTREAM": internal_upstream,
        }
        state["package_groups"][pattern] = _new_group(
            modes, {kind: list(names) for kind, names in (repositories or {}).items()}
        )
        self._write(state)

    def package_group(self, pattern: str) -> dict[str, Any] | None:
        """A package group's state (modes and allowed repositories), or None."""
        found: dict[str, Any] | None = self._read()["package_groups"].get(pattern)
        return found

    def add_repository(self, repository: str, files: Path) -> None:
        """Make a repository of the domain keep its package files in `files` (a local index's).

        The repository the fake serves (`repository`) may be given its folder too. A version of
        a package there is the set of its files (wheels, sdist) in the folder, as a version's
        assets are in CodeArtifact.
        """
        state = self._read()
        state["repositories"][repository] = {"files": str(files)}
        self._write(state)

    def fail_copy(self, version: str, code: str, message: str = "") -> None:
        """Make copy-package-versions report `version` in failedVersions with `code`.

        For the error codes AWS names without saying when a copy meets them (NOT_ALLOWED,
        MISMATCHED_STATUS, SKIPPED): the fake produces ALREADY_EXISTS, NOT_FOUND and
        MISMATCHED_REVISION itself, from the files.
        """
        state = self._read()
        state["copy_failures"][version] = {
            "errorCode": code,
            "errorMessage": message or f"{code} (forced)",
        }
        self._write(state)

    def remove_package_group(self, pattern: str) -> None:
        """Delete a package group, as DeletePackageGroup does (its packages stay)."""
        state = self._read()
        state["package_groups"].pop(pattern, None)
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
        """Every call the fake `aws` answered: operation and the options given, by CLI name."""
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


# --- The CLI's commands, from botocore's models -----------------------------------------------

_SERVICES = ("codeartifact", "cloudformation", "sts")
_TABLE_LAYOUT = 2  # bump when the table's layout changes: the cached tables are then rebuilt


def cli_table_path() -> Path:
    """A file with the served services' commands and options, as the AWS CLI derives them.

    Loading botocore's models takes half a second, too long for every call of the fake: the
    table is derived once per botocore version and kept in the temporary directory.
    """
    import tempfile  # noqa: PLC0415 - keep the fake `aws` start-up small
    from importlib.metadata import version  # noqa: PLC0415

    name = f"fake-aws-cli-botocore-{version('botocore')}-{_TABLE_LAYOUT}.json"
    path = Path(tempfile.gettempdir()) / name
    if not path.is_file():
        partial = path.with_name(f".{name}.{os.getpid()}")
        partial.write_text(json.dumps(_derive_cli_table()), encoding="utf-8")
        partial.replace(path)  # whole or not at all: another process may be reading it
    return path


def _cli_table(state: dict[str, Any]) -> dict[str, Any]:
    path = state.get("cli_table") or cli_table_path()
    try:
        table: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # removed since: derived again
        table = json.loads(cli_table_path().read_text(encoding="utf-8"))
    return table


def _derive_cli_table() -> dict[str, Any]:
    import botocore.session  # noqa: PLC0415 - only when the cached table is missing
    from botocore import xform_name  # noqa: PLC0415
    from botocore.exceptions import DataNotFoundError  # noqa: PLC0415

    session = botocore.session.get_session()
    services: dict[str, Any] = {}
    for service in _SERVICES:
        model = session.get_service_model(service)
        try:
            paginators = session.get_paginator_model(service)
        except DataNotFoundError:
            paginators = None
        commands = {}
        for name in model.operation_names:
            operation = model.operation_model(name)
            commands[xform_name(name, "-")] = {
                "operation": name,
                "options": _model_options(operation.input_shape, xform_name),
                "paging": _paging(paginators, name, xform_name),
            }
        try:
            waiter_model = session.get_waiter_model(service)
        except DataNotFoundError:
            waiters = {}
        else:
            waiters = {
                xform_name(waiter, "-"): xform_name(waiter_model.get_waiter(waiter).operation, "-")
                for waiter in waiter_model.waiter_names
            }
        # The error code for a request the service's model refuses: ValidationException from
        # the rest-json services (CodeArtifact), ValidationError from the query ones.
        protocol = model.metadata.get("protocol")
        invalid = "ValidationException" if protocol == "rest-json" else "ValidationError"
        services[service] = {"commands": commands, "waiters": waiters, "invalid": invalid}
    return {"services": services}


def _model_options(shape: Any, xform_name: Callable[[str, str], str]) -> dict[str, Any]:  # noqa: ANN401 - botocore's shapes have no types here
    """Each input member as its CLI option: `domainOwner` -> `--domain-owner`."""
    if shape is None:
        return {}
    required = set(shape.required_members)
    options = {}
    for member, member_shape in shape.members.items():
        entry = {
            "member": member,
            "type": member_shape.type_name,
            "required": member in required,
            **_constraints(member_shape),
        }
        if member_shape.type_name == "structure":
            entry.update(_structure_rules(member_shape))
        elif member_shape.type_name == "list":
            item = member_shape.member
            entry["items"] = {"type": item.type_name, **_constraints(item)}
            if item.type_name == "structure":
                entry["items"].update(_structure_rules(item))
        elif member_shape.type_name == "map":
            entry["key"] = _constraints(member_shape.key)
            entry["value"] = _constraints(member_shape.value)
        options[xform_name(member, "-")] = entry
    return options


def _constraints(shape: Any) -> dict[str, Any]:  # noqa: ANN401 - a botocore shape
    return {k: v for k, v in shape.metadata.items() if k in {"min", "max", "pattern", "enum"}}


def _structure_rules(shape: Any) -> dict[str, Any]:  # noqa: ANN401 - a botocore shape
    return {
        "members": {k: _constraints(v) for k, v in shape.members.items()},
        "required_members": list(shape.required_members),
    }


def _paging(
    paginators: Any,  # noqa: ANN401 - botocore's PaginatorModel, or None
    operation: str,
    xform_name: Callable[[str, str], str],
) -> dict[str, Any] | None:
    """The operation's own paging options; the CLI pages for the user unless one is given."""
    if paginators is None:
        return None
    try:
        config = paginators.get_paginator(operation)
    except ValueError:
        return None
    tokens = config["input_token"]
    manual = [
        xform_name(token, "-") for token in (tokens if isinstance(tokens, list) else [tokens])
    ]
    limit = config.get("limit_key")
    if limit:
        manual.append(xform_name(limit, "-"))
    return {"manual": manual, "limit": bool(limit)}


# --- How the CLI fails -------------------------------------------------------------------------


class _CliError(Exception):
    """The CLI stops: each subclass is one of its error handlers, with its exit code."""

    exit_code = EXIT_GENERAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _UsageError(_CliError):
    """argparse refused the command line: the message, then the usage."""

    exit_code = EXIT_USAGE


class _UnknownOptionsError(_CliError):
    """Options the command does not have."""

    exit_code = EXIT_USAGE


class _ParamError(_CliError):
    """A parameter the CLI or botocore refuses before sending anything."""

    exit_code = EXIT_USAGE


class _ConfigError(_CliError):
    """No region, no credentials, a bad configuration value."""

    exit_code = EXIT_CONFIG

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


class _ServiceError(_CliError):
    """The service's answer: an error code, its message and its other modelled fields."""

    exit_code = EXIT_SERVICE

    def __init__(
        self, code: str, operation: str, message: str, fields: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.operation = operation
        self.fields = fields or {}


def _fail(code: str, operation: str, message: str, **fields: str) -> NoReturn:
    raise _ServiceError(code, operation, message, fields)


_USAGE = (
    "aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n"
    "To see help text, you can run:\n"
    "\n"
    "  aws help\n"
    "  aws <command> help\n"
    "  aws <command> <subcommand> help\n"
)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:2])


def _stderr(failure: _CliError, version: tuple[int, ...]) -> str:  # noqa: PLR0911 - one form per handler and release
    """What the CLI's error handler for `failure` prints, in the release `version`."""
    enhanced = version >= (2, 34)  # "aws: [ERROR]:" everywhere, and a service error's fields

    def line(message: str) -> str:
        return f"\naws: [ERROR]: {message.strip()}\n"

    message = failure.message
    if isinstance(failure, _UnknownOptionsError):
        if enhanced:
            return f"\nusage: {_USAGE}\n" + line(message)
        return f"\nusage: {_USAGE}\n{message}\n\n"
    if isinstance(failure, (_UsageError, _ParamError)):
        if isinstance(failure, _UsageError):
            message = f"{message}\n\n{_Parser().format_usage()}"
            if not enhanced:
                prefix = "aws: [ERROR]:" if version >= (2, 31) else "aws: error:"
                return f"\n{prefix} {message}\n"
        return (
            line(f"An error occurred (ParamValidation): {message}")
            if enhanced
            else f"\n{message}\n"
        )
    if isinstance(failure, _ConfigError):
        return (
            line(f"An error occurred ({failure.code}): {message}") if enhanced else f"\n{message}\n"
        )
    if isinstance(failure, _ServiceError):
        text = f"An error occurred ({failure.code}) when calling the {failure.operation} operation"
        if not enhanced:
            return f"\n{text}: {message}\n"
        details = "".join(f"{key}: {value}\n" for key, value in failure.fields.items())
        return line(f"{text}: {message}") + (
            f"\nAdditional error details:\n{details}" * bool(details)
        )
    return line(message) if enhanced else f"\n{message}\n"


# --- The command line, read as the CLI reads it -----------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse as the AWS CLI sets it up: its usage, its invalid-choice message, no exit."""

    def __init__(self) -> None:
        super().__init__(
            prog="aws",
            usage=_USAGE,
            add_help=False,
            conflict_handler="resolve",
            argument_default=argparse.SUPPRESS,
        )

    def _check_value(self, action: argparse.Action, value: Any) -> None:  # noqa: ANN401 - argparse's signature
        choices = list(action.choices) if action.choices is not None else None
        if choices is not None and value not in choices:
            import difflib  # noqa: PLC0415 - only for a mistyped choice

            lines = [f"Found invalid choice '{value}'\n"]
            close = difflib.get_close_matches(value, choices, cutoff=0.8)
            if close:
                lines += ["Maybe you meant:\n", *(f"  * {word}" for word in close)]
            raise argparse.ArgumentError(action, "\n".join(lines))

    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


_GLOBAL_FLAGS = (
    "debug",
    "no-verify-ssl",
    "no-paginate",
    "no-sign-request",
    "no-cli-pager",
    "cli-auto-prompt",
    "no-cli-auto-prompt",
)
_GLOBAL_VALUES = ("endpoint-url", "query", "profile", "region", "ca-bundle")
_OUTPUTS = ("json", "text", "table", "yaml", "yaml-stream")


def _add_global_options(parser: _Parser, version: tuple[int, ...]) -> None:
    """The options every command takes (the CLI's cli.json), as `version` has them."""
    for flag in _GLOBAL_FLAGS:
        parser.add_argument(f"--{flag}", dest=flag, action="store_const", const="true")
    for name in _GLOBAL_VALUES:
        parser.add_argument(f"--{name}", dest=name)
    outputs = [*_OUTPUTS, "off"] if version >= (2, 34) else list(_OUTPUTS)
    parser.add_argument("--output", dest="output", choices=outputs)
    parser.add_argument("--color", dest="color", choices=["on", "off", "auto"])
    parser.add_argument(
        "--cli-binary-format", dest="cli-binary-format", choices=["base64", "raw-in-base64-out"]
    )
    for name in ("cli-read-timeout", "cli-connect-timeout"):
        parser.add_argument(f"--{name}", dest=name, type=int)
    if version >= (2, 34):
        formats = ["legacy", "json", "yaml", "text", "table", "enhanced"]
        parser.add_argument("--cli-error-format", dest="cli-error-format", choices=formats)


class _Call:
    """One command line, read and checked (a plain class: dataclasses slow the start-up)."""

    def __init__(  # noqa: PLR0913 - what the command line says, all of it
        self,
        *,
        service: str,
        label: str,
        operation: str,
        options: dict[str, str],
        params: dict[str, Any],
        spec: dict[str, Any],
        paginate: bool,
        invalid: str,
    ) -> None:
        self.service = service
        self.label = label  # what the call is recorded as: "wait stack-create-complete"
        self.operation = operation  # the API operation (a waiter's is the one it polls)
        self.options = options  # every option given, by its CLI name: what the call records
        self.params = params  # the operation's parameters, by model member, typed
        self.spec = spec  # the command's entry in the CLI table
        self.paginate = paginate  # the CLI pages for the user: no paging option of its own
        self.invalid = invalid  # the service's error code for a request its model refuses
        self.region = ""
        self.timestamps = "iso8601"


def _command_line(argv: list[str], table: dict[str, Any], version: tuple[int, ...]) -> _Call:
    """Read `aws SERVICE COMMAND --option value ...` as the CLI does, or fail as it fails."""
    main = _Parser()
    _add_global_options(main, version)
    main.add_argument("command", choices=sorted(table["services"]))
    given, rest = main.parse_known_args(argv)
    global_options = vars(given)
    service = global_options.pop("command")
    spec = table["services"][service]
    commands = sorted([*spec["commands"], *(["wait"] if spec["waiters"] else [])])
    service_parser = _Parser()
    service_parser.add_argument("operation", choices=commands)
    chosen, rest = service_parser.parse_known_args(rest)
    command = chosen.operation
    label = ""
    if command == "wait":
        wait_parser = _Parser()
        wait_parser.add_argument("subcommand", nargs="?", choices=sorted(spec["waiters"]))
        waiter, rest = wait_parser.parse_known_args(rest)
        if "subcommand" not in vars(waiter):
            prefix = "aws: [ERROR]:" if version >= (2, 31) else "aws: error:"
            usage = f"usage: aws [options] {service} wait <subcommand> [parameters]"
            msg = f"{usage}\n{prefix} too few arguments"
            raise _ParamError(msg)
        label = f"wait {waiter.subcommand}"
        command = spec["waiters"][waiter.subcommand]
    entry = spec["commands"][command]
    values = _operation_options(entry, rest)
    paginate = _paginate(entry, values, global_options)
    options = {
        **{k: str(v) for k, v in global_options.items()},
        **{k: " ".join(v) if isinstance(v, list) else str(v) for k, v in values.items()},
    }
    params = _parameters(entry["options"], values)
    operation = entry["operation"]
    return _Call(
        service=service,
        label=label or operation,
        operation=operation,
        options=options,
        params=params,
        spec=entry,
        paginate=paginate,
        invalid=spec["invalid"],
    )


def _operation_options(entry: dict[str, Any], args: list[str]) -> dict[str, Any]:
    """The command's own options: the model's input members, and the CLI's paging options."""
    parser = _Parser()
    for name, option in entry["options"].items():
        if option["type"] == "boolean":
            parser.add_argument(f"--{name}", dest=name, action="store_const", const="true")
            parser.add_argument(f"--no-{name}", dest=name, action="store_const", const="false")
            continue
        nargs = "+" if option["type"] == "list" else None
        parser.add_argument(f"--{name}", dest=name, nargs=nargs, required=option["required"])
    paging = entry["paging"]
    if paging:
        parser.add_argument("--starting-token", dest="starting-token")
        if paging["limit"]:
            parser.add_argument("--page-size", dest="page-size", type=int)
        parser.add_argument("--max-items", dest="max-items", type=int)
    parser.add_argument("help", nargs="?")
    given, unknown = parser.parse_known_args(args)
    values = vars(given)
    if "help" in values:
        unknown.append(values.pop("help"))
    if unknown:
        msg = f"Unknown options: {', '.join(unknown)}"
        raise _UnknownOptionsError(msg)
    return values


def _paginate(
    entry: dict[str, Any], values: dict[str, Any], global_options: dict[str, Any]
) -> bool:
    """Whether the CLI pages for the user; an operation's own paging option turns that off."""
    paging = entry["paging"]
    if not paging:
        return False
    paginate = "no-paginate" not in global_options
    if any(name in values for name in paging["manual"]):
        paginate = False
    used = [name for name in ("starting-token", "page-size", "max-items") if values.get(name)]
    if used and not paginate:
        msg = "Cannot specify --no-paginate along with pagination arguments: " + ", ".join(
            f"--{name}" for name in used
        )
        raise _ParamError(msg)
    if {"starting-token", "max-items"} & set(used):
        msg = "the fake aws does not implement --starting-token or --max-items"
        raise _CliError(msg)
    return paginate


def _parameters(options: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The parameters as the CLI sends them, checked as botocore checks them before sending."""
    params: dict[str, Any] = {}
    problems: list[str] = []
    for name, given in values.items():
        option = options.get(name)
        if option is not None:  # else a paging option of the CLI's own
            params[option["member"]] = _parameter(name, option, given, problems)
    if problems:
        msg = "Parameter validation failed:\n" + "\n".join(problems)
        raise _ParamError(msg)
    return params


def _parameter(name: str, option: dict[str, Any], given: Any, problems: list[str]) -> Any:  # noqa: ANN401, C901 - any parameter; a branch per member type
    """One option's value as the CLI sends it; what botocore refuses goes to `problems`."""
    member, kind, low = option["member"], option["type"], option.get("min")
    if kind in {"integer", "long"}:
        try:
            number = int(given)
        except ValueError as error:  # the CLI's general handler prints Python's message
            raise _CliError(str(error)) from None
        if low is not None and number < low:
            problems.append(
                f"Invalid value for parameter {member}, value: {number}, valid min value: {low}"
            )
        return number
    if kind == "boolean":
        return given == "true"
    if kind in {"structure", "map"}:
        structure = _structure(name, given)
        if kind == "structure":
            problems += _structure_problems(member, option, structure)
        return structure
    if kind == "list" and option.get("items", {}).get("type") == "structure":
        # Each item a structure, in JSON or the shorthand; or the whole list as one JSON array.
        texts = given if isinstance(given, list) else [given]
        if len(texts) == 1 and texts[0].strip().startswith("["):
            items = json.loads(texts[0])
        else:
            items = [_structure(name, text) for text in texts]
        for item in items:
            problems += _structure_problems(member, option["items"], item)
        return items
    if kind == "string":
        text = _paramfile(name, given)
        if low is not None and len(text) < low:
            problems.append(
                f"Invalid length for parameter {member}, value: {len(text)}, "
                f"valid min length: {low}"
            )
        return text
    return given


def _paramfile(name: str, value: str) -> str:
    """A `file://` value is the file's content, as the CLI reads it."""
    if not value.startswith("file://"):
        return value
    path = os.path.expanduser(value.removeprefix("file://"))  # noqa: PTH111 - as the CLI does
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as error:
        msg = f"Error parsing parameter '--{name}': Unable to load paramfile {value}: {error}"
        raise _ParamError(msg) from None


def _structure(name: str, value: str) -> dict[str, Any]:
    """A structure given as JSON, or in the CLI's shorthand `key=value,key=value`."""
    text = value.strip()
    try:
        if text.startswith("{"):
            found = json.loads(text)
        else:
            found = dict(pair.split("=", 1) for pair in text.split(","))
    except ValueError as error:
        msg = f"Error parsing parameter '--{name}': {error}: {value}"
        raise _ParamError(msg) from None
    if not isinstance(found, dict):
        msg = f"Error parsing parameter '--{name}': expected a structure: {value}"
        raise _ParamError(msg)
    return found


def _structure_problems(member: str, option: dict[str, Any], value: dict[str, Any]) -> list[str]:
    known = option.get("members", {})
    problems = [
        f'Missing required parameter in {member}: "{name}"'
        for name in option.get("required_members", [])
        if name not in value
    ]
    problems += [
        f'Unknown parameter in {member}: "{name}", must be one of: {", ".join(known)}'
        for name in value
        if name not in known
    ]
    return problems


def _service_problems(call: _Call) -> list[str]:
    """What the service refuses in a well-formed request: enum values, lengths, patterns."""
    problems = []
    for option in call.spec["options"].values():
        member = option["member"]
        if member in call.params:
            problems += _member_problems(member, option, call.params[member])
    return problems


def _member_problems(member: str, option: dict[str, Any], value: Any) -> list[str]:  # noqa: ANN401 - any parameter
    """One member's values against its model's rules, by its shape."""
    problems = []
    items = option.get("items", {})
    if option["type"] == "structure":
        for key, rules in option.get("members", {}).items():
            if key in value:
                problems += _constraint_problems(f"{member}.{key}", value[key], rules)
    elif option["type"] == "list" and items.get("type") == "structure":
        for item in value:
            problems += _member_problems(member, {"type": "structure", **items}, item)
    elif option["type"] == "list":
        for item in value:
            problems += _constraint_problems(member, item, items)
    elif option["type"] == "map":
        for key, item in value.items():
            problems += _constraint_problems(f"{member}.key", key, option.get("key", {}))
            problems += _constraint_problems(f"{member}.{key}", item, option.get("value", {}))
    else:
        problems += _constraint_problems(member, value, option)
    return problems


def _constraint_problems(where: str, value: Any, rules: dict[str, Any]) -> list[str]:  # noqa: ANN401 - any parameter
    import re  # noqa: PLC0415 - keep the fake `aws` start-up small

    said = f"Value '{value}' at '{where}' failed to satisfy constraint: Member must"
    if rules.get("enum") and value not in rules["enum"]:
        return [f"{said} satisfy enum value set: [{', '.join(rules['enum'])}]"]
    if isinstance(value, str) and "max" in rules and len(value) > rules["max"]:
        return [f"{said} have length less than or equal to {rules['max']}"]
    if isinstance(value, int) and "max" in rules and value > rules["max"]:
        return [f"{said} have value less than or equal to {rules['max']}"]
    if isinstance(value, str) and "pattern" in rules:
        try:
            pattern = re.compile(rules["pattern"])
        except re.error:  # a Java-only construct such as \P{C}: left to the real service
            return []
        if not pattern.fullmatch(value):
            return [f"{said} satisfy regular expression pattern: {rules['pattern']}"]
    return []


# --- The profile's configuration ---------------------------------------------------------------


def _profile_config(profile: str) -> dict[str, str]:
    """The profile's section of the AWS config file (AWS_CONFIG_FILE, else ~/.aws/config)."""
    import configparser  # noqa: PLC0415 - keep the fake `aws` start-up small

    path = os.environ.get("AWS_CONFIG_FILE") or "~/.aws/config"
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read(os.path.expanduser(path), encoding="utf-8")  # noqa: PTH111 - as botocore does
    except (OSError, configparser.Error):
        return {}
    names = ["default", "profile default"] if profile == "default" else [f"profile {profile}"]
    for name in names:
        if parser.has_section(name):
            return dict(parser.items(name))
    return {}


def _session(options: dict[str, str]) -> tuple[str, str, str]:
    """Region, output and timestamp format, from the options, the environment and the profile."""
    profile = (
        options.get("profile")
        or os.environ.get("AWS_PROFILE")
        or os.environ.get("AWS_DEFAULT_PROFILE")
        or "default"
    )
    config = _profile_config(profile)
    region = (
        options.get("region")
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or config.get("region", "")
    )
    output = (
        options.get("output")
        or os.environ.get("AWS_DEFAULT_OUTPUT")
        or config.get("output")
        or "json"
    )
    timestamps = config.get("cli_timestamp_format", "iso8601")
    if timestamps not in {"iso8601", "wire"}:
        msg = (
            f"Unknown cli_timestamp_format value: {timestamps}, valid values are "
            '"wire" or "iso8601"'
        )
        raise _ConfigError(msg, code="Configuration")
    return region, output, timestamps


def _timestamp(text: str, timestamps: str) -> str | float:
    """A timestamp as the CLI prints it: iso8601 in local time, or CodeArtifact's epoch seconds."""
    moment = dt.datetime.fromisoformat(text)
    if timestamps == "wire":
        return moment.timestamp()
    return moment.astimezone().isoformat()


# --- What the CLI prints -----------------------------------------------------------------------


def _render(data: Any, output: str, query: str | None, title: str) -> str:  # noqa: ANN401, PLR0911 - JSON; one return per output format
    """The answer as `--output` asks: json and text as the CLI prints them, the rest close."""
    if query is not None:
        # botocore's own dependency, which ships no type stubs; imported only with --query
        import jmespath  # type: ignore[import-untyped]  # noqa: PLC0415

        data = jmespath.search(query, data)
    if output == "json":
        return "" if data == {} else json.dumps(data, indent=4, ensure_ascii=False) + "\n"
    if output == "text":
        lines: list[str] = []
        _text(data, lines)
        return "".join(lines)
    if output in {"yaml", "yaml-stream"}:
        import yaml  # noqa: PLC0415 - only for YAML output

        if data == {}:
            return ""
        if data is None or isinstance(data, (str, int, float, bool)):
            return json.dumps(data, ensure_ascii=False) + "\n"
        shown = [data] if output == "yaml-stream" else data
        return str(yaml.safe_dump(shown, default_flow_style=False, allow_unicode=True))
    if output == "table":
        return _table(title, data)
    if output == "off":
        return ""
    msg = f"Unknown output type: {output}"
    raise _CliError(msg)


def _text(
    item: Any,  # noqa: ANN401 - JSON
    lines: list[str],
    identifier: str | None = None,
    keys: list[str] | None = None,
) -> None:
    """The CLI's text output: scalars tab-separated, each nested list or object on its own line."""
    if isinstance(item, dict):
        _text_object(item, lines, identifier, keys)
    elif isinstance(item, list):
        _text_list(item, lines, identifier)
    else:
        lines.append(f"{item}\n")


def _scalar(value: Any) -> bool:  # noqa: ANN401 - JSON
    return not isinstance(value, (dict, list))


def _text_object(
    item: dict[str, Any], lines: list[str], identifier: str | None, keys: list[str] | None
) -> None:
    if keys is None:  # its own scalar keys, else those of every object in the list it is in
        keys = sorted(key for key, value in item.items() if _scalar(value))
    scalars = [str(item.get(key, "")) for key in keys]
    if scalars:
        lines.append("\t".join([*([identifier.upper()] if identifier else []), *scalars]) + "\n")
    for key in sorted(set(item) - set(keys)):
        _text(item[key], lines, key)


def _text_list(item: list[Any], lines: list[str], identifier: str | None) -> None:
    if any(isinstance(element, dict) for element in item):
        every = sorted(
            {
                key
                for element in item
                if isinstance(element, dict)
                for key, value in element.items()
                if _scalar(value)
            }
        )
        for element in item:
            _text(element, lines, identifier, every)
        return
    scalars = [element for element in item if _scalar(element)]
    if scalars and identifier is not None:
        lines += [f"{identifier.upper()}\t{element}\n" for element in scalars]
    elif scalars:
        lines.append("\t".join(str(element) for element in scalars) + "\n")
    for element in item:
        if not _scalar(element):
            _text(element, lines, identifier)


def _table(title: str, data: Any) -> str:  # noqa: ANN401 - JSON
    """A table in the CLI's style (title, then key | value rows), not its exact nesting."""
    if not data:
        return ""
    rows: list[tuple[str, str]] = []

    def walk(prefix: str, value: Any) -> None:  # noqa: ANN401 - JSON
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else key, inner)
        elif isinstance(value, list):
            for number, inner in enumerate(value):
                walk(f"{prefix}[{number}]", inner)
        else:
            rows.append((prefix, str(value)))

    walk("", data)
    left = max(len(key) for key, _ in rows)
    right = max(len(value) for _, value in rows)
    width = max(len(title) + 4, left + right + 7)
    right = width - left - 7
    rule = "-" * width
    lines = [rule, f"|{title.center(width - 2)}|", f"+{'-' * (left + 4)}+{'-' * (right + 2)}+"]
    lines += [f"|  {key.ljust(left)}  | {value.ljust(right)} |" for key, value in rows]
    lines.append(f"+{'-' * (left + 4)}+{'-' * (right + 2)}+")
    return "\n".join(lines) + "\n"


# --- The fake `aws` (runs in its own process) --------------------------------------------------

_CODEARTIFACT = {
    "GetAuthorizationToken",
    "GetRepositoryEndpoint",
    "DescribePackage",
    "ListPackageVersions",
    "DescribePackageVersion",
    "PutPackageOriginConfiguration",
    "DeleteRepository",
    "DeleteDomain",
    "CreatePackageGroup",
    "DescribePackageGroup",
    "GetAssociatedPackageGroup",
    "UpdatePackageGroupOriginConfiguration",
    "CopyPackageVersions",
}
_CLOUDFORMATION = {
    "DescribeStacks",
    "CreateChangeSet",
    "DescribeChangeSet",
    "ExecuteChangeSet",
    "DeleteChangeSet",
    "DeleteStack",
    "wait change-set-create-complete",
    "wait stack-create-complete",
    "wait stack-update-complete",
    "wait stack-delete-complete",
}
_SERVED = {
    "codeartifact": _CODEARTIFACT,
    "cloudformation": _CLOUDFORMATION,
    "sts": {"GetCallerIdentity"},
}


def cli_main(argv: list[str]) -> int:
    """The fake `aws`: the command line as AWS CLI v2 reads it, then the state's answer."""
    import time  # noqa: PLC0415 - only the executable sleeps

    state_file = Path(os.environ[STATE_ENV])
    with locked(state_file):
        state = read_state(state_file)
    release = str(state.get("cli_version", CLI_VERSION))
    if "--version" in argv:
        sys.stdout.write(f"aws-cli/{release} (a test double)\n")
        return 0
    version = _version(release)
    try:
        call = _command_line(argv, _cli_table(state), version)
        call.region, output, call.timestamps = _session(call.options)
        if call.label not in _SERVED[call.service]:
            msg = f"the fake aws does not serve `aws {call.service} {' '.join(argv[1:2])}`"
            raise _CliError(msg)  # noqa: TRY301 - the one place that prints every failure
        with locked(state_file):
            state = read_state(state_file)
            state["calls"].append({"operation": call.label, "args": call.options})
            write_state(state_file, state)
        if state["latency"]:
            time.sleep(state["latency"])
        with locked(state_file):
            state = read_state(state_file)
            data = _serve(state, call)
            write_state(state_file, state)
        query = call.options.get("query")
        text = _render({} if data is None else data, output, query, call.operation)
    except _CliError as failure:
        sys.stderr.write(_stderr(failure, version))
        return failure.exit_code
    sys.stdout.write(text)
    return 0


def _serve(state: dict[str, Any], call: _Call) -> dict[str, Any] | None:
    """The service's answer to one call, as the state has it."""
    _check_session(state, call)
    problems = _service_problems(call)
    if problems:
        count = f"{len(problems)} validation error{'s' * (len(problems) > 1)} detected"
        _fail(call.invalid, call.operation, f"{count}: {'; '.join(problems)}")
    if call.service == "sts":
        return _caller(state)
    if call.service == "cloudformation":
        return _cloud(state, call)
    _check_target(_empty_repository(state, call) or state, call)
    if call.operation == "CopyPackageVersions":
        return _copy_versions(state, call)
    return _answer(state, call)


def _check_session(state: dict[str, Any], call: _Call) -> None:
    """The profile, the region, the SSO session and the credentials, in the CLI's order."""
    profiles = state["profiles"]
    profile = call.options.get("profile")
    if profiles is not None and profile is not None and profile not in profiles:
        msg = f"The config profile ({profile}) could not be found"
        raise _CliError(msg)
    if call.service != "sts" and not call.region:
        msg = (
            "You must specify a region. You can also configure your region by running "
            '"aws configure".'
        )
        raise _ConfigError(msg, code="NoRegion")
    if state["sso_expired"]:
        msg = "Error when retrieving token from sso: Token has expired and refresh failed"
        raise _CliError(msg)
    if not state["credentials"]:
        msg = (
            "Unable to locate credentials. You can configure credentials by running "
            '"aws configure".'
        )
        raise _ConfigError(msg, code="NoCredentials")


# --- CodeArtifact ------------------------------------------------------------------------------
# Its ResourceNotFoundException names what is missing in `resourceType` (domain, repository,
# package, package-version, asset) and `resourceId`. Its messages, as AWS's answers have them:
#   Domain not found. Domain 'acme' owned by account '123456789012' does not exist.
#   The maven package 'x' does not exist in repository 'y'.
# The repository's and the package version's are written here in the same manner.


def _check_target(state: dict[str, Any], call: _Call) -> None:
    operation, params = call.operation, call.params
    forced = state["errors"].get(operation)
    if forced:
        _fail(forced["code"], operation, forced["message"], **forced.get("fields", {}))
    domain, owner = params.get("domain"), params.get("domainOwner", state["domain_owner"])
    if domain != state["domain"] or call.region != state["region"]:
        message = f"Domain not found. Domain '{domain}' owned by account '{owner}' does not exist."
        _fail(
            "ResourceNotFoundException",
            operation,
            message,
            resourceId=str(domain),
            resourceType="domain",
        )
    if owner != state["domain_owner"]:
        _fail("AccessDeniedException", operation, "Not authorized on this domain.")
    repositories = (
        state["repository"],
        state.get("upstream_repository", "pypi-store"),
        *state.get("repositories", {}),
    )
    repository = params.get("repository")
    if repository is not None and repository not in repositories:
        message = (
            f"Repository not found. Repository '{repository}' in domain '{domain}' owned by "
            f"account '{owner}' does not exist."
        )
        _fail(
            "ResourceNotFoundException",
            operation,
            message,
            resourceId=repository,
            resourceType="repository",
        )
    if params.get("format", "pypi") != "pypi":
        _fail("ValidationException", operation, "This test double serves pypi.")


def _empty_repository(state: dict[str, Any], call: _Call) -> dict[str, Any] | None:
    """The state of one of the empty repositories, when the call names it; else None."""
    params = call.params
    wanted = [
        params.get("domain"),
        params.get("domainOwner", ""),
        call.region,
        params.get("repository"),
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


def _domain_answer(state: dict[str, Any], call: _Call) -> dict[str, Any]:
    """The operations on the domain and repositories rather than on one package."""
    owner = state["domain_owner"]
    answers: dict[str, Callable[[], dict[str, Any]]] = {
        "GetAuthorizationToken": lambda: {
            "authorizationToken": state["token"],
            "expiration": _timestamp(state["token_expiration"], call.timestamps),
        },
        "GetRepositoryEndpoint": lambda: {"repositoryEndpoint": state["endpoint"]},
        "DeleteRepository": lambda: {
            "repository": {
                "name": call.params["repository"],
                "domainName": state["domain"],
                "domainOwner": owner,
            }
        },
        "DeleteDomain": lambda: {"domain": {"name": state["domain"], "owner": owner}},
    }
    return answers[call.operation]()


_DOMAIN_OPERATIONS = {
    "GetAuthorizationToken",
    "GetRepositoryEndpoint",
    "DeleteRepository",
    "DeleteDomain",
}


def _answer(state: dict[str, Any], call: _Call) -> dict[str, Any]:
    operation, params = call.operation, call.params
    if operation in _DOMAIN_OPERATIONS:
        return _domain_answer(state, call)
    if operation in _GROUP_OPERATIONS:
        return _group_answer(state, call)
    name, repository = str(params.get("package", "")), state["repository"]
    if operation == "PutPackageOriginConfiguration":
        package = state["packages"].setdefault(name, {"origin": {}, "versions": {}})
        restrictions = params["restrictions"]
        package["origin"] = {
            "publish": restrictions["publish"],
            "upstream": restrictions["upstream"],
        }
        return {"originConfiguration": {"restrictions": package["origin"]}}
    # AWS wants the normalised name for pypi packages and finds nothing under another one.
    package = state["packages"].get(name) if name == _normalise(name) else None
    if package is None:
        message = f"The pypi package '{name}' does not exist in repository '{repository}'."
        _fail(
            "ResourceNotFoundException", operation, message, resourceId=name, resourceType="package"
        )
    if operation == "DescribePackage":
        # The package's own origin controls, whatever its package group says: the API's
        # PackageDescription.originConfiguration is "the package origin configuration for the
        # package", publish and upstream each ALLOW or BLOCK, a shape in which a group's
        # ALLOW_SPECIFIC_REPOSITORIES cannot even be written. What applies is the combination
        # (BLOCK wins), which GetAssociatedPackageGroup's answer lets a client work out.
        return {
            "package": {
                "format": "pypi",
                "name": name,
                "originConfiguration": {"restrictions": package["origin"]},
            }
        }
    if operation == "ListPackageVersions":
        return _list_versions(state, call, name, package)
    # DescribePackageVersion
    version = str(params.get("packageVersion", ""))
    entry = package["versions"].get(version)
    if entry is None:
        message = (
            f"The pypi package '{name}' version '{version}' does not exist in repository "
            f"'{repository}'."
        )
        _fail(
            "ResourceNotFoundException",
            operation,
            message,
            resourceId=version,
            resourceType="package-version",
        )
    return {
        "packageVersion": {
            "format": "pypi",
            "packageName": name,
            "version": version,
            "status": entry["status"],
            "origin": _origin(state, entry),
        }
    }


def _list_versions(
    state: dict[str, Any], call: _Call, name: str, package: dict[str, Any]
) -> dict[str, Any]:
    """One page of versions and the token of the next, or every page when the CLI pages."""
    import base64  # noqa: PLC0415 - keep the fake `aws` start-up small

    params = call.params
    versions = [
        {
            "version": version,
            "revision": f"rev-{version}",
            "status": entry["status"],
            "origin": _origin(state, entry),
        }
        for version, entry in package["versions"].items()
        if params.get("status", entry["status"]) == entry["status"]
        and params.get("originType", entry["origin"]) == entry["origin"]
    ]
    listing: dict[str, Any] = {"format": "pypi", "package": name}
    if package["versions"]:
        listing["defaultDisplayVersion"] = list(package["versions"])[-1]
    if call.paginate:  # the CLI asked for every page and printed them as one
        return {**listing, "versions": versions}
    start = 0
    if "nextToken" in params:
        try:
            where = json.loads(base64.urlsafe_b64decode(params["nextToken"]))
            start = int(where["offset"]) if where["package"] == name else -1
        except (ValueError, KeyError, TypeError):
            start = -1
        if start < 0:
            _fail("ValidationException", call.operation, "The nextToken is not valid.")
    end = start + min(int(params.get("maxResults", state["page_limit"])), state["page_limit"])
    listing["versions"] = versions[start:end]
    if end < len(versions):
        token = json.dumps({"package": name, "offset": end}).encode()
        listing["nextToken"] = base64.urlsafe_b64encode(token).decode()
    return listing


# --- CodeArtifact's CopyPackageVersions -------------------------------------------------------
# As the API Reference documents it: exactly one of `versions` and `versionRevisions`; each
# version lands in `successfulVersions` (its revision and status) or in `failedVersions` with an
# error code. ALREADY_EXISTS when the destination holds the version and `allowOverwrite` is not
# true, whatever its files ("If set to false and the package version already exists in the
# destination repository ... ALREADY_EXISTS"); MISMATCHED_REVISION when a `versionRevisions`
# revision is not the source's; NOT_FOUND when the source does not hold the version. The other
# codes AWS lists (NOT_ALLOWED, MISMATCHED_STATUS, SKIPPED) without saying when a copy meets
# them come only from `fail_copy`. `includeFromUpstream` is read and changes nothing here: the
# repositories that keep files have no upstream. A version's revision is the fake's own digest of
# its files. The user guide names what a caller needs: ReadFromRepository on the source,
# CopyPackageVersions on the destination (tests/iam.py judges that, not this double).


def _version_files(folder: Path, name: str, version: str) -> list[Path]:
    """The files of one version of a package in a repository's folder (wheels and sdists)."""
    from codeartifact_python_tools.simple_api import version_from_filename  # noqa: PLC0415

    found = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        stem = path.name.split("-", 1)[0] if path.name.endswith(".whl") else path.name
        project = stem.rpartition("-")[0] if stem == path.name else stem
        if _normalise(project) == name and version_from_filename(path.name) == version:
            found.append(path)
    return found


def _revision(files: list[Path]) -> str:
    import hashlib  # noqa: PLC0415 - keep the fake `aws` start-up small

    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:32]


def _copy_versions(state: dict[str, Any], call: _Call) -> dict[str, Any]:
    """CopyPackageVersions between two repositories that keep their files in folders."""
    operation, params = call.operation, call.params
    versions, revisions = params.get("versions"), params.get("versionRevisions")
    if bool(versions) == bool(revisions):
        message = "You must specify versions or versionRevisions. You cannot specify both."
        _fail("ValidationException", operation, message)
    folders = [_files_of(state, call, str(params[role])) for role in _COPY_ROLES]
    successful: dict[str, Any] = {}
    failed: dict[str, Any] = {}
    for version in versions or list(revisions or {}):
        error = _copy_one(state, params, version, folders)
        if error is None:
            files = _version_files(folders[1], _normalise(str(params["package"])), version)
            successful[version] = {"revision": _revision(files), "status": "Published"}
        else:
            failed[version] = error
    return {"successfulVersions": successful, "failedVersions": failed}


_COPY_ROLES = ("sourceRepository", "destinationRepository")


def _files_of(state: dict[str, Any], call: _Call, repository: str) -> Path:
    """The folder a repository keeps its files in; a repository the domain lacks is not found."""
    if repository in state["repositories"]:
        return Path(state["repositories"][repository]["files"])
    if repository in (state["repository"], state.get("upstream_repository", "pypi-store")):
        message = f"the fake aws keeps no files for repository {repository}: add_repository"
        raise _CliError(message)
    message = (
        f"Repository not found. Repository '{repository}' in domain "
        f"'{call.params['domain']}' owned by account '{state['domain_owner']}' does not exist."
    )
    _fail(
        "ResourceNotFoundException",
        call.operation,
        message,
        resourceId=repository,
        resourceType="repository",
    )


def _copy_one(
    state: dict[str, Any], params: dict[str, Any], version: str, folders: list[Path]
) -> dict[str, str] | None:
    """Copy one version's files, or say why not (a PackageVersionError)."""
    import shutil  # noqa: PLC0415 - keep the fake `aws` start-up small

    source, destination = folders
    name = _normalise(str(params["package"]))
    files = _version_files(source, name, version)
    there = _version_files(destination, name, version)
    revisions = params.get("versionRevisions") or {}
    if version in state["copy_failures"]:
        return dict(state["copy_failures"][version])
    if not files:
        where = params["sourceRepository"]
        message = f"Package version {version} of {name} was not found in repository {where}."
        return {"errorCode": "NOT_FOUND", "errorMessage": message}
    if revisions and revisions[version] != _revision(files):
        message = f"The revision of package version {version} of {name} does not match."
        return {"errorCode": "MISMATCHED_REVISION", "errorMessage": message}
    if there and params.get("allowOverwrite") is not True:
        where = params["destinationRepository"]
        message = f"Package version {version} of {name} already exists in repository {where}."
        return {"errorCode": "ALREADY_EXISTS", "errorMessage": message}
    for old in there:
        old.unlink()
    for path in files:
        shutil.copy2(path, destination / path.name)
    if params["destinationRepository"] == state["repository"]:  # the one the guard asks about
        package = state["packages"].setdefault(
            name, {"origin": {"publish": "ALLOW", "upstream": "BLOCK"}, "versions": {}}
        )
        package["versions"][version] = {"status": "Published", "origin": "INTERNAL"}
    return None


# --- CodeArtifact's package groups ------------------------------------------------------------
# As AWS's CodeArtifact User Guide has them ("Working with package groups in CodeArtifact",
# "Package group definition syntax and matching behavior", "Package group origin controls"):
# - a pattern is /format/namespace/name with a suffix: `$` the full coordinate, `~` a prefix of
#   the last component given, `*` every value of the next one: /*, /pypi/*, /npm/space~,
#   /npm/space/*, /npm/space/ui~, /maven/org.apache/log4j$. Python has no namespace, so its
#   patterns have an empty one, /pypi//requests$, and names are matched in their normalised form;
# - every domain has the root group /*, which lets versions in from every origin; each package
#   belongs to its most specific matching group, whether or not any repository holds it yet;
# - a new group's restrictions are INHERIT, resolved to the first parent group with a mode.
# The format is the API's format value (`pypi`, the word of GetAssociatedPackageGroup's and
# package ARNs' format): the guide's Python example writes /python//requests, which this double
# refuses as an unknown format until AWS's answer to it is known.

_ROOT = "/*"
_FORMATS = ("npm", "pypi", "maven", "nuget", "generic", "ruby", "swift", "cargo")
_NO_NAMESPACE = ("pypi", "nuget", "ruby", "cargo")  # formats whose packages have none
_RESTRICTION_TYPES = ("PUBLISH", "EXTERNAL_UPSTREAM", "INTERNAL_UPSTREAM")
_GROUP_OPERATIONS = {
    "CreatePackageGroup",
    "DescribePackageGroup",
    "GetAssociatedPackageGroup",
    "UpdatePackageGroupOriginConfiguration",
}


def _new_group(
    modes: dict[str, str], repositories: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {
        "createdTime": _now().isoformat(),
        "restrictions": {kind: modes.get(kind, "INHERIT") for kind in _RESTRICTION_TYPES},
        "repositories": {
            kind: list((repositories or {}).get(kind, [])) for kind in _RESTRICTION_TYPES
        },
    }


def _parse_pattern(pattern: str) -> tuple[int, str, str, str]:
    """A pattern's level of detail (0 /*, 1 format, 2 namespace prefix, 3 namespace, 4 name
    prefix, 5 full name) and its format, namespace and name parts; ValueError if it is none."""
    import re  # noqa: PLC0415 - keep the fake `aws` start-up small

    forms = (
        (0, r"/\*"),
        (1, r"/(?P<format>[^/]+)/\*"),
        (2, r"/(?P<format>[^/]+)/(?P<namespace>[^/~$*]+)~"),
        (3, r"/(?P<format>[^/]+)/(?P<namespace>[^/~$*]*)/\*"),
        (4, r"/(?P<format>[^/]+)/(?P<namespace>[^/~$*]*)/(?P<name>[^/~$*]+)~"),
        (5, r"/(?P<format>[^/]+)/(?P<namespace>[^/~$*]*)/(?P<name>[^/~$*]+)\$"),
    )
    for level, form in forms:
        found = re.fullmatch(form, pattern)
        if found is None:
            continue
        parts = found.groupdict()
        fmt, namespace, name = (parts.get(k) or "" for k in ("format", "namespace", "name"))
        if level and fmt not in _FORMATS:
            msg = f"Invalid package format '{fmt}' in package group pattern '{pattern}'."
            raise ValueError(msg)
        if fmt in _NO_NAMESPACE and (namespace or level == 2):
            msg = f"Packages of format {fmt} have no namespace: '{pattern}' names one."
            raise ValueError(msg)
        if fmt == "pypi" and name != _normalise(name):
            msg = f"Package group pattern '{pattern}' must name {_normalise(name)}, normalised."
            raise ValueError(msg)
        return level, fmt, namespace, name
    msg = f"'{pattern}' is not a package group pattern (/format/namespace/name with $, ~ or *)."
    raise ValueError(msg)


def _matches(pattern: str, fmt: str, namespace: str, name: str) -> bool:
    """Whether a package (its normalised coordinates) belongs under `pattern`."""
    level, p_fmt, p_namespace, p_name = _parse_pattern(pattern)
    checks = (
        True,
        fmt == p_fmt,
        fmt == p_fmt and namespace.startswith(p_namespace),
        fmt == p_fmt and namespace == p_namespace,
        fmt == p_fmt and namespace == p_namespace and name.startswith(p_name),
        fmt == p_fmt and namespace == p_namespace and name == p_name,
    )
    return checks[level]


def _contains(outer: str, inner: str) -> bool:
    """Whether `outer` is an ancestor of `inner`: it matches every package `inner` matches."""
    if outer == inner:
        return False
    o_level, o_fmt, o_namespace, o_name = _parse_pattern(outer)
    i_level, i_fmt, i_namespace, i_name = _parse_pattern(inner)
    if o_level == 0:
        return True
    if i_level < o_level or i_fmt != o_fmt:
        return False
    rules = {
        1: True,
        2: i_namespace.startswith(o_namespace),
        3: i_namespace == o_namespace,
        4: i_namespace == o_namespace and i_name.startswith(o_name),
        5: False,
    }
    return rules[o_level]


def _specificity(pattern: str) -> tuple[int, int]:
    level, _, namespace, name = _parse_pattern(pattern)
    return level, len(namespace) + len(name)


def _groups(state: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every package group of the domain, the root /* (ALLOW everywhere unless changed) first."""
    groups: dict[str, dict[str, Any]] = state.setdefault("package_groups", {})
    if _ROOT not in groups:
        groups[_ROOT] = _new_group(dict.fromkeys(_RESTRICTION_TYPES, "ALLOW"))
        groups[_ROOT]["createdTime"] = "2024-03-21T00:00:00+00:00"
    return groups


def _parent(state: dict[str, Any], pattern: str) -> str | None:
    ancestors = [other for other in _groups(state) if _contains(other, pattern)]
    return max(ancestors, key=_specificity) if ancestors else None


def _group_arn(state: dict[str, Any], call: _Call, pattern: str) -> str:
    from urllib.parse import quote  # noqa: PLC0415 - keep the fake `aws` start-up small

    encoded = quote(pattern.removeprefix("/"), safe="")
    return (
        f"arn:aws:codeartifact:{call.region}:{state['domain_owner']}:package-group/"
        f"{state['domain']}/{encoded}"
    )


def _reference(state: dict[str, Any], call: _Call, pattern: str) -> dict[str, str]:
    return {"arn": _group_arn(state, call, pattern), "pattern": pattern}


def _restriction(state: dict[str, Any], call: _Call, pattern: str, kind: str) -> dict[str, Any]:
    """One restriction of a group: its mode, and its effective mode with where it comes from."""
    group = _groups(state)[pattern]
    mode = group["restrictions"][kind]
    found: dict[str, Any] = {"mode": mode, "repositoriesCount": len(group["repositories"][kind])}
    source, effective = pattern, mode
    while effective == "INHERIT":
        parent = _parent(state, source)
        if parent is None:  # the root: it lets everything in
            effective = "ALLOW"
            break
        source, effective = parent, _groups(state)[parent]["restrictions"][kind]
    found["effectiveMode"] = effective
    if source != pattern:
        found["inheritedFrom"] = _reference(state, call, source)
    return found


def _describe_group(state: dict[str, Any], call: _Call, pattern: str) -> dict[str, Any]:
    """A PackageGroupDescription, as the API documents its members."""
    group = _groups(state)[pattern]
    described: dict[str, Any] = {
        **_reference(state, call, pattern),
        "domainName": state["domain"],
        "domainOwner": state["domain_owner"],
        "createdTime": _timestamp(group["createdTime"], call.timestamps),
        "originConfiguration": {
            "restrictions": {
                kind: _restriction(state, call, pattern, kind) for kind in _RESTRICTION_TYPES
            }
        },
    }
    for key in ("contactInfo", "description"):
        if group.get(key):
            described[key] = group[key]
    parent = _parent(state, pattern)
    if parent is not None:
        described["parent"] = _reference(state, call, parent)
    return described


def _group_answer(state: dict[str, Any], call: _Call) -> dict[str, Any]:
    """CreatePackageGroup, DescribePackageGroup, GetAssociatedPackageGroup and
    UpdatePackageGroupOriginConfiguration on the state."""
    operation, params = call.operation, call.params
    groups = _groups(state)
    if operation == "GetAssociatedPackageGroup":
        # No repository needs to hold the package; its name is matched in normalised form.
        fmt, name = params["format"], _normalise(str(params["package"]))
        namespace = str(params.get("namespace", ""))
        matching = [p for p in groups if _matches(p, fmt, namespace, name)]
        best = max(matching, key=_specificity)
        return {"packageGroup": _describe_group(state, call, best), "associationType": "STRONG"}
    pattern = str(params["packageGroup"])
    try:
        _parse_pattern(pattern)
    except ValueError as error:
        _fail("ValidationException", operation, str(error))
    if operation == "CreatePackageGroup":
        if pattern in groups:
            message = f"Package group '{pattern}' already exists in domain '{state['domain']}'."
            _fail(
                "ConflictException",
                operation,
                message,
                resourceId=pattern,
                resourceType="package-group",
            )
        groups[pattern] = _new_group({})
        for key in ("contactInfo", "description"):
            if params.get(key):
                groups[pattern][key] = params[key]
        return {"packageGroup": _describe_group(state, call, pattern)}
    if pattern not in groups:
        message = f"Package group '{pattern}' does not exist in domain '{state['domain']}'."
        _fail(
            "ResourceNotFoundException",
            operation,
            message,
            resourceId=pattern,
            resourceType="package-group",
        )
    if operation == "DescribePackageGroup":
        return {"packageGroup": _describe_group(state, call, pattern)}
    return _update_origin(state, call, pattern)


def _update_origin(state: dict[str, Any], call: _Call, pattern: str) -> dict[str, Any]:
    """UpdatePackageGroupOriginConfiguration: the modes, then the allowed repository lists."""
    params = call.params
    group = _groups(state)[pattern]
    group["restrictions"].update(params.get("restrictions", {}))
    updates: dict[str, dict[str, list[str]]] = {}
    for key, verb in (
        ("addAllowedRepositories", "ADDED"),
        ("removeAllowedRepositories", "REMOVED"),
    ):
        for item in params.get(key, []):
            kind, repository = item["originRestrictionType"], item["repositoryName"]
            listed = group["repositories"][kind]
            if verb == "ADDED" and repository not in listed:
                listed.append(repository)
            elif verb == "REMOVED" and repository in listed:
                listed.remove(repository)
            updates.setdefault(kind, {}).setdefault(verb, []).append(repository)
    return {
        "packageGroup": _describe_group(state, call, pattern),
        "allowedRepositoryUpdates": updates,
    }


# --- sts and CloudFormation (the org stack's make targets) ------------------------------------

_NO_CHANGES = (
    "The submitted information didn't contain changes. Submit different information to create "
    "a change set."
)


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


def _cloud(state: dict[str, Any], call: _Call) -> dict[str, Any] | None:  # noqa: C901, PLR0911 - one branch per CloudFormation operation, as AWS documents them
    """One CloudFormation operation on the state: stacks and change sets."""
    operation, options = call.label, call.options
    name = options.get("stack-name", "")
    stack = state["stacks"].get(name)
    if operation == "CreateChangeSet":
        return _create_change_set(state, call)
    if operation == "DeleteStack":
        # The domain and repositories are Retain: deleting the stack leaves them (and packages).
        # Its package group is not: it goes, and its packages' own origin controls stay.
        for pattern in (stack or {}).get("PackageGroups", []):
            _groups(state).pop(pattern, None)
        state["stacks"].pop(name, None)
        return None
    if operation == "wait stack-delete-complete":
        return None
    if operation == "DescribeStacks" or operation.startswith("wait stack"):
        if stack is None:
            _fail("ValidationError", "DescribeStacks", f"Stack with id {name} does not exist")
        found = {"StackName": name, "StackId": _arn(state, call, "stack", name), **stack}
        return None if operation.startswith("wait") else {"Stacks": [found]}
    change_set = state["change_sets"].get(options.get("change-set-name", ""))
    if operation.startswith("wait change-set"):
        if change_set is None or change_set["Status"] == "FAILED":
            raise _CliError(_WAITER_FAILED)
        return None
    if change_set is None or change_set["StackName"] != name:
        message = f"ChangeSet [{options.get('change-set-name')}] does not exist"
        _fail("ChangeSetNotFound", operation, message)
    if operation == "DescribeChangeSet":
        return dict(change_set)
    if operation == "DeleteChangeSet":
        del state["change_sets"][change_set["ChangeSetName"]]
        return None
    _execute_change_set(state, call, change_set)
    return None


_WAITER_FAILED = (
    "Waiter ChangeSetCreateComplete failed: Waiter encountered a terminal failure state: For "
    'expression "Status" we matched expected path: "FAILED"'
)


def _arn(state: dict[str, Any], call: _Call, kind: str, name: str) -> str:
    return f"arn:aws:cloudformation:{call.region}:{state['domain_owner']}:{kind}/{name}/0f00d"


def _create_change_set(state: dict[str, Any], call: _Call) -> dict[str, Any]:
    operation, options = "CreateChangeSet", call.options
    name, change_set = options["stack-name"], options["change-set-name"]
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
    change_id = _arn(state, call, "changeSet", change_set)
    state["change_sets"][change_set] = {
        "ChangeSetName": change_set,
        "ChangeSetId": change_id,
        "StackName": name,
        "StackId": _arn(state, call, "stack", name),
        "Type": options.get("change-set-type"),
        "Status": "FAILED" if unchanged else "CREATE_COMPLETE",
        "ExecutionStatus": "UNAVAILABLE" if unchanged else "AVAILABLE",
        **({"StatusReason": _NO_CHANGES} if unchanged else {}),
        "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in given.items()],
        "TemplateBody": options["template-body"],
        "Capabilities": options.get("capabilities", "").split(),
        "Changes": [] if unchanged else changes,
    }
    return {"Id": change_id, "StackId": _arn(state, call, "stack", name)}


def _execute_change_set(state: dict[str, Any], call: _Call, change_set: dict[str, Any]) -> None:
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
    account, region = state["domain_owner"], call.region
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
    _apply_package_groups(state, call, change_set, stack)
    # Executing one change set deletes the stack's others, as CloudFormation does.
    for other in [k for k, v in state["change_sets"].items() if v["StackName"] == name]:
        del state["change_sets"][other]


def _apply_package_groups(
    state: dict[str, Any], call: _Call, change_set: dict[str, Any], stack: dict[str, Any]
) -> None:
    """Create, update and delete the stack's package groups as its template says.

    The template is read with tests/cfn.py for the change set's parameters (the transform and
    the conditions included), so the groups in the state are the ones the template describes.
    A group the stack no longer has is deleted, as CloudFormation deletes a removed resource.
    """
    from tests import cfn  # noqa: PLC0415 - only when a stack is deployed

    template = cfn.load(Path(str(change_set["TemplateBody"]).removeprefix("file://")))
    values = {p["ParameterKey"]: p["ParameterValue"] for p in change_set["Parameters"]}
    resolver = cfn.Resolver(template, values, AccountId=state["domain_owner"], Region=call.region)
    wanted = {}
    for resource in resolver.resources().values():
        if resource["Type"] == "AWS::CodeArtifact::PackageGroup":
            properties = resolver.resolve(resource["Properties"])
            wanted[properties["Pattern"]] = properties.get("OriginConfiguration", {})
    groups = _groups(state)
    for pattern in stack.get("PackageGroups", []):
        if pattern not in wanted:
            groups.pop(pattern, None)
    names = {"PUBLISH": "Publish", "EXTERNAL_UPSTREAM": "ExternalUpstream"}
    names["INTERNAL_UPSTREAM"] = "InternalUpstream"
    for pattern, origin in wanted.items():
        restrictions = origin.get("Restrictions", {})
        modes = {
            kind: restrictions.get(key, {}).get("RestrictionMode", "INHERIT")
            for kind, key in names.items()
        }
        repositories = {
            kind: list(restrictions.get(key, {}).get("Repositories", []))
            for kind, key in names.items()
        }
        kept = groups.get(pattern, {}).get("createdTime")
        groups[pattern] = _new_group(modes, repositories)
        groups[pattern]["createdTime"] = kept or groups[pattern]["createdTime"]
    stack["PackageGroups"] = sorted(wanted)
    stack["Outputs"] += [
        {"OutputKey": "InternalNamesGroup", "OutputValue": pattern} for pattern in sorted(wanted)
    ]


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
            "message": message,
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
    name: str,
    versions: list[str],
    *,
    external: bool = False,
    repository: str = "python",
    next_page: str = "",
) -> dict[str, Any]:
    """ListPackageVersions' documented response shape: one page, and the next page's token."""
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
    if next_page:  # the token of the next page
        listing["nextToken"] = next_page
    return listing


def group_params(name: str, *, domain: str = "acme", owner: str = "123456789012") -> dict[str, str]:
    """GetAssociatedPackageGroup's parameters for a package: no repository."""
    return {"domain": domain, "domainOwner": owner, "format": "pypi", "package": _normalise(name)}


def associated_group_response(
    pattern: str = _ROOT,
    *,
    publish: str = "ALLOW",
    external_upstream: str = "ALLOW",
    internal_upstream: str = "ALLOW",
) -> dict[str, Any]:
    """GetAssociatedPackageGroup's documented response: the group, its modes set, not inherited."""
    arn = f"arn:aws:codeartifact:eu-west-1:123456789012:package-group/acme/{pattern[1:]}"
    modes = {
        "PUBLISH": publish,
        "EXTERNAL_UPSTREAM": external_upstream,
        "INTERNAL_UPSTREAM": internal_upstream,
    }
    return {
        "packageGroup": {
            "arn": arn,
            "pattern": pattern,
            "domainName": "acme",
            "domainOwner": "123456789012",
            "createdTime": dt.datetime(2024, 3, 21, tzinfo=dt.timezone.utc),
            "originConfiguration": {
                "restrictions": {
                    kind: {"mode": mode, "effectiveMode": mode, "repositoriesCount": 0}
                    for kind, mode in modes.items()
                }
            },
        },
        "associationType": "STRONG",
    }
