"""Plan and deploy the organisation stack (org/codeartifact.yml) through the `aws` CLI.

`make org-plan` creates a CloudFormation change set and prints it; `make org-deploy` creates one,
prints it and executes it. The stack's name, account, region, profile and parameters live in one
file, org/stack.json, and every value in it is checked before AWS is asked anything. Standard
library only: a platform engineer needs Python and the AWS CLI.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import ModuleType

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "codeartifact.yml"
CONFIG = HERE / "stack.json"
NO_CHANGES = "didn't contain changes"  # CloudFormation's StatusReason for an empty change set
TIMEOUT = 3600.0  # the CLI's own waiters give up after an hour at most
# The stack's transform (AWS::LanguageExtensions: one role per package) needs the second one.
CAPABILITIES = ("CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND")
ROLE_SUFFIX = "-release"  # each package's role is <package>-release, as the project's docs name it
STAGE_SUFFIX = "-stage"  # with staged releases, each package's stage role is <package>-stage

# --- org/stack.json's rules -----------------------------------------------------------------------
# The template's parameters, each with its AllowedPattern (without ^ and $) and the rule in words,
# or its AllowedValues: tests/unit/test_org_stack.py checks that they say what the template says.
PATTERNS = {
    "DomainName": (
        r"[a-z][a-z0-9-]{0,48}[a-z0-9]",
        "2-50 lowercase letters, digits and dashes, from a letter to a letter or digit, e.g. acme",
    ),
    "RepositoryName": (
        r"[A-Za-z0-9][A-Za-z0-9._-]{1,99}",
        "2-100 letters, digits, '.', '_' and '-', starting with a letter or digit, e.g. python",
    ),
    "UpstreamRepositoryName": (
        r"[A-Za-z0-9][A-Za-z0-9._-]{1,99}",
        "2-100 letters, digits, '.', '_' and '-', starting with a letter or digit, e.g. pypi-store",
    ),
    "StagingRepositoryName": (
        r"([A-Za-z0-9][A-Za-z0-9._-]{1,99})?",
        (
            "empty, or 2-100 letters, digits, '.', '_' and '-', starting with a letter or digit, "
            "e.g. python-staging"
        ),
    ),
    "PackageNamePattern": (
        r"[a-z0-9*][a-z0-9*-]*",
        "a normalised package name where * stands for any characters, e.g. acme-* or *",
    ),
    "NamePrefix": (
        r"([a-z0-9]+(-[a-z0-9]+)*-?)?",
        "a normalised name's start (a-z, 0-9, single dashes; 100 at most), e.g. acme-, or empty",
    ),
    "GitHubOwner": (
        r"[A-Za-z0-9][A-Za-z0-9-]{0,38}",
        "a GitHub organisation or user (1-39 letters, digits and dashes), e.g. acme",
    ),
    "ReleaseRoleName": (
        r"[A-Za-z0-9+=,.@_-]{1,64}",
        "an IAM role name (1-64 letters, digits and +=,.@_-), e.g. codeartifact-release",
    ),
}
CHOICES = {
    "CreateDomain": ("true", "false"),
    "CreateOidcProvider": ("true", "false"),
    "AllowAnyRepositoryToPublishAnyPackage": ("false", "true"),
}
MAX_LENGTHS = {"NamePrefix": 100}  # the template's MaxLength, where it has one
# The template's Defaults of the repositories a staging repository must not be.
REPOSITORY_DEFAULTS = {"RepositoryName": "python", "UpstreamRepositoryName": "pypi-store"}
CHECKED_APART = ("Publishers", "GitHubRepositories", "EncryptionKeyArn")
PARAMETERS = (*PATTERNS, *CHOICES, *CHECKED_APART)
REQUIRED = ("DomainName", "GitHubOwner", "Publishers")  # the template gives them no Default
SETTINGS = ("StackName", "Region", "AccountId", "Profile", "Parameters")
_STACK_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,127}")
_ACCOUNT = re.compile(r"[0-9]{12}")  # not \d, which takes other scripts' digits too
_PROFILE = re.compile(r"[A-Za-z0-9_.+@:/-]*")
_KMS_KEY = re.compile(r"arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/[A-Za-z0-9/_-]+")
# A PEP 503-normalised name short enough for `<name>-release` to be an IAM role name (64 at most).
_PACKAGE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,54}[a-z0-9])?")
PUBLISHERS_EXAMPLE = '{"acme-widgets": "acme/acme-widgets", "acme-tools": "acme/tools"}'


class OrgError(Exception):
    """A failure with the message the user reads."""


def answer_rules() -> ModuleType:
    """Load hooks/answer_rules.py: the rules copier applies to the same regions and repositories."""
    path = HERE.parent / "hooks" / "answer_rules.py"
    spec = importlib.util.spec_from_file_location("answer_rules", path)
    if spec is None or spec.loader is None:  # pragma: no cover - the file is in this repository
        msg = f"{path} is missing: run make from a checkout of the template"
        raise OrgError(msg)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Build a JSON object, refusing a key given twice (JSON would keep the last one silently)."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            msg = f"{key!r} is given twice in one object"
            raise ValueError(msg)
        found[key] = value
    return found


def publishers_text(value: object) -> str:
    """Write Publishers as CloudFormation takes it: package=owner/repository,...

    org/stack.json may give it as that text, or as an object {"package": "owner/repository"}.
    """
    if isinstance(value, dict):
        return ",".join(f"{package}={repository}" for package, repository in value.items())
    return value if isinstance(value, str) else ""


def publishers(text: str) -> dict[str, str]:
    """Read Publishers' text: each package and the repository that publishes it."""
    pairs = (entry.partition("=") for entry in text.split(",") if entry)
    return {package: repository for package, _, repository in pairs}


