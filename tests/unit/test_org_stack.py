"""The organisation stack: cfn-lint clean, and its settings file agrees with its parameters."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
import yaml

from tests import cfn

if TYPE_CHECKING:
    from pathlib import Path
    from types import ModuleType

    from tests.doubles.codeartifact import FakeCodeArtifact

ORG = cfn.ROOT / "org"


def org_stack() -> ModuleType:
    """org/stack.py, a script the Makefile runs, loaded as a module."""
    spec = importlib.util.spec_from_file_location("org_stack", ORG / "stack.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_cfn_lint_finds_nothing_in_the_stack() -> None:
    """`make org-lint`, as the README says: cfn-lint runs offline, from the dev group."""
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    result = subprocess.run(
        ["make", "--no-print-directory", "-C", str(cfn.ROOT), "org-lint"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "uv run cfn-lint org/codeartifact.yml"


def test_the_copier_settings_say_what_the_stack_file_says() -> None:
    stack = json.loads((ORG / "stack.json").read_text(encoding="utf-8"))
    settings = yaml.safe_load((ORG / "copier-settings.yml").read_text(encoding="utf-8"))
    defaults, parameters = settings["defaults"], stack["Parameters"]
    assert defaults["aws_account_id"] == stack["AccountId"]
    assert defaults["aws_region"] == stack["Region"]
    assert defaults["aws_profile"] == stack["Profile"]
    assert defaults["codeartifact_domain"] == parameters["DomainName"]
    assert defaults["codeartifact_repository"] == parameters["RepositoryName"]
    assert defaults["github_repository"].startswith(f"{parameters['GitHubOwner']}/")
    # A word every laptop understands: a URL or a checkout's path belongs to one team or machine.
    assert defaults["tools_index"] in {"default", "codeartifact"}
    assert set(stack["Parameters"]) <= set(cfn.load()["Parameters"])


def test_the_stack_covers_every_repository_of_the_owner_by_default() -> None:
    template = cfn.load()
    resolver = cfn.Resolver(template, {"DomainName": "acme", "GitHubOwner": "acme"})
    trust = resolver.resolve(
        template["Resources"]["ReleaseRole"]["Properties"]["AssumeRolePolicyDocument"]
    )
    condition = trust["Statement"][0]["Condition"]
    assert (
        condition["StringLike"]["token.actions.githubusercontent.com:sub"]
        == "repo:acme/*:environment:release"
    )
    assert condition["StringEquals"] == {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"
    }


def test_a_list_of_repositories_gets_one_release_environment_each() -> None:
    template = cfn.load()
    parameters = {
        "DomainName": "acme",
        "GitHubOwner": "acme",
        "GitHubRepositories": "acme/widgets,acme/tools",
    }
    resolver = cfn.Resolver(template, parameters)
    trust = resolver.resolve(
        template["Resources"]["ReleaseRole"]["Properties"]["AssumeRolePolicyDocument"]
    )
    assert sorted(trust["Statement"][0]["Condition"]["StringLike"].popitem()[1]) == [
        "repo:acme/tools:environment:release",
        "repo:acme/widgets:environment:release",
    ]


def test_an_existing_domain_is_adopted_not_created() -> None:
    template = cfn.load()
    resolver = cfn.Resolver(
        template, {"DomainName": "initech", "CreateDomain": "false", "GitHubOwner": "initech"}
    )
    assert template["Resources"]["Domain"]["Condition"] == "CreateTheDomain"
    assert not resolver.condition("CreateTheDomain")
    repository = resolver.resolve(template["Resources"]["Repository"]["Properties"])
    assert repository["DomainName"] == "initech"
    # Deleting the stack never deletes packages: the domain and repositories are kept.
    for logical in ("Domain", "Repository", "UpstreamRepository"):
        assert template["Resources"][logical]["DeletionPolicy"] == "Retain"


@pytest.mark.parametrize("output", ["text", "table", "yaml"])
def test_every_aws_call_asks_for_json_whatever_the_profile_prints(
    fake_aws: FakeCodeArtifact, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output: str
) -> None:
    """A platform engineer's AWS config may say `output = text`: the answers are still read."""
    config = tmp_path / "aws-config"
    config.write_text(f"[default]\noutput = {output}\n", encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    fake_aws.update(
        stacks={"codeartifact-python": {"StackStatus": "REVIEW_IN_PROGRESS", "Parameters": []}}
    )
    module = org_stack()
    stack = module.Stack.load(ORG / "stack.json")
    aws = module.Aws(stack)
    assert module.change_set_type(aws, stack) == "CREATE"  # only planned so far
    module.check_account(aws, stack)
    assert [call["args"]["output"] for call in fake_aws.calls] == ["json", "json"]
