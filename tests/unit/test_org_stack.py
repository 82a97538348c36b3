"""The organisation stack: cfn-lint clean, its settings file agrees with its parameters, and
org/stack.py checks every value of org/stack.json before it asks AWS anything."""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from tests import cfn
from tests.machine import load_file

if TYPE_CHECKING:
    from pathlib import Path
    from types import ModuleType

    from tests.doubles.codeartifact import FakeCodeArtifact

ORG = cfn.ROOT / "org"


@functools.cache
def org_stack() -> ModuleType:
    """org/stack.py, a script the Makefile runs, loaded as a module (once: one OrgError class)."""
    return load_file(ORG / "stack.py", "org_stack")


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
    # A staging repository in the stack stages every new project's releases.
    assert defaults["codeartifact_staging_repository"] == parameters["StagingRepositoryName"]
    # The organisation's prefix: the name guard's for copier, the package group's for AWS.
    assert defaults["name_prefix"] == parameters["NamePrefix"]
    assert defaults["github_repository"].startswith(f"{parameters['GitHubOwner']}/")
    # A word every laptop understands: a URL or a checkout's path belongs to one team or machine.
    assert defaults["tools_index"] in {"default", "codeartifact"}
    assert set(stack["Parameters"]) <= set(cfn.load()["Parameters"])


def _shared_trust(**parameters: str) -> dict[str, Any]:
    template = cfn.load()
    resolver = cfn.Resolver(
        template,
        {
            "DomainName": "acme",
            "GitHubOwner": "acme",
            "Publishers": "acme-widgets=acme/acme-widgets",
            "AllowAnyRepositoryToPublishAnyPackage": "true",
            **parameters,
        },
    )
    trust: dict[str, Any] = resolver.resolve(
        template["Resources"]["ReleaseRole"]["Properties"]["AssumeRolePolicyDocument"]
    )
    return trust


def test_the_shared_role_covers_every_repository_of_the_owner_when_chosen() -> None:
    condition = _shared_trust()["Statement"][0]["Condition"]
    assert (
        condition["StringLike"]["token.actions.githubusercontent.com:sub"]
        == "repo:acme/*:environment:release"
    )
    assert condition["StringEquals"] == {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"
    }


def test_a_list_of_repositories_gets_one_release_environment_each() -> None:
    trust = _shared_trust(GitHubRepositories="acme/widgets,acme/tools")
    assert sorted(trust["Statement"][0]["Condition"]["StringLike"].popitem()[1]) == [
        "repo:acme/tools:environment:release",
        "repo:acme/widgets:environment:release",
    ]