def _as_text(value: object) -> str:
    """Write a parameter's value as CloudFormation takes it: JSON's booleans as true and false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def _entry_problems(entry: str, rules: ModuleType) -> list[str]:
    """Check one Publishers entry: a normalised package name, = and an owner/repository."""
    package, equals, repository = entry.partition("=")
    if not equals:
        return [f"{entry!r} is not package=owner/repository"]
    found = []
    if not _PACKAGE.fullmatch(package):
        normal = re.sub(r"[-_.]+", "-", package).lower()
        hint = f", e.g. {normal}" if normal != package and _PACKAGE.fullmatch(normal) else ""
        found.append(
            f"{package!r} is not a package name as PEP 503 normalises it, in 56 characters at "
            f"most (lowercase letters, digits and single dashes){hint}"
        )
    problem = rules.github_repository_problem(repository)
    if problem:
        found.append(f"{package}: {repository!r} is not {problem.partition(': ')[2]}")
    return found


def publisher_problems(value: object, rules: ModuleType) -> list[str]:
    """Check Publishers: every package once, each with the one repository that publishes it."""
    if not value or not isinstance(value, (dict, str)):
        example = f"e.g. {PUBLISHERS_EXAMPLE}"
        return [f"list each package and the repository whose release publishes it, {example}"]
    if isinstance(value, dict) and not all(isinstance(v, str) for v in value.values()):
        return [f"give each package one owner/repository, e.g. {PUBLISHERS_EXAMPLE}"]
    found: list[str] = []
    logical_ids: dict[str, str] = {}  # CloudFormation's id for each package's role
    for entry in publishers_text(value).split(","):
        found += _entry_problems(entry, rules)
        package = entry.partition("=")[0]
        if package in logical_ids:
            found.append(f"{package} is listed twice: one repository publishes each package")
            continue
        # A role's logical id is its entry's letters and digits (Fn::ForEach's &{}): unique too.
        logical = re.sub(r"[^A-Za-z0-9]", "", entry)
        twins = [other for other, known in logical_ids.items() if known == logical]
        found += [
            f"{twin} and {package} would get the same logical id, PackageReleaseRole{logical}"
            for twin in twins
        ]
        logical_ids[package] = logical
    return found


def _value_problem(name: str, value: object, rules: ModuleType) -> str:
    """Check one parameter other than Publishers against the template's rule."""
    if name in CHOICES:
        return "" if _as_text(value) in CHOICES[name] else f"{value!r} is neither true nor false"
    if not isinstance(value, str):
        return f"{value!r} is not a string"
    if name in PATTERNS:
        pattern, rule = PATTERNS[name]
        fits = len(value) <= MAX_LENGTHS.get(name, len(value))
        return "" if fits and re.fullmatch(pattern, value) else f"{value!r} is not {rule}"
    if name == "EncryptionKeyArn" and value and not _KMS_KEY.fullmatch(value):
        return (
            f"{value!r} is neither a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID) nor empty "
            "(the AWS managed key)"
        )
    if name == "GitHubRepositories" and value != "*":
        wrong = [r for r in value.split(",") if rules.github_repository_problem(r)]
        if wrong:
            return f"{wrong[0]!r} is not owner/name of a GitHub repository; or * for all"
    return ""


