"""Plan and deploy the organisation stack (org/codeartifact.yml) through the `aws` CLI.

`make org-plan` creates a CloudFormation change set and prints it; `make org-deploy` creates one,
prints it and executes it. The stack's name, account, region, profile and parameters live in one
file, org/stack.json. Standard library only: a platform engineer needs Python and the AWS CLI.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "codeartifact.yml"
CONFIG = HERE / "stack.json"
NO_CHANGES = "didn't contain changes"  # CloudFormation's StatusReason for an empty change set
TIMEOUT = 3600.0  # the CLI's own waiters give up after an hour at most


class OrgError(Exception):
    """A failure with the message the user reads."""


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
        """Read and check the file; every problem is one message naming the fix."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            msg = f"{path}: cannot read it as JSON ({error}); fix the file and run make again."
            raise OrgError(msg) from None
        missing = [key for key in ("StackName", "Region", "Parameters") if not data.get(key)]
        if missing or not isinstance(data.get("Parameters"), dict):
            msg = f"{path}: needs StackName, Region and a Parameters object (missing: {missing})."
            raise OrgError(msg)
        return cls(
            name=str(data["StackName"]),
            region=str(data["Region"]),
            profile=str(data.get("Profile") or ""),
            account=str(data.get("AccountId") or ""),
            parameters={str(k): str(v) for k, v in data["Parameters"].items()},
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
            msg = "The AWS CLI (`aws`) is not on PATH: install AWS CLI v2, then run make again."
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
            "then run make again."
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


def change_set_type(aws: Aws, stack: Stack) -> str:
    """CREATE for a stack that does not exist yet (or was only ever planned), else UPDATE."""
    done = aws("cloudformation", "describe-stacks", "--stack-name", stack.name, check=False)
    if done.returncode != 0:
        if "does not exist" in done.stderr:
            return "CREATE"
        msg = f"`aws cloudformation describe-stacks` failed: {_last_line(done.stderr)}"
        raise OrgError(msg)
    stacks = json.loads(done.stdout or "{}").get("Stacks", [])
    status = stacks[0].get("StackStatus", "") if stacks else ""
    return "CREATE" if status == "REVIEW_IN_PROGRESS" else "UPDATE"


def create_change_set(aws: Aws, stack: Stack) -> tuple[str, str] | None:
    """Create a change set and print it; return its name and type, or None if nothing changes."""
    kind = change_set_type(aws, stack)
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
        "CAPABILITY_NAMED_IAM",
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