def test_an_existing_domain_is_adopted_not_created() -> None:
    template = cfn.load()
    resolver = cfn.Resolver(
        template,
        {
            "DomainName": "initech",
            "CreateDomain": "false",
            "GitHubOwner": "initech",
            "Publishers": "initech-tps=initech/tps",
        },
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
    assert module.change_set_type(module.deployed(aws, stack)) == "CREATE"  # only planned so far
    module.check_account(aws, stack)
    assert [call["args"]["output"] for call in fake_aws.calls] == ["json", "json"]


# --- org/stack.json is checked before AWS is asked anything ------------------------------------


def test_the_rules_stack_py_checks_are_the_templates() -> None:
    module = org_stack()
    parameters = cfn.load()["Parameters"]
    assert set(module.PARAMETERS) == set(parameters)
    for name, (pattern, _) in module.PATTERNS.items():
        assert f"^{pattern}$" == parameters[name]["AllowedPattern"], name
    for name, choices in module.CHOICES.items():
        assert sorted(choices) == sorted(parameters[name]["AllowedValues"]), name
    for name, longest in module.MAX_LENGTHS.items():
        assert parameters[name]["MaxLength"] == longest, name
    assert {k for k, v in parameters.items() if "MaxLength" in v} == set(module.MAX_LENGTHS)
    assert set(module.REQUIRED) == {k for k, v in parameters.items() if "Default" not in v}
    for name, default in module.REPOSITORY_DEFAULTS.items():
        assert parameters[name]["Default"] == default, name


def load(tmp_path: Path, **changes: object) -> Any:  # noqa: ANN401 - the script's Stack
    """org/stack.json with `changes` (Parameters.X for a parameter), loaded by org/stack.py."""
    data = json.loads((ORG / "stack.json").read_text(encoding="utf-8"))
    for key, value in changes.items():
        where, _, name = key.rpartition("__")
        target = data["Parameters"] if where == "Parameters" else data
        if value is None:
            target.pop(name)
        else:
            target[name] = value
    path = tmp_path / "stack.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return org_stack().Stack.load(path)


def refusal(tmp_path: Path, **changes: object) -> str:
    """The message org/stack.py refuses the file with (it must refuse it)."""
    module = org_stack()
    with pytest.raises(module.OrgError) as raised:
        load(tmp_path, **changes)
    message = str(raised.value)
    assert "fix these, then run the target again (nothing was sent to AWS):" in message
    return message


@pytest.mark.parametrize(
    "account",
    [
        "12345678901",  # one short
        "1234567890123",  # one long
        " 123456789012",
        "123456789012 ",
        "12345678901O",  # a letter O for a zero
        "١٢٣٤٥٦٧٨٩٠١٢",  # Arabic-Indic digits: str.isdigit() says yes
        "\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff10\uff11\uff12",  # fullwidth
        "",
        123456789012,  # a JSON number, not the string
        None,
    ],
)
def test_an_account_id_that_is_not_twelve_digits_is_refused_naming_the_rule(
    tmp_path: Path, account: object
) -> None:
    message = refusal(tmp_path, AccountId=account)
    assert f"AccountId: {account!r} is not an AWS account id: exactly 12 digits 0-9" in message


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"Region": "eu-west-9"},
            "Region: 'eu-west-9': CodeArtifact has no endpoint in eu-west-9: did you mean eu-west",
        ),
        ({"Region": "EU-WEST-1"}, "Region: 'EU-WEST-1': an AWS region code such as eu-west-1"),
        (
            {"Region": "cn-north-1"},
            "Region: 'cn-north-1': CodeArtifact has no endpoint in cn-north-1",
        ),
        ({"StackName": "1-stack"}, "StackName: '1-stack' is not a stack name"),
        ({"Profile": "my profile"}, "Profile: 'my profile' is not an AWS CLI profile name"),
        ({"Acount": "123456789012"}, "Acount: not a setting (StackName, Region, AccountId"),
        ({"Parameters__DomainName": "Acme"}, "Parameters.DomainName: 'Acme' is not 2-50 lowercase"),
        ({"Parameters__DomainName": "a" * 51}, "Parameters.DomainName: 'aaaa"),
        ({"Parameters__DomainName": None}, "Parameters.DomainName: missing (it has no default)"),
        ({"Parameters__RepositoryName": "p"}, "Parameters.RepositoryName: 'p' is not 2-100"),
        (
            {"Parameters__CreateDomain": "yes"},
            "Parameters.CreateDomain: 'yes' is neither true nor false",
        ),
        (
            {"Parameters__AllowAnyRepositoryToPublishAnyPackage": "True"},
            "is neither true nor false",
        ),
        ({"Parameters__ReleaseRoleName": "r" * 65}, "Parameters.ReleaseRoleName: 'rrrr"),
        ({"Parameters__NamePrefix": "Acme-"}, "Parameters.NamePrefix: 'Acme-' is not a normalised"),
        ({"Parameters__NamePrefix": "acme_"}, "Parameters.NamePrefix: 'acme_' is not a normalised"),
        ({"Parameters__NamePrefix": "acme--"}, "Parameters.NamePrefix: 'acme--' is not"),
        ({"Parameters__NamePrefix": "-acme"}, "Parameters.NamePrefix: '-acme' is not"),
        ({"Parameters__NamePrefix": "acme-*"}, "Parameters.NamePrefix: 'acme-*' is not"),
        ({"Parameters__NamePrefix": "a" * 101}, "(a-z, 0-9, single dashes; 100 at most)"),
        (
            {"Parameters__EncryptionKeyArn": "alias/x"},
            "Parameters.EncryptionKeyArn: 'alias/x' is neither a KMS key ARN",
        ),
        (
            {"Parameters__GitHubRepositories": "acme/a,b"},
            "Parameters.GitHubRepositories: 'b' is not owner/name",
        ),
        (
            {"Parameters__GitHubRepository": "acme/a"},
            "Parameters.GitHubRepository: not a parameter of org/codeartifact.yml",
        ),
        (
            {"Parameters__Publishers": None},
            "Parameters.Publishers: missing (it has no default); list each package and",
        ),
        (
            {"Parameters__Publishers": {}},
            "Parameters.Publishers: list each package and the repository",
        ),
        (
            {"Parameters__Publishers": {"Acme_Widgets": "acme/w"}},
            (
                "Parameters.Publishers: 'Acme_Widgets' is not a package name as PEP 503 "
                "normalises it, in 56 characters at most (lowercase letters, digits and single "
                "dashes), e.g. acme-widgets"
            ),
        ),
        (
            {"Parameters__Publishers": {"a" * 57: "acme/w"}},
            "is not a package name as PEP 503 normalises it, in 56 characters at most",
        ),
        (
            {"Parameters__Publishers": {"acme-widgets": "acme"}},
            "Parameters.Publishers: acme-widgets: 'acme' is not owner/name of a GitHub repository",
        ),
        (
            {"Parameters__Publishers": {"acme-widgets": ["acme/a", "acme/b"]}},
            "Parameters.Publishers: give each package one owner/repository",
        ),
        (
            {"Parameters__Publishers": "acme-widgets=acme/a,acme-widgets=acme/b"},
            "Parameters.Publishers: acme-widgets is listed twice",
        ),
        (
            {"Parameters__Publishers": "acme-widgets"},
            "Parameters.Publishers: 'acme-widgets' is not package=owner/repository",
        ),
        (
            {"Parameters__Publishers": {"a-b": "acme/x", "ab": "acme/x"}},
            "Parameters.Publishers: a-b and ab would get the same logical id",
        ),
    ],
)
def test_each_value_is_checked_against_its_rule(
    tmp_path: Path, changes: dict[str, object], expected: str
) -> None:
    assert expected in refusal(tmp_path, **changes)


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    message = refusal(tmp_path, AccountId="1234", Region="eu-west-9", Parameters__DomainName="A")
    assert [line.split(":")[0] for line in message.splitlines()[1:]] == [
        "  Region",
        "  AccountId",
        "  Parameters.DomainName",
    ]