def parameter_problems(parameters: dict[str, Any], rules: ModuleType) -> list[str]:
    """Check Parameters: the template's parameters only, each value as its rule says."""
    missing = [name for name in REQUIRED if name not in parameters]
    found = [f"{name}: missing (it has no default)" for name in missing if name != "Publishers"]
    if "Publishers" in missing:
        found.append(
            f"Publishers: missing (it has no default); {publisher_problems(None, rules)[0]}"
        )
    for name, value in parameters.items():
        if name not in PARAMETERS:
            found.append(
                f"{name}: not a parameter of org/codeartifact.yml ({', '.join(PARAMETERS)})"
            )
        elif name == "Publishers":
            found += [f"Publishers: {problem}" for problem in publisher_problems(value, rules)]
        elif problem := _value_problem(name, value, rules):
            found.append(f"{name}: {problem}")
    staging = parameters.get("StagingRepositoryName")
    for other in ("RepositoryName", "UpstreamRepositoryName"):
        if staging and staging == parameters.get(other, REPOSITORY_DEFAULTS[other]):
            found.append(
                f"StagingRepositoryName: {staging!r} is {other} too: staging must be a repository "
                "of its own, which consumers never read, e.g. python-staging (or empty)"
            )
    return [f"Parameters.{problem}" for problem in found]


def problems(data: dict[str, Any]) -> list[str]:
    """Check every value of org/stack.json that AWS would refuse or that names the wrong place."""
    rules = answer_rules()
    found = [f"{key}: not a setting ({', '.join(SETTINGS)})" for key in data if key not in SETTINGS]
    name = data.get("StackName")
    if not isinstance(name, str) or not _STACK_NAME.fullmatch(name):
        found.append(
            f"StackName: {name!r} is not a stack name (a letter, then letters, digits and dashes, "
            "128 at most), e.g. codeartifact-python"
        )
    region = data.get("Region")
    said = rules.region_problem(region) if isinstance(region, str) else "aws_region: a region"
    if said:  # copier's words for its own question, aws_region, turned to this file's
        rule = said.partition(": ")[2].replace("in copier's environment", "for make")
        found.append(f"Region: {region!r}: {rule}")
    account = data.get("AccountId")
    if not isinstance(account, str) or not _ACCOUNT.fullmatch(account):
        found.append(
            f"AccountId: {account!r} is not an AWS account id: exactly 12 digits 0-9 and nothing "
            "else, e.g. 123456789012 (`aws sts get-caller-identity --query Account` shows yours)"
        )
    profile = data.get("Profile", "")
    if not isinstance(profile, str) or not _PROFILE.fullmatch(profile):
        found.append(
            f"Profile: {profile!r} is not an AWS CLI profile name (letters, digits and _.+@:/-), "
            "or empty for the default credential chain"
        )
    parameters = data.get("Parameters")
    if isinstance(parameters, dict):
        found += parameter_problems(parameters, rules)
    else:
        found.append(
            'Parameters: an object of the stack\'s parameters, e.g. {"DomainName": "acme"}'
        )
    return found


@dataclass(frozen=True)
class Stack:
    """org/stack.json: where the stack goes and its parameters."""

    name: str
    region: str
    profile: str
    account: str
    parameters: dict[str, str]

    @classmethod
    def load(cls, path: Path) -> Stack:
        """Read the file and check it before AWS is asked anything, naming each rule broken."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_unique_keys)
        except (OSError, ValueError) as error:
            msg = f"{path}: cannot read it as JSON ({error}); fix it, then run the target again."
            raise OrgError(msg) from None
        found = problems(data) if isinstance(data, dict) else [f"one object with {SETTINGS}"]
        if found:
            listed = "".join(f"\n  {problem}" for problem in found)
            msg = f"{path}: fix these, then run the target again (nothing was sent to AWS):{listed}"
            raise OrgError(msg)
        parameters = {str(k): _as_text(v) for k, v in data["Parameters"].items()}
        parameters["Publishers"] = publishers_text(data["Parameters"]["Publishers"])
        return cls(
            name=data["StackName"],
            region=data["Region"],
            profile=data.get("Profile", ""),
            account=data["AccountId"],
            parameters=parameters,
        )

    def role_arn(self, name: str) -> str:
        """Give the ARN of one of the account's roles (the aws partition: CodeArtifact's only)."""
        return f"arn:aws:iam::{self.account}:role/{name}"

    @property
    def staging(self) -> str:
        """The staging repository of staged releases, or "" (releases publish directly)."""
        return self.parameters.get("StagingRepositoryName", "")

    def who_publishes(self) -> list[str]:
        """Say who may publish from GitHub Actions, one line per role, as the roles allow."""
        repository_name = self.parameters.get("RepositoryName", "python")
        lines = [
            (
                f"{package}: staged to {self.staging} only from {repository}'s staging "
                f"environment, with the role {self.role_arn(package + STAGE_SUFFIX)}; promoted "
                f"to {repository_name} only from its release environment, with the role "
                f"{self.role_arn(package + ROLE_SUFFIX)}, which may copy and never upload"
            )
            if self.staging
            else (
                f"{package}: only from {repository}'s release environment, with the role "
                f"{self.role_arn(package + ROLE_SUFFIX)}"
            )
            for package, repository in publishers(self.parameters["Publishers"]).items()
        ]
        if self.parameters.get("AllowAnyRepositoryToPublishAnyPackage") != "true":
            lines.append("nothing else: AllowAnyRepositoryToPublishAnyPackage is false")
            return lines
        repositories = self.parameters.get("GitHubRepositories", "*")
        who = f"every repository of {self.parameters['GitHubOwner']}"
        who = who if repositories == "*" else repositories.replace(",", ", ")
        role = self.role_arn(self.parameters.get("ReleaseRoleName", "codeartifact-release"))
        lines.append(
            f"{self.parameters.get('PackageNamePattern', '*')}: also from the release environment "
            f"of {who}, with the role {role} (AllowAnyRepositoryToPublishAnyPackage: each "
            "repository's own admins decide who approves its releases)"
        )
        return lines

    def name_protection(self) -> str:
        """Say which names the stack keeps the public upstream away from, as its group does."""
        prefix = self.parameters.get("NamePrefix", "")
        repository = self.parameters.get("RepositoryName", "python")
        if not prefix:
            return (
                "none by the stack (NamePrefix is empty): each project blocks the public "
                "upstream for its own name, once, with `make protect-name`"
            )
        return (
            f"every package whose name starts with {prefix}, present or future, in every "
            f"repository of the domain: the package group /pypi//{prefix}~ blocks the public "
            f"upstream for them and lets them be published to {repository}"
            f"{f' and {self.staging}' if self.staging else ''} only "
            "(`make protect-name` has nothing to do for them)"
        )


@dataclass(frozen=True)
class Aws:
    """The `aws` CLI with the stack's region and profile, and JSON output, on every call.

    `--output json` on every call: the CLI's default comes from AWS_DEFAULT_OUTPUT or the
    profile's `output` setting, which may say text or table on a platform engineer's laptop.
    """

    stack: Stack

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run one command; a failure is an OrgError carrying the CLI's last line."""
        aws = shutil.which("aws")
        if aws is None:
            msg = "The AWS CLI (`aws`) is not on PATH: install AWS CLI v2, then run it again."
            raise OrgError(msg)
        argv = [aws, *args, "--region", self.stack.region, "--output", "json"]
        argv += ["--profile", self.stack.profile] if self.stack.profile else []
        done = subprocess.run(  # noqa: S603 - the aws CLI, with arguments built here
            argv,
            capture_output=True,
            text=True,
            check=False,
            timeout=TIMEOUT,
        )
        if check and done.returncode != 0:
            msg = f"`aws {' '.join(args[:2])}` failed: {_last_line(done.stderr)}"
            raise OrgError(msg)
        return done

    def json(self, *args: str) -> dict[str, Any]:
        """Run a command and read its answer."""
        data: dict[str, Any] = json.loads(self(*args).stdout or "{}")
        return data


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no message)"