def test_a_key_given_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "stack.json"
    text = (ORG / "stack.json").read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            '"acme-widgets": "acme/acme-widgets"',
            '"acme-widgets": "acme/a", "acme-widgets": "acme/b"',
        )
    )
    module = org_stack()
    with pytest.raises(module.OrgError, match="'acme-widgets' is given twice in one object"):
        module.Stack.load(path)


def test_publishers_reach_cloudformation_as_one_list_and_booleans_as_words(tmp_path: Path) -> None:
    stack = load(
        tmp_path,
        Parameters__Publishers={"acme-widgets": "acme/widgets", "acme-tools": "acme/tools"},
        Parameters__CreateOidcProvider=False,
    )
    assert stack.parameters["Publishers"] == "acme-widgets=acme/widgets,acme-tools=acme/tools"
    assert stack.parameters["CreateOidcProvider"] == "false"
    # The same, written as CloudFormation's own text.
    text = load(tmp_path, Parameters__Publishers="acme-widgets=acme/widgets,acme-tools=acme/tools")
    assert text.parameters["Publishers"] == stack.parameters["Publishers"]


def _role_names(resolver: cfn.Resolver) -> list[str]:
    """The names of the IAM roles the stack creates, sorted."""
    return sorted(
        resolver.resolve(resource["Properties"]["RoleName"])
        for resource in resolver.resources().values()
        if resource["Type"] == "AWS::IAM::Role"
    )