def say(message: str) -> None:
    """Progress and results, on stdout."""
    sys.stdout.write(f"{message}\n")
    sys.stdout.flush()


def check_account(aws: Aws, stack: Stack) -> None:
    """Refuse to touch an account other than the one org/stack.json names."""
    profile = f" --profile {stack.profile}" if stack.profile else ""
    done = aws("sts", "get-caller-identity", check=False)
    if done.returncode != 0:
        msg = (
            f"No AWS session ({_last_line(done.stderr)}): sign in, e.g. `aws sso login{profile}`, "
            "then run the target again."
        )
        raise OrgError(msg)
    identity = json.loads(done.stdout)
    account = str(identity.get("Account", ""))
    if stack.account and account != stack.account:
        msg = (
            f"You are signed in to account {account}, but org/stack.json names "
            f"{stack.account}: sign in to {stack.account} or fix AccountId in org/stack.json."
        )
        raise OrgError(msg)
    say(f"Account {account} as {identity.get('Arn', '?')}, region {stack.region}.")


def deployed(aws: Aws, stack: Stack) -> dict[str, Any] | None:
    """Describe the stack as CloudFormation has it, or None if it does not exist."""
    done = aws("cloudformation", "describe-stacks", "--stack-name", stack.name, check=False)
    if done.returncode != 0:
        if "does not exist" in done.stderr:
            return None
        msg = f"`aws cloudformation describe-stacks` failed: {_last_line(done.stderr)}"
        raise OrgError(msg)
    stacks = json.loads(done.stdout or "{}").get("Stacks", [])
    found: dict[str, Any] | None = stacks[0] if stacks else None
    return found


def change_set_type(found: dict[str, Any] | None) -> str:
    """CREATE for a stack that does not exist yet (or was only ever planned), else UPDATE."""
    if found is None or found.get("StackStatus") == "REVIEW_IN_PROGRESS":
        return "CREATE"
    return "UPDATE"


def check_moves(found: dict[str, Any] | None, stack: Stack) -> None:
    """Refuse to move a package to another repository in one step.

    Each package's role takes its logical id from its whole Publishers entry: moved, the entry
    is a new resource, which CloudFormation creates (with the same role name, so it fails)
    before it deletes the old one.
    """
    values = {
        p.get("ParameterKey"): p.get("ParameterValue") for p in (found or {}).get("Parameters", [])
    }
    before = publishers(str(values.get("Publishers") or ""))
    after = publishers(stack.parameters["Publishers"])
    for package, repository in after.items():
        if before.get(package, repository) != repository:
            msg = (
                f"Publishers: {package} moves from {before[package]} to {repository}, which "
                f"replaces its role {package}{ROLE_SUFFIX}, and CloudFormation creates a role's "
                "replacement before it deletes it. Deploy once without "
                f"{package} (its releases stop), then again with {package}={repository}."
            )
            raise OrgError(msg)


def create_change_set(aws: Aws, stack: Stack) -> tuple[str, str] | None:
    """Create a change set and print it; return its name and type, or None if nothing changes."""
    found = deployed(aws, stack)
    check_moves(found, stack)
    kind = change_set_type(found)
    name = f"{stack.name}-{time.strftime('%Y%m%d%H%M%S', time.gmtime())}"
    parameters = [{"ParameterKey": k, "ParameterValue": v} for k, v in stack.parameters.items()]
    aws(
        "cloudformation",
        "create-change-set",
        "--stack-name",
        stack.name,
        "--change-set-name",
        name,
        "--change-set-type",
        kind,
        "--template-body",
        f"file://{TEMPLATE}",
        "--parameters",
        json.dumps(parameters),
        "--capabilities",
        *CAPABILITIES,
    )
    target = ("--stack-name", stack.name, "--change-set-name", name)
    waited = aws("cloudformation", "wait", "change-set-create-complete", *target, check=False)
    described = aws.json("cloudformation", "describe-change-set", *target)
    if waited.returncode != 0:
        reason = str(described.get("StatusReason", "")) or _last_line(waited.stderr)
        if NO_CHANGES in reason:
            aws("cloudformation", "delete-change-set", *target)
            say(f"Stack {stack.name} is up to date: nothing to change.")
            return None
        msg = f"CloudFormation refused the change set {name}: {reason}"
        raise OrgError(msg)
    say(f"Change set {name} ({kind}) for stack {stack.name}:")
    for line in describe_changes(described.get("Changes", [])):
        say(f"  {line}")
    return name, kind


def say_who_publishes(stack: Stack, *, planned: bool) -> None:
    """Who may publish from GitHub Actions, package by package, as the stack's roles allow.

    Then which names the public upstream cannot supply, as the stack's package group says.
    """
    say("Who may publish, once these changes are applied:" if planned else "Who may publish:")
    for line in stack.who_publishes():
        say(f"  {line}")
    say(f"Names the public upstream cannot supply: {stack.name_protection()}.")


def describe_changes(changes: list[dict[str, Any]]) -> list[str]:
    """One line per resource change: action, logical id, type, replacement."""
    lines = []
    for change in changes:
        resource = change.get("ResourceChange", {})
        replacement = resource.get("Replacement")
        lines.append(
            f"{resource.get('Action', '?'):<8} {resource.get('LogicalResourceId', '?'):<22} "
            f"{resource.get('ResourceType', '?')}"
            + (f" (replacement: {replacement})" if replacement else "")
        )
    return lines or ["(no resource changes)"]


def plan(stack: Stack) -> None:
    """Create the change set and print it; nothing changes until it is executed."""
    aws = Aws(stack)
    check_account(aws, stack)
    if create_change_set(aws, stack):
        say_who_publishes(stack, planned=True)
        say("Nothing has changed yet: `make org-deploy` applies these changes.")


def deploy(stack: Stack) -> None:
    """Create a change set, print it, execute it, wait, and print the stack's outputs."""
    aws = Aws(stack)
    check_account(aws, stack)
    created = create_change_set(aws, stack)
    if created is not None:
        name, kind = created
        target = ("--stack-name", stack.name, "--change-set-name", name)
        aws("cloudformation", "execute-change-set", *target)
        say(f"Executing {name}; waiting for the stack (a few minutes)...")
        waiter = "stack-create-complete" if kind == "CREATE" else "stack-update-complete"
        aws("cloudformation", "wait", waiter, "--stack-name", stack.name)
    stacks = aws.json("cloudformation", "describe-stacks", "--stack-name", stack.name)
    found = stacks.get("Stacks", [{}])[0]
    say(f"Stack {stack.name}: {found.get('StackStatus', '?')}.")
    for output in sorted(found.get("Outputs", []), key=lambda o: str(o.get("OutputKey"))):
        say(f"  {output.get('OutputKey')}: {output.get('OutputValue')}")
    say_who_publishes(stack, planned=False)
    if stack.staging:
        say(
            "Give each project its roles, once (the release workflow reads "
            "CODEARTIFACT_STAGE_ROLE_ARN and CODEARTIFACT_ROLE_ARN), and its copier answer "
            f"codeartifact_staging_repository={stack.staging}:"
        )
    else:
        say("Give each project its role, once (the release workflow reads CODEARTIFACT_ROLE_ARN):")
    for package, repository in publishers(stack.parameters["Publishers"]).items():
        if stack.staging:
            stage = stack.role_arn(package + STAGE_SUFFIX)
            say(f"  gh variable set CODEARTIFACT_STAGE_ROLE_ARN --repo {repository} --body {stage}")
        role = stack.role_arn(package + ROLE_SUFFIX)
        say(f"  gh variable set CODEARTIFACT_ROLE_ARN --repo {repository} --body {role}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run `plan` or `deploy`; errors become one line on stderr and exit 1."""
    parser = argparse.ArgumentParser(prog="org/stack.py", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["plan", "deploy"])
    parser.add_argument("--config", type=Path, default=CONFIG, help="default: org/stack.json")
    arguments = parser.parse_args(argv)
    try:
        stack = Stack.load(arguments.config)
        (plan if arguments.command == "plan" else deploy)(stack)
    except OrgError as error:
        sys.stderr.write(f"error: {error}\n")
        return 1
    except ValueError:
        sys.stderr.write("error: the aws CLI printed something that is not JSON; see above.\n")
        return 1
    except subprocess.TimeoutExpired:
        sys.stderr.write("error: the aws CLI took over an hour; see the stack's events.\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted: CloudFormation carries on; see the stack's events.\n")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