def test_the_roles_stack_py_names_are_the_ones_the_template_creates(tmp_path: Path) -> None:
    stack = load(
        tmp_path,
        Parameters__Publishers={"acme-widgets": "acme/widgets", "acme-tools": "acme/tools"},
    )
    resolver = cfn.Resolver(cfn.load(), stack.parameters)
    created = _role_names(resolver)
    assert created == ["acme-tools-release", "acme-widgets-release"]
    role = "with the role arn:aws:iam::123456789012:role"
    assert stack.who_publishes() == [
        f"acme-widgets: only from acme/widgets's release environment, {role}/acme-widgets-release",
        f"acme-tools: only from acme/tools's release environment, {role}/acme-tools-release",
        "nothing else: AllowAnyRepositoryToPublishAnyPackage is false",
    ]
    wide = load(tmp_path, Parameters__AllowAnyRepositoryToPublishAnyPackage=True)
    assert wide.who_publishes()[-1] == (
        f"*: also from the release environment of every repository of acme, {role}/"
        "codeartifact-release (AllowAnyRepositoryToPublishAnyPackage: each repository's own "
        "admins decide who approves its releases)"
    )


def test_a_package_cannot_move_to_another_repository_in_one_deploy(tmp_path: Path) -> None:
    """Its role's logical id changes: CloudFormation would create the same role name twice."""
    module = org_stack()
    stack = load(tmp_path, Parameters__Publishers={"acme-widgets": "acme/widgets-v2"})
    before = {
        "Parameters": [
            {"ParameterKey": "Publishers", "ParameterValue": "acme-widgets=acme/widgets"}
        ]
    }
    with pytest.raises(module.OrgError) as raised:
        module.check_moves(before, stack)
    assert str(raised.value) == (
        "Publishers: acme-widgets moves from acme/widgets to acme/widgets-v2, which replaces its "
        "role acme-widgets-release, and CloudFormation creates a role's replacement before it "
        "deletes it. Deploy once without acme-widgets (its releases stop), then again with "
        "acme-widgets=acme/widgets-v2."
    )
    module.check_moves(None, stack)  # a new stack
    added = load(
        tmp_path, Parameters__Publishers={"acme-widgets": "acme/widgets", "acme-x": "acme/x"}
    )
    module.check_moves(before, added)  # a package added, none moved


def test_what_stack_py_accepts_in_publishers_cloudformation_accepts_too(tmp_path: Path) -> None:
    """Each entry must match the template's AllowedPattern (CommaDelimitedList: each item)."""
    pattern = cfn.load()["Parameters"]["Publishers"]["AllowedPattern"]
    longest = "a" * 56  # <name>-release is then IAM's 64 characters
    publishers = {longest: "acme/acme-widgets", "acme-tools-2": "Acme-Corp/tools.py_v2"}
    stack = load(tmp_path, Parameters__Publishers=publishers)
    entries = stack.parameters["Publishers"].split(",")
    assert all(re.fullmatch(pattern, entry) for entry in entries), entries
    assert len(f"{longest}-release") == 64
    assert not re.fullmatch(pattern, f"{'a' * 57}=acme/acme-widgets")


# --- The package group for the organisation's name prefix -----------------------------------------


def _groups(**parameters: str) -> dict[str, dict[str, Any]]:
    """The stack's package groups for these parameters, resolved: logical id -> properties."""
    resolver = cfn.Resolver(
        cfn.load(),
        {
            "DomainName": "acme",
            "GitHubOwner": "acme",
            "Publishers": "acme-widgets=acme/w",
            **parameters,
        },
    )
    return {
        logical: resolver.resolve(resource["Properties"])
        for logical, resource in resolver.resources().items()
        if resource["Type"] == "AWS::CodeArtifact::PackageGroup"
    }


def test_without_a_prefix_the_stack_makes_no_package_group() -> None:
    assert _groups() == {}
    assert _groups(NamePrefix="") == {}


def test_a_prefix_makes_a_group_that_blocks_the_upstream_and_publishes_to_the_repository() -> None:
    """What `make protect-name` sets on one package, for every name that starts with acme-."""
    (group,) = _groups(NamePrefix="acme-", RepositoryName="libraries").values()
    assert group["DomainName"] == "acme"
    assert group["Pattern"] == "/pypi//acme-~"
    assert group["OriginConfiguration"] == {
        "Restrictions": {
            # The release repository now; a staging repository joins this list.
            "Publish": {
                "RestrictionMode": "ALLOW_SPECIFIC_REPOSITORIES",
                "Repositories": ["libraries"],
            },
            "ExternalUpstream": {"RestrictionMode": "BLOCK"},
            "InternalUpstream": {"RestrictionMode": "BLOCK"},
        }
    }


def test_the_groups_pattern_covers_every_name_with_the_prefix_and_no_other() -> None:
    """The pattern read with the matching rules of AWS's documentation (the fake `aws`'s)."""
    from tests.doubles import codeartifact as double  # noqa: PLC0415

    (group,) = _groups(NamePrefix="acme-").values()
    pattern = group["Pattern"]
    assert double._parse_pattern(pattern) == (4, "pypi", "", "acme-")  # noqa: SLF001 - its grammar
    for name in ("acme-widgets", "acme-", "acme-a-b-c"):
        assert double._matches(pattern, "pypi", "", name), name  # noqa: SLF001
    for name in ("acme", "acmewidgets", "widgets-acme-", "requests"):
        assert not double._matches(pattern, "pypi", "", name), name  # noqa: SLF001
    assert not double._matches(pattern, "npm", "", "acme-widgets")  # noqa: SLF001 - pypi only


def test_the_group_lives_in_the_adopted_domain_too() -> None:
    (group,) = _groups(NamePrefix="initech-", DomainName="initech", CreateDomain="false").values()
    assert group["DomainName"] == "initech"
    assert group["Pattern"] == "/pypi//initech-~"


@pytest.mark.parametrize(
    "changes",
    [
        {"Parameters__StagingRepositoryName": "python"},  # RepositoryName's default
        {"Parameters__StagingRepositoryName": "libs", "Parameters__RepositoryName": "libs"},
        {"Parameters__StagingRepositoryName": "pypi-store"},
        {"Parameters__StagingRepositoryName": "-staging"},
    ],
)
def test_a_staging_repository_is_a_repository_of_its_own(
    tmp_path: Path, changes: dict[str, str]
) -> None:
    message = refusal(tmp_path, **changes)
    assert "Parameters.StagingRepositoryName: " in message
    assert "python-staging" in message  # the example of a good one


def test_with_a_staging_repository_each_package_stages_and_promotes_with_its_own_roles(
    tmp_path: Path,
) -> None:
    stack = load(
        tmp_path,
        Parameters__StagingRepositoryName="python-staging",
        Parameters__Publishers={"acme-widgets": "acme/widgets"},
    )
    resolver = cfn.Resolver(cfn.load(), stack.parameters)
    created = _role_names(resolver)
    assert created == ["acme-widgets-release", "acme-widgets-stage"]
    role = "arn:aws:iam::123456789012:role"
    assert stack.who_publishes()[0] == (
        f"acme-widgets: staged to python-staging only from acme/widgets's staging environment, "
        f"with the role {role}/acme-widgets-stage; promoted to python only from its release "
        f"environment, with the role {role}/acme-widgets-release, which may copy and never upload"
    )
    prefixed = load(
        tmp_path,
        Parameters__StagingRepositoryName="python-staging",
        Parameters__NamePrefix="acme-",
    )
    assert "published to python and python-staging only" in prefixed.name_protection()
    (repository,) = (
        resolver.resolve(resource["Properties"])
        for resource in resolver.resources().values()
        if resource["Type"] == "AWS::CodeArtifact::Repository"
        and "Upstreams" not in resource["Properties"]
        and "ExternalConnections" not in resource["Properties"]
    )
    # No upstream, no external connection: only what a stage role uploads is there to copy.
    assert repository["RepositoryName"] == "python-staging"


def test_the_plan_says_which_names_the_public_upstream_cannot_supply(tmp_path: Path) -> None:
    without = load(tmp_path)
    assert without.name_protection() == (
        "none by the stack (NamePrefix is empty): each project blocks the public upstream for its "
        "own name, once, with `make protect-name`"
    )
    prefixed = load(tmp_path, Parameters__NamePrefix="acme-")
    assert prefixed.parameters["NamePrefix"] == "acme-"
    assert prefixed.name_protection() == (
        "every package whose name starts with acme-, present or future, in every repository of "
        "the domain: the package group /pypi//acme-~ blocks the public upstream for them and lets "
        "them be published to python only (`make protect-name` has nothing to do for them)"
    )
